//! `POST /v1/calls/web`: a call with an agent over a media WebSocket the client opens itself
//! (a browser, a SIP bridge, the load generator, the test caller) — no carrier involved.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use switchboard_core::CallDirection;
use switchboard_store::{NewCall, StreamGrant};
use switchboard_telephony::twiml;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::calls::{Control, StartError, providers_for, render};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};
use crate::media::tokens::{self, STREAM_TOKEN_PARAMETER};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start_web_call))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartWebCall {
    /// The agent (your own or a system persona) that answers.
    agent_id: String,
    /// Values for the agent's `{{variables}}`, over its defaults.
    #[serde(default)]
    variables: BTreeMap<String, String>,
    /// Your own data, stored with the call.
    #[serde(default)]
    #[schema(value_type = Object)]
    metadata: serde_json::Map<String, serde_json::Value>,
    /// Who speaks for the agent: `agent` (its LLM, the default) or `remote` (you, through
    /// `POST /v1/calls/{id}/say`, `/ask` and `/hangup`; the agent's voice and ears are used).
    #[serde(default)]
    control: ControlChoice,
}

#[derive(Deserialize, ToSchema, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ControlChoice {
    #[default]
    Agent,
    Remote,
}

#[derive(Serialize, ToSchema)]
pub struct WebCall {
    call_id: String,
    /// Open a Twilio-protocol media WebSocket here…
    stream_url: String,
    /// …and send this as the `stream_token` custom parameter of its `start` message.
    stream_token: String,
    /// The same, as TwiML for a Twilio voice webhook.
    twiml: String,
    expires_in_seconds: u64,
}

/// Starts a call with an agent: the call is created `queued` and runs once a media stream
/// presents the returned token (Twilio's media-stream protocol, mu-law 8 kHz).
#[utoipa::path(post, path = "/v1/calls/web", tag = "calls", security(("bearer" = [])), request_body = StartWebCall,
    responses((status = 201, body = WebCall), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn start_web_call(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartWebCall>,
) -> ApiResult<(StatusCode, Json<WebCall>)> {
    let tenant_id = principal.tenant_id();
    let agent = state
        .store
        .get_user_agent(tenant_id, &principal.user.id, &body.agent_id)
        .await?;
    // Refuse now what would fail when the stream joins: missing variables, providers that are
    // not configured.
    let config = render(&agent.effective_config(), &body.variables).map_err(|e| match e {
        StartError::MissingVariables(names) => {
            ApiError::bad_field("variables", format!("the agent needs values for: {names}"))
        }
        other => ApiError::Internal(other.into()),
    })?;
    providers_for(&state.providers, &config).map_err(|e| ApiError::Conflict {
        field: None,
        message: format!("this agent cannot run on this server: {e}"),
    })?;
    // Maps of strings and JSON values always serialise.
    let variables = serde_json::to_string(&body.variables).unwrap_or_default();
    let metadata = serde_json::to_string(&body.metadata).unwrap_or_default();
    let call = state
        .store
        .create_call(
            tenant_id,
            NewCall {
                agent_id: Some(&agent.agent.id),
                user_id: Some(&principal.user.id),
                direction: CallDirection::Web,
                from_number: None,
                to_number: None,
                variables: &variables,
                metadata: &metadata,
                carrier: None,
                carrier_call_id: None,
                phone_number_id: None,
                options: &crate::telephony::options::CallOptions {
                    remote: matches!(body.control, ControlChoice::Remote),
                    ..Default::default()
                }
                .to_json(),
            },
        )
        .await?;
    let grant = StreamGrant {
        tenant_id: tenant_id.to_owned(),
        call_id: call.id.clone(),
        brain: match body.control {
            ControlChoice::Agent => Control::Agent,
            ControlChoice::Remote => Control::Remote,
        }
        .brain()
        .into(),
    };
    let ttl = std::time::Duration::from_secs(state.config.media.stream_token_ttl_seconds);
    let stream_token = tokens::issue(&state.store, &grant, ttl).await?;
    let stream_url = crate::media::stream_url(&state.config, &headers, crate::media::WEB_PATH);
    let twiml = twiml::Response::new()
        .connect_stream(
            twiml::Stream::new(&stream_url).parameter(STREAM_TOKEN_PARAMETER, &stream_token),
        )
        .to_xml();
    Ok((
        StatusCode::CREATED,
        Json(WebCall {
            call_id: call.id,
            stream_url,
            stream_token,
            twiml,
            expires_in_seconds: ttl.as_secs(),
        }),
    ))
}
