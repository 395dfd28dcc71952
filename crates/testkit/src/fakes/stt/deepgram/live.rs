//! The live WebSocket session: checks the upgrade, then feeds the [`Engine`] and sends its
//! messages when due. Every received message is recorded.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{
    CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection,
};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use tokio::time::{Instant, sleep_until};

use super::engine::{Action, Due, Engine};
use super::handshake::{self, Params};
use super::{DeepgramScript, Shared};
use crate::fakes::Recorded;

/// `GET /v1/listen`: refuse like Deepgram, or upgrade.
pub(crate) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
    uri: Uri,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    shared
        .recorder
        .push(Recorded::http("GET", &uri, &headers, &[]));
    if let Some(reply) = handshake::injected(&shared.script.faults) {
        return reply;
    }
    if let Err(reply) = handshake::check_auth(&headers, &shared.script.api_key) {
        return *reply;
    }
    let params = match handshake::check_query(&query) {
        Ok(params) => params,
        Err(reply) => return *reply,
    };
    match ws {
        Ok(ws) => ws
            .read_buffer_size(crate::fakes::FAKE_READ_BUFFER)
            .on_upgrade(move |socket| Session::new(shared, params).run(socket)),
        Err(rejection) => rejection.into_response(),
    }
}

struct Session {
    shared: Arc<Shared>,
    engine: Engine,
    queue: VecDeque<(Instant, Message)>,
    last_due: Instant,
    sent: usize,
    stalled: bool,
}

const PATH: &str = "/v1/listen";

impl Session {
    fn new(shared: Arc<Shared>, params: Params) -> Self {
        let engine = Engine::new(params, &shared.script, ulid::Ulid::new().to_string());
        Self {
            shared,
            engine,
            queue: VecDeque::new(),
            last_due: Instant::now(),
            sent: 0,
            stalled: false,
        }
    }

    fn script(&self) -> &DeepgramScript {
        &self.shared.script
    }

    async fn run(mut self, mut socket: WebSocket) {
        if let Some((code, reason)) = self.script().faults.ws_close.clone() {
            let _ = socket.send(close(code, &reason)).await;
            return;
        }
        let inactivity = self.script().inactivity_timeout;
        let mut quiet_until = Instant::now() + inactivity;
        let mut actions = Vec::new();
        loop {
            let next_due = self.queue.front().map(|(at, _)| *at);
            tokio::select! {
                biased;
                _ = sleep_until(next_due.unwrap_or_else(far)), if next_due.is_some() => {
                    let Some((_, message)) = self.queue.pop_front() else { continue };
                    let is_close = matches!(message, Message::Close(_));
                    if socket.send(message).await.is_err() || is_close {
                        return;
                    }
                    self.sent += 1;
                    if self.script().faults.drop_after_chunks.is_some_and(|n| self.sent >= n) {
                        return; // dropped: no close frame
                    }
                }
                received = socket.recv() => {
                    let Some(Ok(message)) = received else {
                        self.shared.recorder.push(Recorded::WsClosed { path: PATH.into() });
                        return;
                    };
                    match message {
                        Message::Binary(bytes) => {
                            self.shared.recorder.push(Recorded::WsBinary { path: PATH.into(), bytes: bytes.len() });
                            quiet_until = Instant::now() + inactivity;
                            self.engine.audio(&bytes, &mut actions);
                        }
                        Message::Text(text) => {
                            self.shared.recorder.push(Recorded::WsText { path: PATH.into(), text: text.to_string() });
                            match control_type(text.as_str()).as_deref() {
                                Some("KeepAlive") => quiet_until = Instant::now() + inactivity,
                                Some("Finalize") => self.engine.finalize(&mut actions),
                                Some("CloseStream") => self.engine.close_stream(&mut actions),
                                _ => {}
                            }
                        }
                        Message::Close(_) => {
                            self.shared.recorder.push(Recorded::WsClosed { path: PATH.into() });
                            return;
                        }
                        _ => {}
                    }
                }
                _ = sleep_until(quiet_until), if !self.stalled => {
                    let _ = socket.send(close(1011, "NET-0001")).await;
                    return;
                }
            }
            for action in actions.drain(..) {
                if !self.act(action, &mut socket).await {
                    return;
                }
            }
        }
    }

    /// Queues or performs one action; `false` when the session is over.
    async fn act(&mut self, action: Action, socket: &mut WebSocket) -> bool {
        if self.stalled {
            return true;
        }
        match action {
            Action::Send(json, due) => {
                let mut delay = match due {
                    Due::Now => Duration::ZERO,
                    Due::AfterFinalLatency => self.script().final_latency,
                };
                if self.sent == 0 && self.queue.is_empty() {
                    delay += self.script().faults.first_byte;
                }
                self.enqueue(delay, Message::Text(json.to_string().into()));
            }
            Action::CloseWhenDone => self.enqueue(Duration::ZERO, close(1000, "")),
            Action::Abort(code, reason) => {
                self.queue.clear();
                let _ = socket.send(close(code, &reason)).await;
                return false;
            }
            Action::Stall => {
                self.queue.clear();
                self.stalled = true;
            }
        }
        true
    }

    /// Queues `message` `delay` from now, never before what is already queued (order is kept).
    fn enqueue(&mut self, delay: Duration, message: Message) {
        let due = (Instant::now() + delay).max(self.last_due);
        self.last_due = due;
        self.queue.push_back((due, message));
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_owned().into(),
    }))
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

/// The `type` of a JSON control message.
fn control_type(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("type")?.as_str().map(str::to_owned)
}
