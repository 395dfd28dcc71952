//! Call Control: dialling, the commands on a live call, inbound calls, and the webhooks
//! each produces. Validation follows Telnyx's documented values; codes marked \[I\] are
//! guesses.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

use super::Shared;
use super::config::Callee;
use super::rest::{error, invalid, is_e164, json_reply, not_found, text};
use super::state::{CallAction, CallState, FakeCall, State, now_iso, uuid};
use super::webhooks::{call_event, deliver, event};

const MACHINE_DETECTION: [&str; 6] = [
    "detect",
    "detect_beep",
    "detect_words",
    "greeting_end",
    "premium",
    "disabled",
];

/// `POST /v2/calls`.
pub(super) fn dial(shared: &Arc<Shared>, body: &Map<String, Value>) -> Response {
    let mut state = shared.state.lock().expect("state lock");
    let Some(connection_id) = text(body, "connection_id") else {
        return invalid("connection_id", "connection_id is required.");
    };
    let Some(connection_url) = state.connections.get(connection_id).cloned() else {
        return invalid(
            "connection_id",
            "The connection_id is not a Call Control application of this account.",
        );
    };
    for field in ["to", "from"] {
        if !text(body, field).is_some_and(is_e164) {
            return invalid(
                field,
                &format!("{field} must be a phone number in +E.164 format."),
            );
        }
    }
    if let Some(refused) = check_client_state(body) {
        return refused;
    }
    for (field, range) in [("timeout_secs", 5..=600), ("time_limit_secs", 30..=14_400)] {
        let fits = body
            .get(field)
            .is_none_or(|v| v.as_u64().is_some_and(|s| range.contains(&s)));
        if !fits {
            let (low, high) = range.into_inner();
            return invalid(
                field,
                &format!("{field} must be an integer from {low} to {high}."),
            );
        }
    }
    if body.get("record").is_some() && text(body, "record") != Some("record-from-answer") {
        return invalid("record", "record must be record-from-answer.");
    }
    if body.get("answering_machine_detection").is_some()
        && !text(body, "answering_machine_detection")
            .is_some_and(|m| MACHINE_DETECTION.contains(&m))
    {
        return invalid(
            "answering_machine_detection",
            "Unknown answering_machine_detection mode.",
        );
    }
    let call = FakeCall {
        call_control_id: call_control_id(),
        call_leg_id: uuid(),
        call_session_id: uuid(),
        connection_id: connection_id.to_owned(),
        direction: "outgoing",
        from: text(body, "from").unwrap_or_default().to_owned(),
        to: text(body, "to").unwrap_or_default().to_owned(),
        webhook_url: text(body, "webhook_url").map_or(connection_url, str::to_owned),
        client_state: text(body, "client_state").map(str::to_owned),
        dial: Some(Value::Object(body.clone())),
        state: CallState::Ringing,
        actions: Vec::new(),
        streams: Vec::new(),
        started_at: now_iso(),
    };
    let reply = json!({"data": {
        "call_control_id": call.call_control_id,
        "call_leg_id": call.call_leg_id,
        "call_session_id": call.call_session_id,
        "is_alive": false,
        "record_type": "call",
    }});
    let id = call.call_control_id.clone();
    state.calls.push(call);
    drop(state);
    let shared = shared.clone();
    tokio::spawn(async move { ring(&shared, &id).await });
    json_reply(200, reply)
}

/// The far end's part of an outbound call: initiated, then answered (with machine detection
/// when asked) or a hangup.
async fn ring(shared: &Shared, id: &str) {
    let (url, events) = {
        let mut state = shared.state.lock().expect("state lock");
        let callee = {
            let to = state
                .calls
                .iter()
                .find(|c| c.call_control_id == id)
                .map(|c| c.to.clone());
            to.and_then(|to| state.callees.get(&to).copied())
                .unwrap_or_default()
        };
        let call = state.call_mut(id).expect("the call was just created");
        let mut events = vec![call_event(
            "call.initiated",
            call,
            json!({"state": "bridging"}),
        )];
        match callee {
            Callee::Answer | Callee::Machine => {
                call.state = CallState::Answered;
                events.push(call_event(
                    "call.answered",
                    call,
                    json!({"state": "answered"}),
                ));
                if let Some(mode) = call.machine_detection().filter(|m| *m != "disabled") {
                    let result = if callee == Callee::Machine {
                        "machine"
                    } else {
                        "human"
                    };
                    events.push(call_event(
                        "call.machine.detection.ended",
                        call,
                        json!({"result": result}),
                    ));
                    if callee == Callee::Machine && mode == "detect_beep" {
                        events.push(call_event(
                            "call.machine.greeting.ended",
                            call,
                            json!({"result": "beep_detected"}),
                        ));
                    }
                }
            }
            Callee::Busy => events.extend(end(
                &mut state,
                id,
                "user_busy",
                "callee",
                "486",
                &shared.base_url(),
            )),
            Callee::NoAnswer => events.extend(end(
                &mut state,
                id,
                "timeout",
                "callee",
                "487",
                &shared.base_url(),
            )),
        }
        let url = state
            .call_mut(id)
            .map(|c| c.webhook_url.clone())
            .unwrap_or_default();
        (url, events)
    };
    deliver(shared, &url, events).await;
}

/// `POST /v2/calls/{id}/actions/{action}`.
pub(super) fn action(
    shared: &Arc<Shared>,
    id: &str,
    action: &str,
    body: &Map<String, Value>,
) -> Response {
    if !["answer", "hangup", "transfer", "streaming_start"].contains(&action) {
        return not_found("action");
    }
    let base_url = shared.base_url();
    let mut state = shared.state.lock().expect("state lock");
    let Some(call) = state.call_mut(id) else {
        return not_found("call");
    };
    if call.state == CallState::Ended {
        return error(
            422,
            "90018",
            "Call has already ended",
            "This call is no longer active and can't receive commands.",
            None,
        );
    }
    if let Some(refused) = check_client_state(body) {
        return refused;
    }
    let stream_url = text(body, "stream_url").map(str::to_owned);
    match action {
        // [I] the code for a command the call's state does not allow.
        "answer" if call.state != CallState::Parked => {
            return error(
                422,
                "90034",
                "Invalid call state",
                "Only a parked inbound call can be answered.",
                None,
            );
        }
        "streaming_start" if stream_url.is_none() => {
            return invalid("stream_url", "stream_url is required.");
        }
        "transfer" if !text(body, "to").is_some_and(is_e164) => {
            return invalid("to", "to must be a phone number in +E.164 format.");
        }
        _ => {}
    }
    if let Some(client_state) = text(body, "client_state") {
        call.client_state = Some(client_state.to_owned());
    }
    let events = match action {
        "answer" => {
            call.state = CallState::Answered;
            vec![call_event(
                "call.answered",
                call,
                json!({"state": "answered"}),
            )]
        }
        "streaming_start" => {
            let url = stream_url.expect("checked above");
            let started = call_event("streaming.started", call, json!({"stream_url": url}));
            call.streams.push(url);
            vec![started]
        }
        "transfer" => Vec::new(),
        _ => end(&mut state, id, "normal_clearing", "caller", "16", &base_url),
    };
    let call = state.call_mut(id).expect("the call is still listed");
    call.actions.push(CallAction {
        action: action.to_owned(),
        body: Value::Object(body.clone()),
    });
    let url = call.webhook_url.clone();
    drop(state);
    if !events.is_empty() {
        let shared = shared.clone();
        tokio::spawn(async move { deliver(&shared, &url, events).await });
    }
    json_reply(200, json!({"data": {"result": "ok"}}))
}

/// An inbound call to an owned number: `call.initiated` (parked) to its application's
/// webhook. Returns the call control id.
pub(super) async fn inbound(shared: &Shared, from: &str, to: &str) -> String {
    let (url, id, events) = {
        let mut state = shared.state.lock().expect("state lock");
        let number = state
            .owned_by_number(to)
            .unwrap_or_else(|| panic!("fake Telnyx: {to} is not a number of this account"));
        let connection_id = number.connection_id.clone().unwrap_or_else(|| {
            panic!("fake Telnyx: {to} is not assigned to a Call Control application")
        });
        let url = state
            .connections
            .get(&connection_id)
            .cloned()
            .unwrap_or_default();
        let call = FakeCall {
            call_control_id: call_control_id(),
            call_leg_id: uuid(),
            call_session_id: uuid(),
            connection_id,
            direction: "incoming",
            from: from.to_owned(),
            to: to.to_owned(),
            webhook_url: url.clone(),
            client_state: None,
            dial: None,
            state: CallState::Parked,
            actions: Vec::new(),
            streams: Vec::new(),
            started_at: now_iso(),
        };
        let events = vec![call_event(
            "call.initiated",
            &call,
            json!({"state": "parked"}),
        )];
        let id = call.call_control_id.clone();
        state.calls.push(call);
        (url, id, events)
    };
    deliver(shared, &url, events).await;
    id
}

/// The far end hangs up.
pub(super) async fn remote_hangup(shared: &Shared, id: &str) {
    let (url, events) = {
        let mut state = shared.state.lock().expect("state lock");
        let events = end(
            &mut state,
            id,
            "normal_clearing",
            "callee",
            "16",
            &shared.base_url(),
        );
        let url = state
            .call_mut(id)
            .map(|c| c.webhook_url.clone())
            .unwrap_or_default();
        (url, events)
    };
    deliver(shared, &url, events).await;
}

/// Ends a live call: `streaming.stopped` if it streamed, `call.hangup`, and
/// `call.recording.saved` for an answered call that records.
fn end(
    state: &mut State,
    id: &str,
    cause: &str,
    source: &str,
    sip: &str,
    base_url: &str,
) -> Vec<Value> {
    let Some(call) = state.call_mut(id).filter(|c| c.state != CallState::Ended) else {
        return Vec::new();
    };
    let was_answered = call.state == CallState::Answered;
    call.state = CallState::Ended;
    let mut events = Vec::new();
    if let Some(url) = call.streams.last() {
        events.push(call_event(
            "streaming.stopped",
            call,
            json!({"stream_url": url}),
        ));
    }
    events.push(call_event(
        "call.hangup",
        call,
        json!({
            "state": "hangup",
            "hangup_cause": cause,
            "hangup_source": source,
            "sip_hangup_cause": sip,
            "start_time": call.started_at,
            "end_time": now_iso(),
        }),
    ));
    if was_answered && call.records() {
        let recording_id = uuid();
        let url = format!("{base_url}/recordings/{recording_id}.mp3");
        let mut payload = json!({
            "call_leg_id": call.call_leg_id,
            "call_session_id": call.call_session_id,
            "connection_id": call.connection_id,
            "channels": "single",
            "recording_started_at": call.started_at,
            "recording_ended_at": now_iso(),
            "recording_urls": {"mp3": url},
            "public_recording_urls": {"mp3": url},
        });
        if let Some(client_state) = &call.client_state {
            payload["client_state"] = json!(client_state);
        }
        events.push(event("call.recording.saved", payload));
        let audio = format!("ID3 fake recording of {id}").into_bytes();
        state
            .recordings
            .insert(format!("{recording_id}.mp3"), audio);
    }
    events
}

/// `GET /recordings/{id}.mp3`, with the key like the API.
pub(super) fn recording(shared: &Shared, file: &str) -> Response {
    let state = shared.state.lock().expect("state lock");
    match state.recordings.get(file) {
        Some(audio) => ([("content-type", "audio/mpeg")], audio.clone()).into_response(),
        None => not_found("recording"),
    }
}

/// Telnyx requires `client_state` to be base64.
fn check_client_state(body: &Map<String, Value>) -> Option<Response> {
    let value = body.get("client_state")?;
    let valid = value.as_str().is_some_and(|s| STANDARD.decode(s).is_ok());
    (!valid).then(|| {
        invalid(
            "client_state",
            "client_state must be a base64 encoded string.",
        )
    })
}

/// `v3:` and URL-safe base64, like Telnyx's.
fn call_control_id() -> String {
    let bytes = u128::from(ulid::Ulid::new()).to_be_bytes();
    format!("v3:{}", URL_SAFE_NO_PAD.encode(bytes))
}
