//! The ElevenLabs WebSockets: `stream-input` (one stream per socket) and
//! `multi-stream-input` (contexts keyed by `context_id`), sharing one session loop.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use super::contract;
use crate::fakes::tts::audio::AudioFormat;
use crate::fakes::tts::pacer::Pacer;
use crate::fakes::tts::shared::{Shared, query_map};
use crate::fakes::{FAKE_READ_BUFFER, Recorded};

const DEFAULT_SCHEDULE: [usize; 4] = [120, 160, 250, 290];

pub(crate) async fn stream_input(
    state: State<Arc<Shared>>,
    voice: Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(false, state, voice, method, uri, headers, ws)
}

pub(crate) async fn multi_stream_input(
    state: State<Arc<Shared>>,
    voice: Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    upgrade(true, state, voice, method, uri, headers, ws)
}

fn upgrade(
    multi: bool,
    State(shared): State<Arc<Shared>>,
    Path(voice_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let n = shared.record_http(&method, &uri, &headers, &[]);
    if let Some(error) = shared.injected_error(n) {
        return error;
    }
    let header_authed = match contract::header_key(&shared, &headers) {
        Ok(authed) => authed,
        Err(response) => return *response,
    };
    if let Err(response) = contract::voice(&shared, &voice_id) {
        return *response;
    }
    let format = match contract::output_format(query_map(&uri).get("output_format")) {
        Ok(format) => format,
        Err(response) => return *response,
    };
    let faults = &shared.config.faults;
    let session = Session {
        path: uri.path().to_owned(),
        multi,
        format,
        header_authed,
        close_fault: shared.injected_close(n),
        drop_after: faults.drop_after_chunks.filter(|_| shared.faulty(n)),
        pacer: Pacer::new(faults.first_byte, faults.per_chunk),
        contexts: HashMap::new(),
        schedule: DEFAULT_SCHEDULE.to_vec(),
        started: false,
        ending: false,
        shared: shared.clone(),
    };
    ws.read_buffer_size(FAKE_READ_BUFFER)
        .on_upgrade(move |socket| session.run(socket))
}

struct Session {
    shared: Arc<Shared>,
    path: String,
    multi: bool,
    format: AudioFormat,
    header_authed: bool,
    close_fault: Option<(u16, String)>,
    drop_after: Option<usize>,
    pacer: Pacer,
    /// Text buffers by context (`""` for `stream-input`).
    contexts: HashMap<String, Context>,
    /// The socket's `chunk_length_schedule`, from its first message.
    schedule: Vec<usize>,
    started: bool,
    /// `stream-input` got `{"text":""}`: close once everything queued is sent.
    ending: bool,
}

#[derive(Default)]
struct Context {
    buffer: String,
    schedule: Vec<usize>,
    step: usize,
}

/// What a client message leads to.
enum Step {
    Continue,
    /// Send an error report then close 1008, as ElevenLabs does.
    Fail {
        error: &'static str,
        message: String,
    },
    Close(u16, String),
}

fn fail(error: &'static str, message: impl Into<String>) -> Step {
    Step::Fail {
        error,
        message: message.into(),
    }
}

impl Session {
    async fn run(mut self, mut socket: WebSocket) {
        loop {
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        self.shared.recorder.push(Recorded::WsText { path: self.path.clone(), text: text.to_string() });
                        match self.on_text(&text) {
                            Step::Continue => {}
                            Step::Fail { error, message } => {
                                let report = json!({"message": message, "error": error, "code": 1008});
                                let _ = socket.send(Message::Text(report.to_string().into())).await;
                                let _ = socket.send(close(1008, error)).await;
                                return;
                            }
                            Step::Close(code, reason) => {
                                let _ = socket.send(close(code, &reason)).await;
                                return;
                            }
                        }
                    }
                    Some(Ok(Message::Binary(bytes))) => self.shared.recorder.push(Recorded::WsBinary { path: self.path.clone(), bytes: bytes.len() }),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => {
                        self.shared.recorder.push(Recorded::WsClosed { path: self.path.clone() });
                        if !self.pacer.is_idle() || self.contexts.values().any(|c| !c.buffer.trim().is_empty()) {
                            self.shared.aborted();
                        }
                        return;
                    }
                },
                () = self.pacer.due() => {
                    let Some(message) = self.pacer.pop() else { continue };
                    if socket.send(message).await.is_err() {
                        return;
                    }
                    if self.drop_after.is_some_and(|n| self.pacer.audio_sent() >= n) {
                        return; // dropped without a close frame
                    }
                    if self.ending && self.pacer.is_idle() {
                        let _ = socket.send(close(1000, "")).await;
                        return;
                    }
                }
            }
        }
    }

    fn on_text(&mut self, text: &str) -> Step {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return fail("invalid_input_message", "Invalid message: not JSON");
        };
        let context_id = match (
            self.multi,
            message.get("context_id").and_then(Value::as_str),
        ) {
            (false, _) => String::new(),
            (true, Some(id)) => id.to_owned(),
            (true, None) if message.get("close_socket").is_some() => {
                return Step::Close(1000, String::new());
            }
            (true, None) => return fail("invalid_input_message", "context_id is required"),
        };
        if !self.started {
            self.started = true;
            if let Some(step) = self.first_message(&message) {
                return step;
            }
        }
        if self.multi && message.get("close_context").and_then(Value::as_bool) == Some(true) {
            // Unflushed text is dropped; audio already made still goes out, then isFinal.
            if self.contexts.remove(&context_id).is_some() {
                self.pacer.push(
                    Message::Text(
                        json!({"isFinal": true, "contextId": context_id})
                            .to_string()
                            .into(),
                    ),
                    false,
                );
            }
            return Step::Continue;
        }
        let text = message.get("text").and_then(Value::as_str);
        let flush = message.get("flush").and_then(Value::as_bool) == Some(true);
        if text.is_none() && !(self.multi && flush) {
            return fail("invalid_input_message", "Invalid message: text is required");
        }
        let schedule = self.schedule.clone();
        let context = self
            .contexts
            .entry(context_id.clone())
            .or_insert_with(|| Context {
                schedule,
                ..Context::default()
            });
        if !self.multi && text == Some("") {
            let rest = std::mem::take(&mut context.buffer);
            self.generate(&context_id, &rest);
            self.pacer.push(
                Message::Text(json!({"isFinal": true}).to_string().into()),
                false,
            );
            self.ending = true;
            return Step::Continue;
        }
        context.buffer.push_str(text.unwrap_or_default());
        let threshold = context
            .schedule
            .get(context.step)
            .copied()
            .unwrap_or(DEFAULT_SCHEDULE[0]);
        if flush || context.buffer.trim().chars().count() >= threshold {
            context.step = (context.step + 1).min(context.schedule.len().saturating_sub(1));
            let buffered = std::mem::take(&mut context.buffer);
            self.generate(&context_id, &buffered);
        }
        Step::Continue
    }

    /// Checks the stream's first message: auth (unless the header had it), the injected
    /// close, the init text and the generation config.
    fn first_message(&mut self, message: &Value) -> Option<Step> {
        if !self.header_authed {
            let key = message
                .get("xi-api-key")
                .and_then(Value::as_str)
                .or_else(|| {
                    message
                        .get("authorization")
                        .and_then(Value::as_str)
                        .and_then(|a| a.strip_prefix("Bearer "))
                });
            if key != Some(self.shared.config.api_key.as_str()) {
                return Some(fail("invalid_api_key", "Invalid API key"));
            }
        }
        if let Some((code, reason)) = self.close_fault.take() {
            return Some(Step::Close(code, reason));
        }
        if message.get("text").and_then(Value::as_str) != Some(" ") {
            return Some(fail(
                "invalid_input_message",
                "The first message must have text set to a single space",
            ));
        }
        if let Some(schedule) = message.pointer("/generation_config/chunk_length_schedule") {
            let entries: Option<Vec<usize>> = schedule.as_array().and_then(|a| {
                a.iter()
                    .map(|v| {
                        v.as_u64()
                            .filter(|n| (50..=500).contains(n))
                            .map(|n| n as usize)
                    })
                    .collect()
            });
            match entries {
                Some(entries) if !entries.is_empty() => self.schedule = entries,
                _ => {
                    return Some(fail(
                        "invalid_input_message",
                        "chunk_length_schedule entries must be between 50 and 500",
                    ));
                }
            }
        }
        None
    }

    /// Queues the audio for `text`: `ms_per_char` per character, `chunk_ms` per message, the
    /// first message with the character alignment.
    fn generate(&mut self, context_id: &str, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let config = &self.shared.config;
        let chars: Vec<String> = text.chars().map(String::from).collect();
        let audio = self
            .format
            .render(chars.len() as u32 * config.ms_per_char, config.tone_hz);
        let per_char = config.ms_per_char;
        let alignment = json!({
            "chars": chars,
            "charStartTimesMs": (0..chars.len() as u32).map(|i| i * per_char).collect::<Vec<_>>(),
            "charDurationsMs": vec![per_char; chars.len()],
        });
        let chunk = self.format.bytes_per_ms() * config.chunk_ms as usize;
        for (i, piece) in audio.chunks(chunk.max(1)).enumerate() {
            let first = i == 0;
            let mut message = json!({
                "audio": base64::engine::general_purpose::STANDARD.encode(piece),
                "isFinal": null,
                "normalizedAlignment": if first { alignment.clone() } else { Value::Null },
                "alignment": if first { alignment.clone() } else { Value::Null },
            });
            if self.multi {
                message["contextId"] = json!(context_id);
            }
            self.pacer
                .push(Message::Text(message.to_string().into()), true);
        }
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}
