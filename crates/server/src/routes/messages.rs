//! Texts: `POST /v1/messages` sends one; `/v1/conversations` lists the threads (one per our
//! number and the other party, newest first, with unread counts) and their messages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::E164;
use switchboard_store::{Conversation, Message};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::List;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, PageQuery, Paging};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};
use crate::telephony::sms;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_message))
        .routes(routes!(list_conversations))
        .routes(routes!(list_conversation_messages))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// Your number to send from (E.164)…
    from: Option<String>,
    /// …or its id.
    phone_number_id: Option<String>,
    /// E.164.
    to: String,
    /// Up to 1600 characters; split to the carrier's limit.
    body: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageView {
    id: String,
    conversation_id: String,
    /// `inbound` or `outbound`.
    direction: &'static str,
    from: String,
    to: String,
    body: String,
    /// `received`; or `sent`, `delivered`, `failed` for messages you sent.
    status: String,
    /// How many carrier messages it took.
    segments: i64,
    error: Option<String>,
    created_at: i64,
}

fn message_view(m: Message) -> MessageView {
    MessageView {
        direction: m.direction().as_str(),
        id: m.id,
        conversation_id: m.conversation_id,
        from: m.from_number,
        to: m.to_number,
        body: m.body,
        status: m.status,
        segments: m.segments,
        error: m.error,
        created_at: m.created_at,
    }
}

/// Sends a text from one of your numbers. Someone who replied STOP to that number is refused
/// with `recipient_opted_out`.
#[utoipa::path(post, path = "/v1/messages", tag = "messages", security(("bearer" = [])), request_body = SendMessage,
    responses((status = 201, body = MessageView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
async fn send_message(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<MessageView>)> {
    let tenant_id = principal.tenant_id();
    let number = super::outbound_calls::our_number(
        &state,
        tenant_id,
        body.from.as_deref(),
        body.phone_number_id.as_deref(),
    )
    .await?;
    let to = E164::parse(&body.to).map_err(|e| ApiError::bad_field("to", e.to_string()))?;
    let text = body.body.trim();
    if text.is_empty() || text.chars().count() > sms::MAX_BODY_CHARS {
        return Err(ApiError::bad_field(
            "body",
            format!("between 1 and {} characters", sms::MAX_BODY_CHARS),
        ));
    }
    let message = sms::send(&state, &number, &to, text).await?;
    Ok((StatusCode::CREATED, Json(message_view(message))))
}

#[derive(Serialize, ToSchema)]
pub struct ConversationView {
    id: String,
    our_number: String,
    other_number: String,
    last_message: String,
    last_message_at: i64,
    unread_count: i64,
}

fn conversation_view(c: Conversation) -> ConversationView {
    ConversationView {
        id: c.id,
        our_number: c.our_number,
        other_number: c.other_number,
        last_message: c.last_message,
        last_message_at: c.last_message_at,
        unread_count: c.unread_count,
    }
}

/// Your text threads, the most recently active first.
#[utoipa::path(get, path = "/v1/conversations", tag = "messages", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = List<ConversationView>)))]
async fn list_conversations(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
) -> ApiResult<Json<List<ConversationView>>> {
    let threads = state
        .store
        .list_conversations(principal.tenant_id(), &page)
        .await?;
    Ok(Json(List::from_page(threads, conversation_view)))
}

/// A thread's messages, oldest first. Reading it marks it read.
#[utoipa::path(get, path = "/v1/conversations/{id}/messages", tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Conversation id"), PageQuery),
    responses((status = 200, body = List<MessageView>), (status = 404, body = ErrorBody)))]
async fn list_conversation_messages(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Paging(page): Paging,
) -> ApiResult<Json<List<MessageView>>> {
    let tenant_id = principal.tenant_id();
    let thread = state.store.get_conversation(tenant_id, &id).await?;
    let messages = state
        .store
        .list_messages(tenant_id, &thread.id, &page)
        .await?;
    if messages.next_cursor.is_none() {
        state
            .store
            .mark_conversation_read(tenant_id, &thread.id)
            .await?;
    }
    Ok(Json(List::from_page(messages, message_view)))
}
