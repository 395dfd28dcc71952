//! Messaging: sends, delivery reports, inbound texts and STOP handling.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::Shared;
use super::rest::{error, invalid, is_e164, json_reply, text};
use super::state::{FakeMessage, now_iso, uuid};
use super::webhooks::{deliver, event};

/// Keywords that block the sender, and that lift the block (Telnyx's defaults).
const STOP: [&str; 7] = [
    "STOP",
    "STOPALL",
    "STOP ALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
];
const START: [&str; 3] = ["START", "UNSTOP", "YES"];

/// `POST /v2/messages`.
pub(super) fn send(shared: &Arc<Shared>, body: &Map<String, Value>) -> Response {
    let mut state = shared.state.lock().expect("state lock");
    let from = text(body, "from").unwrap_or_default().to_owned();
    let Some(profile) = state
        .owned_by_number(&from)
        .and_then(|n| n.messaging_profile_id.clone())
    else {
        // [I] the code for a sender that is not on a messaging profile of the account.
        return error(
            422,
            "40305",
            "Invalid 'from' address",
            "The 'from' address should be a number on a messaging profile of this account.",
            Some("/from"),
        );
    };
    let Some(to) = text(body, "to").filter(|to| is_e164(to)).map(str::to_owned) else {
        return invalid("to", "to must be a phone number in +E.164 format.");
    };
    let Some(message_text) = text(body, "text")
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
    else {
        return invalid("text", "text is required.");
    };
    if state.blocked.contains(&(from.clone(), to.clone())) {
        // The body is Telnyx's documented one; the status is a guess [I].
        return error(
            422,
            "40300",
            "Blocked due to STOP message",
            &format!(
                "Messages cannot be sent from '{from}' to '{to}' due to an existing block rule."
            ),
            None,
        );
    }
    let id = uuid();
    state.messages.push(FakeMessage {
        id: id.clone(),
        direction: "outbound",
        from: from.clone(),
        to: to.clone(),
        text: message_text.clone(),
    });
    let url = text(body, "webhook_url")
        .map(str::to_owned)
        .or_else(|| state.messaging_profiles.get(&profile).cloned())
        .unwrap_or_default();
    drop(state);
    let message = |status: &str| {
        json!({
            "record_type": "message",
            "direction": "outbound",
            "id": id,
            "type": "SMS",
            "messaging_profile_id": profile,
            "from": {"phone_number": from, "carrier": "Telnyx", "line_type": "VoIP"},
            "to": [{"phone_number": to, "status": status, "carrier": "", "line_type": ""}],
            "text": message_text,
            "media": [],
            "encoding": "GSM-7",
            "parts": 1,
            "errors": [],
            "sent_at": now_iso(),
        })
    };
    let reply = json!({"data": message("queued")});
    let events = vec![
        event("message.sent", message("sent")),
        event("message.finalized", message("delivered")),
    ];
    let shared = shared.clone();
    tokio::spawn(async move { deliver(&shared, &url, events).await });
    json_reply(200, reply)
}

/// A text from `from` to our `to`: `message.received` to the profile's webhook, STOP and
/// START applied first.
pub(super) async fn inbound(shared: &Shared, from: &str, to: &str, text: &str) {
    let (url, payload) = {
        let mut state = shared.state.lock().expect("state lock");
        let profile = state
            .owned_by_number(to)
            .and_then(|n| n.messaging_profile_id.clone())
            .unwrap_or_else(|| {
                panic!("fake Telnyx: {to} is not on a messaging profile of this account")
            });
        let keyword = text.trim().to_ascii_uppercase();
        let pair = (to.to_owned(), from.to_owned());
        if STOP.contains(&keyword.as_str()) {
            state.blocked.insert(pair);
        } else if START.contains(&keyword.as_str()) {
            state.blocked.remove(&pair);
        }
        let id = uuid();
        state.messages.push(FakeMessage {
            id: id.clone(),
            direction: "inbound",
            from: from.to_owned(),
            to: to.to_owned(),
            text: text.to_owned(),
        });
        let payload = json!({
            "record_type": "message",
            "direction": "inbound",
            "id": id,
            "type": "SMS",
            "messaging_profile_id": profile,
            "from": {"phone_number": from, "carrier": "T-MOBILE USA, INC.", "line_type": "Wireless"},
            "to": [{"phone_number": to, "status": "webhook_delivered", "carrier": "TELNYX LLC", "line_type": "VoIP"}],
            "cc": [],
            "text": text,
            "media": [],
            "encoding": "GSM-7",
            "parts": 1,
            "received_at": now_iso(),
        });
        let url = state
            .messaging_profiles
            .get(&profile)
            .cloned()
            .unwrap_or_default();
        (url, payload)
    };
    deliver(shared, &url, vec![event("message.received", payload)]).await;
}
