//! `POST /v1/diagnostics/echo-stream`: a stream token for the built-in echo agent, with the
//! TwiML that starts it — to check a carrier's media path end to end before any agent exists.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use switchboard_core::id::{IdKind, new_id};
use switchboard_store::StreamGrant;
use switchboard_telephony::twiml;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::tokens::{self, STREAM_TOKEN_PARAMETER};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(echo_stream))
}

#[derive(Serialize, ToSchema)]
pub struct EchoStream {
    /// The diagnostic call the stream joins.
    call_id: String,
    /// One-time token; the stream presents it as the `stream_token` custom parameter.
    stream_token: String,
    /// Where the carrier opens the media WebSocket.
    stream_url: String,
    /// TwiML for a Twilio voice webhook that connects the caller to the echo agent.
    twiml: String,
    expires_in_seconds: u64,
}

/// Issues a one-time media-stream token for the echo agent: whatever the caller says is
/// played back after they stop. Serve the returned TwiML to a Twilio call to try it.
#[utoipa::path(post, path = "/v1/diagnostics/echo-stream", tag = "diagnostics", security(("bearer" = [])),
    responses((status = 201, body = EchoStream), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn echo_stream(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<EchoStream>)> {
    let call_id = new_id(IdKind::Call);
    let grant = StreamGrant {
        tenant_id: principal.tenant_id().to_owned(),
        call_id: call_id.clone(),
        brain: "echo".into(),
    };
    let ttl = std::time::Duration::from_secs(state.config.media.stream_token_ttl_seconds);
    let stream_token = tokens::issue(&state.store, &grant, ttl)
        .await
        .map_err(ApiError::from)?;
    let stream_url = super::stream_url(&state.config, &headers, super::TWILIO_PATH);
    let twiml = twiml::Response::new()
        .connect_stream(
            twiml::Stream::new(&stream_url).parameter(STREAM_TOKEN_PARAMETER, &stream_token),
        )
        .to_xml();
    let body = EchoStream {
        call_id,
        stream_token,
        stream_url,
        twiml,
        expires_in_seconds: ttl.as_secs(),
    };
    Ok((StatusCode::CREATED, Json(body)))
}
