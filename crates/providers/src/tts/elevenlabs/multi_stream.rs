//! The `multi-stream-input` WebSocket (digest §2.1, multi-context): one socket per call and
//! voice, one *context* per turn. Barge-in closes the turn's context (`close_context`)
//! without reconnecting, so the next turn starts on a warm socket.
//!
//! Lenient where the digest is: a context's end is its `isFinal` message (carrying
//! `contextId`); no keep-alive is sent on this socket (the digest gives no per-connection
//! shape for it), so set `inactivity_timeout` to cover the longest pause between turns.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::ProviderError;
use crate::tts::clock::{AudioClock, sleep_until};
use crate::tts::meter::Meter;
use crate::tts::stream::{DriverEnds, TextCommand, stream_pair};
use crate::tts::types::{AudioChunk, TtsEvent, Voice, VoiceConfig};
use crate::tts::{ApiKey, StreamingTts, TtsStream, errors, ws};

use super::config::ElevenLabsConfig;
use super::stream_input::auth_headers;
use super::wire::{self, ServerMessage};
use super::{NAME, voices};

/// ElevenLabs over `multi-stream-input`. Keep one per call: it holds the call's socket.
#[derive(Debug)]
pub struct ElevenLabsMultiStream {
    config: Arc<ElevenLabsConfig>,
    connection: Mutex<Option<Connection>>,
    next_context: AtomicU64,
}

/// The live socket: its URL (voice and model are part of it) and the way to its task.
#[derive(Debug, Clone)]
struct Connection {
    url: String,
    outbound: mpsc::Sender<Outbound>,
}

#[derive(Debug)]
enum Outbound {
    Register(String, mpsc::Sender<Inbound>),
    Send(Value),
    Forget(String),
}

#[derive(Debug)]
enum Inbound {
    Message(ServerMessage),
    Failed(ProviderError),
}

impl ElevenLabsMultiStream {
    pub fn new(config: ElevenLabsConfig) -> Self {
        Self {
            config: Arc::new(config),
            connection: Mutex::new(None),
            next_context: AtomicU64::new(1),
        }
    }

    /// The connection for `url`, reusing the live one; `true` when it is new.
    async fn connection(&self, url: &str) -> Result<(Connection, bool), ProviderError> {
        let live = self.connection.lock().expect("connection lock").clone();
        if let Some(live) = live
            && live.url == url
            && !live.outbound.is_closed()
        {
            return Ok((live, false));
        }
        let config = &self.config;
        let headers = auth_headers(config);
        let socket = config
            .retry
            .run(|| {
                ws::connect(
                    NAME,
                    url,
                    &headers,
                    &config.api_key,
                    config.timeouts.connect,
                )
            })
            .await?;
        let (outbound, rx) = mpsc::channel(64);
        tokio::spawn(run_socket(socket, rx, config.api_key.clone()));
        let connection = Connection {
            url: url.to_owned(),
            outbound,
        };
        *self.connection.lock().expect("connection lock") = Some(connection.clone());
        Ok((connection, true))
    }

    /// Forgets the call's socket: it closes once the turns still open on it end, and the next
    /// `open` connects afresh. Call it when the call ends.
    pub fn close_socket(&self) {
        self.connection.lock().expect("connection lock").take();
    }
}

impl StreamingTts for ElevenLabsMultiStream {
    fn name(&self) -> &'static str {
        NAME
    }

    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>> {
        Box::pin(async move {
            let url = wire::ws_url(&self.config, &voice, "multi-stream-input")?;
            let (connection, fresh) = self.connection(url.as_str()).await?;
            let context = format!("turn-{}", self.next_context.fetch_add(1, Ordering::Relaxed));
            let (inbound_tx, inbound) = mpsc::channel(32);
            let init = wire::init_message(&self.config, &voice, Some(&context), fresh);
            let gone = || ProviderError::Upstream {
                provider: NAME,
                message: "the socket closed".into(),
            };
            connection
                .outbound
                .send(Outbound::Register(context.clone(), inbound_tx))
                .await
                .map_err(|_| gone())?;
            connection
                .outbound
                .send(Outbound::Send(init))
                .await
                .map_err(|_| gone())?;
            let (stream, ends) = stream_pair();
            tokio::spawn(drive_context(
                context,
                connection.outbound,
                inbound,
                ends,
                self.config.clone(),
            ));
            Ok(stream)
        })
    }

    fn list_voices(&self) -> BoxFuture<'_, Result<Vec<Voice>, ProviderError>> {
        Box::pin(voices::list(self.config.clone()))
    }
}

/// One turn: its text goes out tagged with its context, its audio comes back routed.
async fn drive_context(
    context: String,
    outbound: mpsc::Sender<Outbound>,
    mut inbound: mpsc::Receiver<Inbound>,
    mut ends: DriverEnds,
    config: Arc<ElevenLabsConfig>,
) {
    let mut clock = AudioClock::new(config.timeouts);
    let mut meter = Meter::default();
    let mut input_open = true;
    let send = |value: Value| outbound.send(Outbound::Send(value));
    let end: Option<ProviderError> = loop {
        tokio::select! {
            biased;
            () = ends.cancel.cancelled() => break None,
            command = ends.commands.recv(), if input_open => {
                let sent = match command {
                    Some(TextCommand::Text(text)) if text.is_empty() => continue,
                    Some(TextCommand::Text(text)) => {
                        meter.text(&text);
                        send(json!({"text": wire::spaced(&text), "context_id": context})).await
                    }
                    Some(TextCommand::Flush) => {
                        clock.flushed_unacknowledged();
                        send(json!({"context_id": context, "flush": true})).await
                    }
                    Some(TextCommand::Close) | None => {
                        input_open = false;
                        clock.requested();
                        // Generate the rest, then end the context; its isFinal ends the turn.
                        match send(json!({"context_id": context, "flush": true})).await {
                            Ok(()) => send(json!({"context_id": context, "close_context": true})).await,
                            Err(e) => Err(e),
                        }
                    }
                };
                if sent.is_err() {
                    break Some(ProviderError::Upstream { provider: NAME, message: "the socket closed".into() });
                }
            }
            message = inbound.recv() => match message {
                Some(Inbound::Message(message)) => {
                    if let Some(error) = message.error(&config.api_key) {
                        break Some(error);
                    }
                    match message.audio_bytes() {
                        Err(error) => break Some(error),
                        Ok(Some(mulaw)) => {
                            clock.audio();
                            meter.audio(&mulaw);
                            let chunk = AudioChunk { mulaw, alignment: message.alignment() };
                            if !ends.emit(Ok(TtsEvent::Audio(chunk))).await {
                                break None;
                            }
                        }
                        Ok(None) => {}
                    }
                    if message.is_final == Some(true) {
                        let _ = ends.emit(Ok(TtsEvent::Final { usage: meter.usage() })).await;
                        let _ = outbound.send(Outbound::Forget(context)).await;
                        return;
                    }
                }
                Some(Inbound::Failed(error)) => {
                    let _ = ends.emit(Err(error)).await;
                    return;
                }
                None => break Some(ProviderError::Upstream { provider: NAME, message: "the socket closed".into() }),
            },
            phase = sleep_until(clock.deadline()) => break Some(clock.timeout_error(NAME, phase)),
        }
    };
    // Cancelled, abandoned or failed: drop the context on the server, keep the socket.
    let _ = outbound.send(Outbound::Forget(context.clone())).await;
    let _ = outbound
        .send(Outbound::Send(
            json!({"context_id": context, "close_context": true}),
        ))
        .await;
    if let Some(error) = end {
        let _ = ends.emit(Err(error)).await;
    }
}

/// Owns the socket: writes what contexts send, routes what the server sends by `contextId`.
async fn run_socket(mut socket: ws::WsStream, mut outbound: mpsc::Receiver<Outbound>, key: ApiKey) {
    let mut routes: HashMap<String, mpsc::Sender<Inbound>> = HashMap::new();
    let failure = loop {
        tokio::select! {
            command = outbound.recv() => match command {
                Some(Outbound::Register(id, tx)) => { routes.insert(id, tx); }
                Some(Outbound::Forget(id)) => { routes.remove(&id); }
                Some(Outbound::Send(value)) => {
                    if let Err(e) = socket.send(ws::json(&value)).await {
                        break ProviderError::Upstream { provider: NAME, message: ws::kind(&e).into() };
                    }
                }
                None => {
                    ws::goodbye(&mut socket).await;
                    return;
                }
            },
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let Ok(message) = ServerMessage::parse(&text) else { continue };
                    match message.context_id.clone() {
                        Some(id) => {
                            if let Some(route) = routes.get(&id)
                                && route.send(Inbound::Message(message)).await.is_err()
                            {
                                routes.remove(&id);
                            }
                        }
                        // An error for the whole socket.
                        None => if let Some(error) = message.error(&key) { break error },
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                    break errors::from_close(NAME, code, &reason, &key);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => break ProviderError::Upstream { provider: NAME, message: format!("stream broke off: {}", ws::kind(&e)) },
                None => break ProviderError::Upstream { provider: NAME, message: "connection dropped".into() },
            },
        }
    };
    for (_, route) in routes.drain() {
        let _ = route.send(Inbound::Failed(clone_error(&failure))).await;
    }
    ws::goodbye(&mut socket).await;
}

/// `ProviderError` is not `Clone` (it may grow sources); every context gets its own copy.
fn clone_error(error: &ProviderError) -> ProviderError {
    match *error {
        ProviderError::Auth { provider, status } => ProviderError::Auth { provider, status },
        ProviderError::RateLimited {
            provider,
            retry_after,
        } => ProviderError::RateLimited {
            provider,
            retry_after,
        },
        ProviderError::BadRequest {
            provider,
            status,
            ref message,
        } => ProviderError::BadRequest {
            provider,
            status,
            message: message.clone(),
        },
        ProviderError::Timeout {
            provider,
            phase,
            after,
        } => ProviderError::Timeout {
            provider,
            phase,
            after,
        },
        ProviderError::Protocol {
            provider,
            ref message,
        } => ProviderError::Protocol {
            provider,
            message: message.clone(),
        },
        ProviderError::Upstream {
            provider,
            ref message,
        } => ProviderError::Upstream {
            provider,
            message: message.clone(),
        },
        ProviderError::Cancelled => ProviderError::Cancelled,
    }
}
