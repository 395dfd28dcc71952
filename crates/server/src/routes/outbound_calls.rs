//! Phone calls through a carrier: `POST /v1/calls` places one from your number to a person,
//! answered by an agent; `/transfer` moves a live one to a human; `/recording` serves the
//! carrier's recording. Listing and reading calls is in `calls`; hanging up in `remote_calls`.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_core::E164;
use switchboard_core::agent::AgentConfig;
use switchboard_store::{PhoneNumber, StoreError};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::call_views::CallView;
use crate::calls::{StartError, render};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};
use crate::telephony::control;
use crate::telephony::options::{CallOptions, MachinePolicy};
use crate::telephony::outbound::{self, OutboundCall};

const MAX_VOICEMAIL_CHARS: usize = 1_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place_call))
        .routes(routes!(transfer_call))
        .routes(routes!(get_recording))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceCallRequest {
    /// The agent that talks (yours or a persona)…
    agent_id: Option<String>,
    /// …or an agent configuration for this call only (see `POST /v1/agents`).
    #[schema(value_type = Option<Object>)]
    agent: Option<serde_json::Value>,
    /// Who to call, E.164.
    to: String,
    /// Your number to call from (E.164)…
    from: Option<String>,
    /// …or its id.
    phone_number_id: Option<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    metadata: serde_json::Map<String, serde_json::Value>,
    /// Ends the call after this many seconds (the agent warns first); at most the server's
    /// `telephony.max_call_seconds`.
    max_duration_secs: Option<u32>,
    /// Record the call at the carrier; fetch it from `/v1/calls/{id}/recording`.
    #[serde(default)]
    record: bool,
    /// Detect answering machines and apply this policy.
    machine_detection: Option<MachineDetectionRequest>,
    /// `agent` (the default) or `remote` (you speak through `/say`, `/ask`, `/hangup`).
    #[serde(default)]
    control: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MachineDetectionRequest {
    /// `hangup` or `voicemail`.
    policy: MachinePolicy,
    /// What to say after the beep, for `voicemail`.
    voicemail_message: Option<String>,
}

/// Places a call from one of your numbers; it starts `queued` and moves on as the carrier
/// reports. The agent answers when the callee picks up.
#[utoipa::path(post, path = "/v1/calls", tag = "calls", security(("bearer" = [])), request_body = PlaceCallRequest,
    responses((status = 201, body = CallView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
async fn place_call(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<PlaceCallRequest>,
) -> ApiResult<(StatusCode, Json<CallView>)> {
    let tenant_id = principal.tenant_id();
    let to = E164::parse(&body.to).map_err(|e| ApiError::bad_field("to", e.to_string()))?;
    let from = our_number(
        &state,
        tenant_id,
        body.from.as_deref(),
        body.phone_number_id.as_deref(),
    )
    .await?;
    let mut options = CallOptions {
        record: body.record,
        max_duration_secs: body.max_duration_secs,
        ..CallOptions::default()
    };
    options.remote = match body.control.as_deref() {
        None | Some("agent") => false,
        Some("remote") => true,
        Some(_) => return Err(ApiError::bad_field("control", "`agent` or `remote`")),
    };
    if let Some(detection) = body.machine_detection {
        let message = detection
            .voicemail_message
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty());
        if detection.policy == MachinePolicy::Voicemail {
            match &message {
                None => {
                    return Err(ApiError::bad_field(
                        "machine_detection.voicemail_message",
                        "what to say after the beep: the voicemail policy needs it",
                    ));
                }
                Some(m) if m.chars().count() > MAX_VOICEMAIL_CHARS => {
                    return Err(ApiError::bad_field(
                        "machine_detection.voicemail_message",
                        format!("at most {MAX_VOICEMAIL_CHARS} characters"),
                    ));
                }
                Some(_) => {}
            }
        }
        options.machine_policy = Some(detection.policy);
        options.voicemail_message = message;
    }
    if body.max_duration_secs == Some(0) {
        return Err(ApiError::bad_field(
            "max_duration_secs",
            "a number of seconds above 0",
        ));
    }
    let (agent_id, config) = match (body.agent_id, body.agent) {
        (Some(id), None) => {
            let agent = state
                .store
                .get_user_agent(tenant_id, &principal.user.id, &id)
                .await?;
            let config = agent.effective_config();
            (Some(agent.agent.id), config)
        }
        (None, Some(inline)) => {
            let config: AgentConfig = serde_json::from_value(inline)
                .map_err(|e| ApiError::bad_field("agent", e.to_string()))?;
            config
                .validate()
                .map_err(|e| ApiError::bad_field(format!("agent.{}", e.field), e.message))?;
            super::agents::check_providers(&state.providers, &config)?;
            options.inline_agent = Some(config.clone());
            (None, config)
        }
        _ => {
            return Err(ApiError::bad_field(
                "agent_id",
                "give either agent_id or agent",
            ));
        }
    };
    // Refuse now what would fail when the callee answers.
    render(&config, &body.variables).map_err(|e| match e {
        StartError::MissingVariables(names) => {
            ApiError::bad_field("variables", format!("the agent needs values for: {names}"))
        }
        other => ApiError::Internal(other.into()),
    })?;
    let call = outbound::place(
        &state,
        OutboundCall {
            tenant_id,
            user_id: Some(&principal.user.id),
            agent_id: agent_id.as_deref(),
            to,
            from: &from,
            variables: &body.variables,
            metadata: &body.metadata,
            options,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(call.into())))
}

/// The tenant's number a call or text goes out from, by value or by id.
pub(super) async fn our_number(
    state: &AppState,
    tenant_id: &str,
    from: Option<&str>,
    phone_number_id: Option<&str>,
) -> ApiResult<PhoneNumber> {
    let found = match (from, phone_number_id) {
        (Some(from), None) => {
            let from = E164::parse(from).map_err(|e| ApiError::bad_field("from", e.to_string()))?;
            state
                .store
                .get_phone_number_by_value(tenant_id, from.as_str())
                .await
        }
        (None, Some(id)) => state.store.get_phone_number(tenant_id, id).await,
        _ => {
            return Err(ApiError::bad_field(
                "from",
                "give either from or phone_number_id",
            ));
        }
    };
    match found {
        Ok(number) => Ok(number),
        Err(StoreError::NotFound) => Err(ApiError::bad_field(
            if from.is_some() {
                "from"
            } else {
                "phone_number_id"
            },
            "not one of your numbers (see GET /v1/phone-numbers)",
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Who takes over the call, E.164.
    to: String,
}

/// Moves the person on a live call to `to`; the agent leaves the call.
#[utoipa::path(post, path = "/v1/calls/{id}/transfer", tag = "calls", security(("bearer" = [])), request_body = TransferRequest,
    params(("id" = String, Path, description = "Call id")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn transfer_call(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransferRequest>,
) -> ApiResult<StatusCode> {
    let to = E164::parse(&body.to).map_err(|e| ApiError::bad_field("to", e.to_string()))?;
    let call = state.store.get_call(principal.tenant_id(), &id).await?;
    control::transfer(&state, &call, &to).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The call's recording, fetched from the carrier with the server's credentials.
#[utoipa::path(get, path = "/v1/calls/{id}/recording", tag = "calls", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, description = "The audio", content_type = "audio/wav"), (status = 404, body = ErrorBody)))]
async fn get_recording(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let call = state.store.get_call(principal.tenant_id(), &id).await?;
    let (Some(url), Some(carrier)) = (&call.recording_url, &call.carrier) else {
        return Err(ApiError::NotFound);
    };
    let account = state
        .carriers
        .get(carrier)
        .map_err(|e| ApiError::from(crate::telephony::TelephonyError::from(e)))?;
    let media = account
        .client
        .fetch_recording(url)
        .await
        .map_err(|e| ApiError::from(crate::telephony::TelephonyError::from(e)))?;
    Ok((
        [(header::CONTENT_TYPE, media.content_type)],
        Body::from(media.bytes),
    )
        .into_response())
}
