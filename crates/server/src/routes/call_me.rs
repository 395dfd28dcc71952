//! The signed-in user's "call me" number: the phone an MCP client rings them on. Setting one
//! sends a code (text or call); the number is used once the code comes back.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::E164;
use switchboard_store::{CallMeNumber, CodeCheck};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::instant;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};
use crate::mcp::call_me::{self, Channel, MAX_ATTEMPTS};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_number, set_number, delete_number))
        .routes(routes!(verify))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetNumber {
    /// E.164, e.g. `+14155550123`.
    phone_number: String,
    /// How the code is sent: `sms` (the default) or `call` (a voice reads it out).
    #[serde(default)]
    channel: Option<Channel>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verify {
    /// The six digits that were sent.
    code: String,
}

#[derive(Serialize, ToSchema)]
pub struct CallMeView {
    /// The verified number MCP calls go to; `null` until one is verified.
    phone_number: Option<String>,
    verified_at: Option<String>,
    /// A number waiting for its code.
    pending: Option<PendingView>,
}

#[derive(Serialize, ToSchema)]
pub struct PendingView {
    phone_number: String,
    /// `sms` or `call`.
    channel: String,
    expires_at: Option<String>,
    attempts_left: i64,
}

impl From<Option<CallMeNumber>> for CallMeView {
    fn from(number: Option<CallMeNumber>) -> Self {
        let Some(n) = number else {
            return CallMeView {
                phone_number: None,
                verified_at: None,
                pending: None,
            };
        };
        CallMeView {
            phone_number: n.phone_number,
            verified_at: n.verified_at.map(instant),
            pending: n.pending_number.map(|phone_number| PendingView {
                phone_number,
                channel: n.pending_channel.unwrap_or_default(),
                expires_at: n.expires_at.map(instant),
                attempts_left: (MAX_ATTEMPTS - n.attempts).max(0),
            }),
        }
    }
}

/// Your call-me number and any verification in flight.
#[utoipa::path(get, path = "/v1/me/call-me-number", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = CallMeView), (status = 401, body = ErrorBody)))]
async fn get_number(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<CallMeView>> {
    let number = state
        .store
        .get_call_me_number(principal.tenant_id(), &principal.user.id)
        .await?;
    Ok(Json(number.into()))
}

/// Sets the number to verify and sends it a code (from one of your tenant's numbers). Until
/// the code is confirmed, the number verified before (if any) stays in use.
#[utoipa::path(put, path = "/v1/me/call-me-number", tag = "me", security(("bearer" = [])),
    request_body = SetNumber,
    responses((status = 202, body = CallMeView), (status = 400, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
async fn set_number(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<SetNumber>,
) -> ApiResult<(StatusCode, Json<CallMeView>)> {
    let number = E164::parse(&body.phone_number)
        .map_err(|e| ApiError::bad_field("phone_number", e.to_string()))?;
    let channel = body.channel.unwrap_or(Channel::Sms);
    let pending = call_me::start(
        &state,
        principal.tenant_id(),
        &principal.user.id,
        number,
        channel,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(Some(pending).into())))
}

/// Confirms the code; the pending number becomes your call-me number.
#[utoipa::path(post, path = "/v1/me/call-me-number/verify", tag = "me", security(("bearer" = [])),
    request_body = Verify,
    responses((status = 200, body = CallMeView), (status = 400, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn verify(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<Verify>,
) -> ApiResult<Json<CallMeView>> {
    let code = body.code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_field("code", "the six digits that were sent"));
    }
    let user_id = &principal.user.id;
    let refused = |code, message: String| ApiError::Refused {
        code,
        field: Some("code".into()),
        message,
    };
    match state
        .store
        .check_call_me_code(
            principal.tenant_id(),
            user_id,
            &call_me::code_hash(user_id, code),
            MAX_ATTEMPTS,
        )
        .await?
    {
        CodeCheck::Verified(number) => Ok(Json(Some(number).into())),
        CodeCheck::Wrong { attempts_left } => Err(refused(
            "wrong_code",
            format!("that code is not the one sent; {attempts_left} tries left"),
        )),
        CodeCheck::Expired => Err(refused(
            "code_expired",
            "the code has expired; set the number again for a new one".into(),
        )),
        CodeCheck::TooManyAttempts => Err(refused(
            "too_many_attempts",
            "too many wrong codes; set the number again for a new one".into(),
        )),
        CodeCheck::NothingPending => Err(refused(
            "nothing_to_verify",
            "no number is waiting for a code; set one with PUT /v1/me/call-me-number".into(),
        )),
    }
}

/// Forgets your call-me number (verified or pending); MCP calls stop until you set one.
#[utoipa::path(delete, path = "/v1/me/call-me-number", tag = "me", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn delete_number(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<StatusCode> {
    state
        .store
        .delete_call_me_number(principal.tenant_id(), &principal.user.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
