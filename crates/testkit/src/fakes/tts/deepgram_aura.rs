//! Fake Deepgram Aura `GET /v1/speak` WebSocket (digest §6.1): `Speak` buffers text, `Flush`
//! makes its audio (binary frames) then `Flushed`, `Clear` drops what is queued then
//! `Cleared`, `Close` ends the socket once queued audio is out.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::audio::AudioFormat;
use super::http::deepgram_error;
use super::pacer::Pacer;
use super::shared::{Shared, query_map};
use crate::fakes::Recorded;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/speak", get(speak))
        .fallback(not_found)
        .with_state(shared)
}

async fn not_found(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    shared.record_http(&method, &uri, &headers, &[]);
    deepgram_error(404, "Not Found", "Path not found")
}

async fn speak(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let n = shared.record_http(&method, &uri, &headers, &[]);
    if let Some(error) = shared.injected_error(n) {
        return error;
    }
    let expected = format!("Token {}", shared.config.api_key);
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return deepgram_error(401, "INVALID_AUTH", "Invalid credentials.");
    }
    let query = query_map(&uri);
    let format = match (
        query.get("encoding").map(String::as_str),
        query.get("sample_rate").map(String::as_str),
    ) {
        (Some("mulaw"), Some("8000")) => AudioFormat::Ulaw8k,
        (Some("alaw"), Some("8000")) => AudioFormat::Alaw8k,
        (Some("mulaw" | "alaw"), _) => {
            return deepgram_error(
                400,
                "Bad Request",
                "sample_rate must be 8000 for mulaw and alaw",
            );
        }
        (Some("linear16") | None, rate) => match rate.map_or(Ok(24_000), str::parse::<u32>) {
            Ok(rate @ (8_000 | 16_000 | 24_000 | 32_000 | 48_000)) => AudioFormat::Pcm(rate),
            _ => return deepgram_error(400, "Bad Request", "Unsupported sample_rate"),
        },
        (Some(other), _) => {
            return deepgram_error(
                400,
                "Bad Request",
                &format!("Unsupported encoding: {other}"),
            );
        }
    };
    let model = query
        .get("model")
        .cloned()
        .unwrap_or_else(|| "aura-asteria-en".into());
    if !model.starts_with("aura") {
        return deepgram_error(400, "Bad Request", &format!("No such model: {model}"));
    }
    let faults = &shared.config.faults;
    let session = Session {
        path: uri.path().to_owned(),
        format,
        model,
        close_fault: shared.injected_close(n),
        drop_after: faults.drop_after_chunks.filter(|_| shared.faulty(n)),
        pacer: Pacer::new(faults.first_byte, faults.per_chunk),
        buffer: String::new(),
        sequence: 0,
        closing: false,
        shared: shared.clone(),
    };
    ws.on_upgrade(move |socket| session.run(socket))
}

struct Session {
    shared: Arc<Shared>,
    path: String,
    format: AudioFormat,
    model: String,
    close_fault: Option<(u16, String)>,
    drop_after: Option<usize>,
    pacer: Pacer,
    buffer: String,
    sequence: u64,
    closing: bool,
}

fn text(value: Value) -> Message {
    Message::Text(value.to_string().into())
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}

impl Session {
    async fn run(mut self, mut socket: WebSocket) {
        let metadata = json!({"type": "Metadata", "request_id": "00000000-fake-0000-0000-000000000000", "model_name": self.model, "model_version": "fake", "model_uuid": "00000000-fake"});
        if socket.send(text(metadata)).await.is_err() {
            return;
        }
        loop {
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(message))) => {
                        self.shared.recorder.push(Recorded::WsText { path: self.path.clone(), text: message.to_string() });
                        if let Some((code, reason)) = self.close_fault.take() {
                            let _ = socket.send(close(code, &reason)).await;
                            return;
                        }
                        if let Some(reply) = self.on_text(&message) {
                            let ends = matches!(reply, Message::Close(_));
                            let _ = socket.send(reply).await;
                            if ends {
                                return;
                            }
                        }
                        if self.closing && self.pacer.is_idle() {
                            let _ = socket.send(close(1000, "")).await;
                            return;
                        }
                    }
                    Some(Ok(Message::Binary(bytes))) => {
                        self.shared.recorder.push(Recorded::WsBinary { path: self.path.clone(), bytes: bytes.len() });
                        let _ = socket.send(close(1008, "DATA-0000")).await;
                        return;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => {
                        self.shared.recorder.push(Recorded::WsClosed { path: self.path.clone() });
                        if !self.pacer.is_idle() {
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
                        return;
                    }
                    if self.closing && self.pacer.is_idle() {
                        let _ = socket.send(close(1000, "")).await;
                        return;
                    }
                }
            }
        }
    }

    /// Handles a control message; returns an immediate reply (one that is not paced).
    fn on_text(&mut self, message: &str) -> Option<Message> {
        let Ok(value) = serde_json::from_str::<Value>(message) else {
            return Some(close(1008, "DATA-0000: invalid JSON"));
        };
        match value.get("type").and_then(Value::as_str) {
            Some("Speak") => match value.get("text").and_then(Value::as_str) {
                Some(t) => {
                    self.buffer.push_str(t);
                    None
                }
                None => Some(text(
                    json!({"type": "Warning", "description": "Speak needs a text field", "code": "INVALID_INPUT"}),
                )),
            },
            Some("Flush") => {
                self.generate();
                self.sequence += 1;
                self.pacer.push(
                    text(json!({"type": "Flushed", "sequence_id": self.sequence})),
                    false,
                );
                None
            }
            Some("Clear") => {
                self.buffer.clear();
                if self.pacer.clear() > 0 {
                    self.shared.aborted();
                }
                self.sequence += 1;
                Some(text(
                    json!({"type": "Cleared", "sequence_id": self.sequence}),
                ))
            }
            Some("Close") => {
                self.closing = true;
                None
            }
            _ => Some(text(
                json!({"type": "Warning", "description": "Unknown message type", "code": "UNKNOWN_MESSAGE_TYPE"}),
            )),
        }
    }

    fn generate(&mut self) {
        let buffered = std::mem::take(&mut self.buffer);
        let spoken = buffered.trim();
        if spoken.is_empty() {
            return;
        }
        let config = &self.shared.config;
        let audio = self.format.render(
            spoken.chars().count() as u32 * config.ms_per_char,
            config.tone_hz,
        );
        let chunk = self.format.bytes_per_ms() * config.chunk_ms as usize;
        for piece in audio.chunks(chunk.max(1)) {
            self.pacer
                .push(Message::Binary(piece.to_vec().into()), true);
        }
    }
}
