//! Sending signed webhooks, as Telnyx does: a JSON POST of
//! `{"data":{"record_type":"event","event_type","id","occurred_at","payload"},"meta":{…}}`
//! with `telnyx-timestamp` and `telnyx-signature-ed25519`. Knobs duplicate deliveries and
//! reverse the order of the events one trigger produces.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::Shared;
use super::state::{FakeCall, now_iso, uuid};

/// One webhook the fake sent, and how the receiver answered.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    pub url: String,
    pub event_type: String,
    /// The raw body, byte for byte as signed.
    pub body: String,
    pub timestamp: u64,
    pub signature: String,
    /// The receiver's HTTP status; `None` when it could not be reached (or no URL was set).
    pub status: Option<u16>,
}

/// An event with a fresh id.
pub(super) fn event(event_type: &str, payload: Value) -> Value {
    json!({
        "data": {
            "record_type": "event",
            "event_type": event_type,
            "id": uuid(),
            "occurred_at": now_iso(),
            "payload": payload,
        }
    })
}

/// What every call event's payload carries, plus `extra`.
pub(super) fn call_event(event_type: &str, call: &FakeCall, extra: Value) -> Value {
    let mut payload = json!({
        "call_control_id": call.call_control_id,
        "call_leg_id": call.call_leg_id,
        "call_session_id": call.call_session_id,
        "connection_id": call.connection_id,
        "from": call.from,
        "to": call.to,
        "direction": call.direction,
    });
    if let Some(state) = &call.client_state {
        payload["client_state"] = json!(state);
    }
    if let (Value::Object(payload), Value::Object(extra)) = (&mut payload, extra) {
        payload.extend(extra);
    }
    event(event_type, payload)
}

/// Sends `events` to `url` one after the other, applying the knobs.
pub(super) async fn deliver(shared: &Shared, url: &str, mut events: Vec<Value>) {
    let (duplicate, reorder) = {
        let knobs = shared.knobs.lock().expect("knobs lock");
        (knobs.duplicate_webhooks, knobs.reorder_webhooks)
    };
    if reorder {
        events.reverse();
    }
    for mut event in events {
        event["meta"] = json!({"attempt": 1, "delivered_to": url});
        let body = event.to_string();
        let copies = if duplicate { 2 } else { 1 };
        for _ in 0..copies {
            send(shared, url, &event, &body).await;
        }
    }
}

async fn send(shared: &Shared, url: &str, event: &Value, body: &str) {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let signature = shared.signer.sign(timestamp, body.as_bytes());
    let status = if url.is_empty() {
        None
    } else {
        shared
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("user-agent", "telnyx-webhooks")
            .header("telnyx-timestamp", timestamp.to_string())
            .header("telnyx-signature-ed25519", &signature)
            .body(body.to_owned())
            .send()
            .await
            .ok()
            .map(|response| response.status().as_u16())
    };
    let delivery = WebhookDelivery {
        url: url.to_owned(),
        event_type: event["data"]["event_type"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        body: body.to_owned(),
        timestamp,
        signature,
        status,
    };
    shared
        .deliveries
        .lock()
        .expect("deliveries lock")
        .push(delivery);
    shared.delivered.notify_waiters();
}
