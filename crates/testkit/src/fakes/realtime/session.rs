//! One WebSocket session: every client event is recorded, checked, and acted on; responses
//! go out on their schedule; a response in progress can be cancelled (by the client, or by
//! the caller talking over it when `interrupt_response` is on).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::contract::{self, SessionState};
use super::ears::{Ears, Heard};
use super::handshake::PATH;
use super::reply::{self, Input, Voice};
use super::wire::{self, Refusal, event};
use super::{Reply, Shared};
use crate::fakes::Recorded;

/// An event of the response in progress, due at `at`.
struct Timed {
    at: Instant,
    event: Value,
    audio_ms: u64,
}

/// The response in progress.
struct Active {
    id: String,
    input: Input,
    audio_item: Option<String>,
    audio_ms_sent: u64,
}

enum End {
    Close(u16, String),
    /// Drop the connection without a close frame.
    Drop,
}

pub(crate) struct Session {
    shared: Arc<Shared>,
    state: SessionState,
    ears: Ears,
    queue: VecDeque<Timed>,
    /// Events to send now, in order.
    outbox: Vec<Value>,
    active: Option<Active>,
    /// Assistant audio items and how many ms of audio each holds.
    audio_items: HashMap<String, u64>,
    calls: HashSet<String>,
    last_item: Option<String>,
    next_reply: usize,
    next_said: usize,
    audio_deltas_sent: usize,
    close_fault: Option<(u16, String)>,
    end: Option<End>,
}

impl Session {
    pub(crate) fn new(shared: Arc<Shared>, model: String) -> Self {
        let close_fault = shared.script.faults.ws_close.clone();
        Self {
            shared,
            state: SessionState::new(&model),
            ears: Ears::new(),
            queue: VecDeque::new(),
            outbox: Vec::new(),
            active: None,
            audio_items: HashMap::new(),
            calls: HashSet::new(),
            last_item: None,
            next_reply: 0,
            next_said: 0,
            audio_deltas_sent: 0,
            close_fault,
            end: None,
        }
    }

    pub(crate) async fn run(mut self, mut socket: WebSocket) {
        self.outbox.push(event(
            "session.created",
            json!({ "session": self.state.value() }),
        ));
        self.ears
            .configure(self.state.input_format(), self.state.turn());
        loop {
            if !self.flush(&mut socket).await {
                return;
            }
            let next_due = self.queue.front().map(|t| t.at);
            tokio::select! {
                biased;
                () = sleep_until(next_due.unwrap_or_else(far)), if next_due.is_some() => self.due(),
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        self.record(Recorded::WsText { path: PATH.into(), text: text.to_string() });
                        self.on_text(text.as_str());
                    }
                    Some(Ok(Message::Binary(bytes))) => {
                        self.record(Recorded::WsBinary { path: PATH.into(), bytes: bytes.len() });
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => {
                        self.record(Recorded::WsClosed { path: PATH.into() });
                        return;
                    }
                },
            }
        }
    }

    fn record(&self, item: Recorded) {
        self.shared.recorder.push(item);
    }

    /// Sends what is ready and carries out a scripted end; `false` once the session is over.
    async fn flush(&mut self, socket: &mut WebSocket) -> bool {
        for event in self.outbox.drain(..) {
            if socket
                .send(Message::Text(event.to_string().into()))
                .await
                .is_err()
            {
                return false;
            }
        }
        match self.end.take() {
            None => true,
            Some(End::Drop) => false,
            Some(End::Close(code, reason)) => {
                let frame = CloseFrame {
                    code,
                    reason: reason.into(),
                };
                let _ = socket.send(Message::Close(Some(frame))).await;
                false
            }
        }
    }

    /// The next scheduled event of the response in progress is due.
    fn due(&mut self) {
        let Some(timed) = self.queue.pop_front() else {
            return;
        };
        if timed.event["type"] == "response.done" {
            self.active = None;
        }
        if timed.audio_ms > 0 {
            if let Some(active) = self.active.as_mut() {
                active.audio_ms_sent += timed.audio_ms;
            }
            self.audio_deltas_sent += 1;
            let script = &self.shared.script;
            let reached = |limit: Option<usize>| limit.is_some_and(|n| self.audio_deltas_sent >= n);
            if reached(script.faults.drop_after_chunks) {
                self.end = Some(End::Drop);
            }
            if reached(script.stall_after_chunks) {
                self.queue.clear();
            }
        }
        self.outbox.push(timed.event);
    }

    fn on_text(&mut self, text: &str) {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            let refusal =
                Refusal::invalid("invalid_json", None, "The client event is not valid JSON.");
            self.outbox.push(refusal.to_event(None));
            return;
        };
        let client_event_id = value
            .get("event_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let outcome = contract::event_type(&value).and_then(|kind| match kind {
            "session.update" => self.session_update(&value),
            "input_audio_buffer.append" => self.append(&value),
            "input_audio_buffer.commit" => {
                self.commit(wire::id("item"), false);
                Ok(())
            }
            "input_audio_buffer.clear" => {
                self.outbox
                    .push(event("input_audio_buffer.cleared", json!({})));
                Ok(())
            }
            "conversation.item.create" => self.item_create(&value),
            "conversation.item.truncate" => self.truncate(&value),
            "response.create" => self.response_create(),
            "response.cancel" => self.response_cancel(),
            // Known events the fake accepts without acting on them.
            _ => Ok(()),
        });
        if let Err(refusal) = outcome {
            self.outbox
                .push(refusal.to_event(client_event_id.as_deref()));
        }
    }

    fn session_update(&mut self, value: &Value) -> Result<(), Refusal> {
        self.state
            .update(value.get("session").unwrap_or(&Value::Null))?;
        self.ears
            .configure(self.state.input_format(), self.state.turn());
        self.outbox.push(event(
            "session.updated",
            json!({ "session": self.state.value() }),
        ));
        Ok(())
    }

    fn append(&mut self, value: &Value) -> Result<(), Refusal> {
        let audio = value
            .get("audio")
            .and_then(Value::as_str)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .ok_or_else(|| {
                Refusal::invalid(
                    "invalid_value",
                    Some("audio"),
                    "Invalid 'audio'. Expected base64-encoded audio bytes.",
                )
            })?;
        let turn = self.state.turn();
        for heard in self.ears.hear(&audio) {
            match heard {
                Heard::Started {
                    audio_start_ms,
                    item_id,
                } => {
                    self.outbox
                        .push(wire::speech_started(audio_start_ms, &item_id));
                    if self.active.is_some() && turn.is_some_and(|t| t.interrupt_response) {
                        self.cancel_active("turn_detected");
                    }
                }
                Heard::Stopped {
                    audio_end_ms,
                    item_id,
                } => {
                    self.outbox
                        .push(wire::speech_stopped(audio_end_ms, &item_id));
                    self.commit(item_id, turn.is_some_and(|t| t.create_response));
                }
            }
        }
        Ok(())
    }

    /// The caller's turn becomes an item (with its transcript), and maybe a response.
    fn commit(&mut self, item_id: String, respond: bool) {
        self.outbox
            .push(wire::committed(&item_id, self.last_item.as_deref()));
        self.outbox.push(wire::item(
            "conversation.item.added",
            wire::user_audio_item(&item_id),
        ));
        let said = self
            .shared
            .script
            .caller_said
            .get(self.next_said)
            .cloned()
            .unwrap_or_default();
        self.next_said += 1;
        if self.state.transcribes() {
            self.outbox.push(wire::input_transcript(&item_id, &said));
        }
        self.last_item = Some(item_id);
        if respond && self.active.is_none() {
            self.start_response();
        }
    }

    fn item_create(&mut self, value: &Value) -> Result<(), Refusal> {
        let Some(item) = value.get("item").and_then(Value::as_object) else {
            return Err(Refusal::invalid(
                "missing_required_parameter",
                Some("item"),
                "Missing required parameter: 'item'.",
            ));
        };
        if item.get("type").and_then(Value::as_str) == Some("function_call_output") {
            let call_id = item
                .get("call_id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !self.calls.contains(call_id) {
                return Err(Refusal::invalid(
                    "invalid_value",
                    Some("item.call_id"),
                    format!("Tool call ID '{call_id}' not found in conversation."),
                ));
            }
            if !item.get("output").is_some_and(Value::is_string) {
                return Err(Refusal::invalid(
                    "invalid_type",
                    Some("item.output"),
                    "Invalid type for 'item.output': expected a string.",
                ));
            }
        }
        let mut item = Value::Object(item.clone());
        let item_id = wire::id("item");
        item["id"] = json!(item_id);
        item["object"] = json!("realtime.item");
        item["status"] = json!("completed");
        let previous = self.last_item.replace(item_id);
        let mut added = wire::item("conversation.item.added", item.clone());
        added["previous_item_id"] = json!(previous);
        self.outbox.push(added);
        self.outbox.push(wire::item("conversation.item.done", item));
        Ok(())
    }

    fn truncate(&mut self, value: &Value) -> Result<(), Refusal> {
        let field = |name: &str| value.get(name);
        let item_id = field("item_id").and_then(Value::as_str).unwrap_or_default();
        let (Some(content_index), Some(audio_end_ms)) = (
            field("content_index").and_then(Value::as_u64),
            field("audio_end_ms").and_then(Value::as_u64),
        ) else {
            return Err(Refusal::invalid(
                "missing_required_parameter",
                None,
                "conversation.item.truncate needs 'content_index' and 'audio_end_ms'.",
            ));
        };
        let Some(length) = self.audio_items.get_mut(item_id) else {
            return Err(Refusal::invalid(
                "invalid_value",
                Some("item_id"),
                format!("Item '{item_id}' is not an assistant item with audio."),
            ));
        };
        if audio_end_ms > *length {
            return Err(Refusal::invalid(
                "invalid_value",
                Some("audio_end_ms"),
                format!("Audio content of {length}ms is already shorter than {audio_end_ms}ms."),
            ));
        }
        *length = audio_end_ms;
        self.outbox
            .push(wire::truncated(item_id, content_index, audio_end_ms));
        Ok(())
    }

    fn response_create(&mut self) -> Result<(), Refusal> {
        if let Some(active) = &self.active {
            return Err(Refusal::invalid(
                "conversation_already_has_active_response",
                None,
                format!(
                    "Conversation already has an active response in progress: {}.",
                    active.id
                ),
            ));
        }
        self.start_response();
        Ok(())
    }

    fn response_cancel(&mut self) -> Result<(), Refusal> {
        if self.active.is_none() {
            return Err(Refusal::invalid(
                "response_cancel_not_active",
                None,
                "Cancellation failed: no active response found.",
            ));
        }
        self.cancel_active("client_cancelled");
        Ok(())
    }

    /// Stops the response in progress: nothing more of it goes out but its `response.done`.
    fn cancel_active(&mut self, reason: &str) {
        let Some(active) = self.active.take() else {
            return;
        };
        self.queue.clear();
        if let Some(item) = &active.audio_item {
            self.audio_items.insert(item.clone(), active.audio_ms_sent);
        }
        self.outbox.push(reply::cancelled(
            &active.id,
            reason,
            active.input,
            active.audio_ms_sent,
        ));
    }

    /// Answers with the next scripted reply.
    fn start_response(&mut self) {
        if let Some((code, reason)) = self.close_fault.take() {
            self.end = Some(End::Close(code, reason));
            return;
        }
        let script = &self.shared.script;
        let reply = script
            .replies
            .get(self.next_reply)
            .cloned()
            .unwrap_or_else(|| Reply::say(""));
        self.next_reply += 1;
        let input = Input::new(self.state.instructions(), self.ears.heard_ms());
        match reply {
            Reply::Error {
                kind,
                code,
                message,
            } => {
                let refusal = Refusal {
                    kind,
                    code,
                    message,
                    param: None,
                };
                self.outbox.push(refusal.to_event(None));
            }
            Reply::Hang => {
                let id = wire::id("resp");
                self.outbox.push(reply::created(&id));
                self.active = Some(Active {
                    id,
                    input,
                    audio_item: None,
                    audio_ms_sent: 0,
                });
            }
            Reply::Answer {
                text,
                function_call,
            } => {
                let voice = Voice {
                    format: self.state.output_format(),
                    ms_per_char: script.ms_per_char,
                    chunk_ms: script.chunk_ms,
                    tone_hz: script.tone_hz,
                    first_audio: script.faults.first_byte,
                    per_chunk: if script.real_time {
                        Duration::from_millis(u64::from(script.chunk_ms))
                    } else {
                        script.faults.per_chunk
                    },
                };
                let plan = reply::answer(&text, function_call.as_ref(), &voice, input);
                if let Some((item, ms)) = &plan.audio_item {
                    self.audio_items.insert(item.clone(), *ms);
                }
                self.calls.extend(plan.call_id);
                let start = Instant::now();
                self.queue.extend(plan.steps.into_iter().map(|step| Timed {
                    at: start + step.after,
                    event: step.event,
                    audio_ms: step.audio_ms,
                }));
                self.active = Some(Active {
                    id: plan.response_id,
                    input,
                    audio_item: plan.audio_item.map(|(item, _)| item),
                    audio_ms_sent: 0,
                });
            }
        }
    }
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}
