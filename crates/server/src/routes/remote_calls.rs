//! Driving a remote-controlled call (`POST /v1/calls/web` with `"control": "remote"`): say
//! something, ask and wait for the answer, hang up. Each request returns when its words have
//! been heard (or answered).

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use switchboard_voice::conversation::{MAX_SPOKEN_CHARS, RemoteControl, RemoteError, spoken_text};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};

/// How long `ask` waits for an answer unless told otherwise, and at most.
const DEFAULT_ASK_SECS: u64 = 180;
const MAX_ASK_SECS: u64 = 600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(say))
        .routes(routes!(ask))
        .routes(routes!(hang_up))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Say {
    text: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    text: String,
    /// How long to wait for the caller's answer (default 180, at most 600).
    timeout_secs: Option<u64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct HangUp {
    /// Last words before hanging up.
    text: Option<String>,
}

/// What came of a command.
#[derive(Serialize, ToSchema)]
pub struct Outcome {
    /// `heard` (played to the end), `interrupted` (the caller talked over it), `answered`,
    /// `no_answer` (the wait ran out) or `ended`.
    status: &'static str,
    /// For `ask`: what the caller said.
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<String>,
    /// For `interrupted`: the words the caller heard before talking.
    #[serde(skip_serializing_if = "Option::is_none")]
    heard: Option<String>,
}

fn control(state: &AppState, principal: &Principal, id: &str) -> ApiResult<RemoteControl> {
    state
        .remote_calls
        .get(principal.tenant_id(), id)
        .ok_or(ApiError::NotFound)
}

fn text(field: &str, text: &str) -> ApiResult<String> {
    spoken_text(text).ok_or_else(|| {
        ApiError::bad_field(
            field,
            format!("must be between 1 and {MAX_SPOKEN_CHARS} characters"),
        )
    })
}

fn settled(result: Result<(), RemoteError>) -> Outcome {
    match result {
        Ok(()) => outcome("heard"),
        Err(RemoteError::Interrupted { heard }) => Outcome {
            heard: Some(heard),
            ..outcome("interrupted")
        },
        Err(RemoteError::CallEnded) => outcome("ended"),
    }
}

fn outcome(status: &'static str) -> Outcome {
    Outcome {
        status,
        answer: None,
        heard: None,
    }
}

/// Says the text on a live remote-controlled call; returns once the caller heard it.
#[utoipa::path(post, path = "/v1/calls/{id}/say", tag = "calls", security(("bearer" = [])), request_body = Say,
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = Outcome), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn say(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Say>,
) -> ApiResult<Json<Outcome>> {
    let text = text("text", &body.text)?;
    let control = control(&state, &principal, &id)?;
    Ok(Json(settled(control.say(text).await)))
}

/// Says the text, then waits for the caller's answer.
#[utoipa::path(post, path = "/v1/calls/{id}/ask", tag = "calls", security(("bearer" = [])), request_body = Ask,
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = Outcome), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn ask(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Ask>,
) -> ApiResult<Json<Outcome>> {
    let text = text("text", &body.text)?;
    let wait = body.timeout_secs.unwrap_or(DEFAULT_ASK_SECS);
    if wait == 0 || wait > MAX_ASK_SECS {
        return Err(ApiError::bad_field(
            "timeout_secs",
            format!("must be between 1 and {MAX_ASK_SECS}"),
        ));
    }
    let control = control(&state, &principal, &id)?;
    let answered = tokio::time::timeout(Duration::from_secs(wait), control.ask(text)).await;
    Ok(Json(match answered {
        Ok(Ok(answer)) => Outcome {
            answer: Some(answer),
            ..outcome("answered")
        },
        Ok(Err(RemoteError::CallEnded)) => outcome("ended"),
        Ok(Err(RemoteError::Interrupted { heard })) => Outcome {
            heard: Some(heard),
            ..outcome("interrupted")
        },
        Err(_) => outcome("no_answer"),
    }))
}

/// Hangs up. On a remote-controlled call, says the last words (if any) first and returns
/// once they have played; on any other carrier call, ends it at the carrier.
#[utoipa::path(post, path = "/v1/calls/{id}/hangup", tag = "calls", security(("bearer" = [])), request_body = HangUp,
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = Outcome), (status = 404, body = ErrorBody)))]
async fn hang_up(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HangUp>,
) -> ApiResult<Json<Outcome>> {
    let last_words = body.text.as_deref().map(|t| text("text", t)).transpose()?;
    if let Ok(control) = control(&state, &principal, &id) {
        return Ok(Json(settled(control.hang_up(last_words).await)));
    }
    // Not remote-controlled here: a carrier call, ended at its carrier.
    let call = state.store.get_call(principal.tenant_id(), &id).await?;
    crate::telephony::control::hang_up(&state, &call).await?;
    Ok(Json(outcome("ended")))
}
