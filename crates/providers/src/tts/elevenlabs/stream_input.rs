//! The `stream-input` WebSocket (digest §2.1): one socket per synthesis stream.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::ProviderError;
use crate::tts::clock::{AudioClock, sleep_until};
use crate::tts::meter::Meter;
use crate::tts::stream::{DriverEnds, TextCommand, stream_pair};
use crate::tts::types::{AudioChunk, TtsEvent, Voice, VoiceConfig};
use crate::tts::{StreamingTts, TtsStream, errors, ws};

use super::config::{ElevenLabsConfig, KeyPlacement};
use super::wire::{self, ServerMessage};
use super::{NAME, voices};

/// ElevenLabs over `stream-input`: text goes out as the LLM produces it, `ulaw_8000` audio
/// comes back as base64 JSON chunks with character alignment.
#[derive(Debug, Clone)]
pub struct ElevenLabsTts {
    config: Arc<ElevenLabsConfig>,
}

impl ElevenLabsTts {
    pub fn new(config: ElevenLabsConfig) -> Self {
        Self {
            config: Arc::new(config),
        }
    }
}

/// The upgrade headers: the key, unless it travels in the first message.
pub(crate) fn auth_headers(config: &ElevenLabsConfig) -> Vec<(&'static str, String)> {
    match config.key_placement {
        KeyPlacement::Header => vec![("xi-api-key", config.api_key.expose().to_owned())],
        KeyPlacement::FirstMessage => Vec::new(),
    }
}

impl StreamingTts for ElevenLabsTts {
    fn name(&self) -> &'static str {
        NAME
    }

    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>> {
        Box::pin(async move {
            let config = self.config.clone();
            let url = wire::ws_url(&config, &voice, "stream-input")?;
            let headers = auth_headers(&config);
            let init = ws::json(&wire::init_message(&config, &voice, None, true));
            // Safe to retry: nothing was said yet.
            let socket = config
                .retry
                .run(|| async {
                    let mut socket = ws::connect(
                        NAME,
                        url.as_str(),
                        &headers,
                        &config.api_key,
                        config.timeouts.connect,
                    )
                    .await?;
                    socket
                        .send(init.clone())
                        .await
                        .map_err(|e| upstream(ws::kind(&e)))?;
                    Ok(socket)
                })
                .await?;
            let (stream, ends) = stream_pair();
            tokio::spawn(drive(socket, ends, config));
            Ok(stream)
        })
    }

    fn list_voices(&self) -> BoxFuture<'_, Result<Vec<Voice>, ProviderError>> {
        Box::pin(voices::list(self.config.clone()))
    }
}

fn upstream(message: &str) -> ProviderError {
    ProviderError::Upstream {
        provider: NAME,
        message: message.to_owned(),
    }
}

/// Owns the socket until the stream ends; every exit path says goodbye or reports why not.
async fn drive(mut socket: ws::WsStream, mut ends: DriverEnds, config: Arc<ElevenLabsConfig>) {
    let mut clock = AudioClock::new(config.timeouts);
    let mut meter = Meter::default();
    let mut input_open = true;
    let mut last_sent = Instant::now();
    loop {
        let outcome = tokio::select! {
            biased;
            () = ends.cancel.cancelled() => Err(None),
            command = ends.commands.recv(), if input_open => {
                let message = match command {
                    Some(TextCommand::Text(text)) if text.is_empty() => continue,
                    Some(TextCommand::Text(text)) => {
                        meter.text(&text);
                        json!({"text": wire::spaced(&text), "try_trigger_generation": false, "flush": false})
                    }
                    Some(TextCommand::Flush) => {
                        clock.flushed_unacknowledged();
                        json!({"text": " ", "flush": true})
                    }
                    // The engine dropped its input half: same as the end of input.
                    Some(TextCommand::Close) | None => {
                        input_open = false;
                        clock.requested();
                        json!({"text": ""})
                    }
                };
                last_sent = Instant::now();
                socket.send(ws::json(&message)).await.map_err(|e| Some(upstream(ws::kind(&e))))
            }
            frame = socket.next() => on_frame(frame, &ends, &mut clock, &mut meter, &config).await,
            phase = sleep_until(clock.deadline()) => Err(Some(clock.timeout_error(NAME, phase))),
            () = tokio::time::sleep_until(last_sent + config.keepalive), if input_open => {
                last_sent = Instant::now();
                socket.send(ws::json(&json!({"text": " "}))).await.map_err(|e| Some(upstream(ws::kind(&e))))
            }
        };
        match outcome {
            Ok(()) => {}
            Err(error) => {
                // Done (Ok with Final already sent) or failed: either way the socket goes.
                ws::goodbye(&mut socket).await;
                if let Some(error) = error {
                    let _ = ends.emit(Err(error)).await;
                }
                return;
            }
        }
    }
}

type Frame = Option<Result<Message, tokio_tungstenite::tungstenite::Error>>;

/// Handles one frame. `Err(None)` ends the stream without a further event (after `Final`, or
/// when the engine stopped listening); `Err(Some(e))` ends it with `e`.
async fn on_frame(
    frame: Frame,
    ends: &DriverEnds,
    clock: &mut AudioClock,
    meter: &mut Meter,
    config: &ElevenLabsConfig,
) -> Result<(), Option<ProviderError>> {
    let text = match frame {
        Some(Ok(Message::Text(text))) => text,
        Some(Ok(Message::Close(frame))) => {
            let (code, reason) = frame
                .map(|f| (u16::from(f.code), f.reason.to_string()))
                .unwrap_or((1005, String::new()));
            return Err(Some(errors::from_close(
                NAME,
                code,
                &reason,
                &config.api_key,
            )));
        }
        Some(Ok(_)) => return Ok(()),
        Some(Err(e)) => {
            return Err(Some(upstream(&format!(
                "stream broke off: {}",
                ws::kind(&e)
            ))));
        }
        None => {
            return Err(Some(upstream(
                "connection dropped before the end of the stream",
            )));
        }
    };
    let message = ServerMessage::parse(&text).map_err(Some)?;
    if let Some(error) = message.error(&config.api_key) {
        return Err(Some(error));
    }
    if let Some(mulaw) = message.audio_bytes().map_err(Some)? {
        clock.audio();
        meter.audio(&mulaw);
        let chunk = AudioChunk {
            mulaw,
            alignment: message.alignment(),
        };
        if !ends.emit(Ok(TtsEvent::Audio(chunk))).await {
            return Err(None);
        }
    }
    if message.is_final == Some(true) {
        let _ = ends
            .emit(Ok(TtsEvent::Final {
                usage: meter.usage(),
            }))
            .await;
        return Err(None);
    }
    Ok(())
}
