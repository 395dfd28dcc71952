//! `Messages.json` and `Messages/{MessageSid}.json`: send and fetch.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::super::call::Hook;
use super::super::sms::{self, OPTED_OUT};
use super::super::state::Shared;
use super::super::wire::{self, Form, is_e164};
use super::{resources, sid};

/// Twilio's limit on one message body.
const MAX_BODY_CHARS: usize = 1600;

pub(super) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let to = form.get("To").unwrap_or_default();
    let from = form.get("From").unwrap_or_default();
    let text = form.get("Body").unwrap_or_default();
    if !is_e164(to) {
        return wire::error(400, 21211, format!("Invalid 'To' Phone Number: {to}"));
    }
    if form.get("MessagingServiceSid").is_some() {
        return wire::error(
            400,
            21701,
            "The fake knows no Messaging Services: send From a number",
        );
    }
    if shared.state().number(from).is_none() {
        return wire::error(
            400,
            21606,
            format!(
                "The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."
            ),
        );
    }
    if text.is_empty() && form.get("MediaUrl").is_none() {
        return wire::error(400, 21602, "Message body is required.");
    }
    if text.chars().count() > MAX_BODY_CHARS {
        return wire::error(
            400,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    let callback = form.get("StatusCallback").map(|url| Hook {
        url: url.to_owned(),
        method: form
            .get("StatusCallbackMethod")
            .unwrap_or("POST")
            .to_ascii_uppercase(),
    });
    match sms::send(&shared, from, to, text, "outbound-api", callback) {
        Ok(record) => render(&shared, &record.sid, 201),
        Err(OPTED_OUT) => wire::error(400, OPTED_OUT, "Attempt to send to unsubscribed recipient"),
        Err(code) => wire::error(400, code, "The message cannot be sent"),
    }
}

pub(super) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path((_, message)): Path<(String, String)>,
) -> Response {
    render(&shared, sid(&message), 200)
}

fn render(shared: &Shared, sid: &str, status: u16) -> Response {
    let state = shared.state();
    match state.messages.iter().find(|m| m.record.sid == sid) {
        Some(entry) => wire::json_response(status, &resources::message(shared, entry)),
        None => wire::not_found(&format!("{}/Messages/{sid}.json", shared.account_path())),
    }
}
