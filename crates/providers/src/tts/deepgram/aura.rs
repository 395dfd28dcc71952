//! `wss://api.deepgram.com/v1/speak?model=..&encoding=mulaw&sample_rate=8000`, one socket per
//! stream. Text goes out as `Speak`, a flush as `Flush` (acknowledged by `Flushed`), audio
//! comes back as binary frames of raw mu-law. The end of input is a last `Flush`; when its
//! `Flushed` arrives the stream is complete and we send `Close`. Barge-in sends `Clear`
//! (drop buffered text and audio) and closes the socket.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use reqwest::Url;
use serde::Deserialize;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::tts::clock::{AudioClock, sleep_until};
use crate::tts::meter::Meter;
use crate::tts::stream::{DriverEnds, TextCommand, stream_pair};
use crate::tts::types::{AudioChunk, TtsEvent, VoiceConfig};
use crate::tts::{ApiKey, RetryPolicy, StreamingTts, TtsStream, errors, ws};
use crate::{ProviderError, Timeouts};

use super::NAME;

#[derive(Debug, Clone)]
pub struct DeepgramAuraConfig {
    pub api_key: ApiKey,
    /// `wss://api.deepgram.com` (`/v1/speak` is appended).
    pub ws_base: String,
    /// Used when the voice names no model; Aura voices *are* models (`aura-2-thalia-en`).
    pub default_model: String,
    /// Query `mip_opt_out`.
    pub mip_opt_out: Option<bool>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

impl DeepgramAuraConfig {
    pub fn new(api_key: ApiKey) -> Self {
        Self {
            api_key,
            ws_base: "wss://api.deepgram.com".into(),
            default_model: "aura-2-thalia-en".into(),
            mip_opt_out: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_base(mut self, ws_base: impl Into<String>) -> Self {
        self.ws_base = ws_base.into();
        self
    }
}

#[derive(Debug, Clone)]
pub struct DeepgramAura {
    config: Arc<DeepgramAuraConfig>,
}

impl DeepgramAura {
    pub fn new(config: DeepgramAuraConfig) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    /// The model: the voice's model, else its id when that names an Aura model, else the default.
    fn model<'a>(&'a self, voice: &'a VoiceConfig) -> &'a str {
        match (&voice.model, voice.voice_id.starts_with("aura")) {
            (Some(model), _) => model,
            (None, true) => &voice.voice_id,
            (None, false) => &self.config.default_model,
        }
    }
}

impl StreamingTts for DeepgramAura {
    fn name(&self) -> &'static str {
        NAME
    }

    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>> {
        Box::pin(async move {
            let config = self.config.clone();
            let bad_base = || ProviderError::BadRequest {
                provider: NAME,
                status: 0,
                message: "invalid base URL".into(),
            };
            let mut url = Url::parse(&config.ws_base).map_err(|_| bad_base())?;
            url.path_segments_mut()
                .map_err(|()| bad_base())?
                .pop_if_empty()
                .extend(["v1", "speak"]);
            {
                let mut query = url.query_pairs_mut();
                query
                    .append_pair("model", self.model(&voice))
                    .append_pair("encoding", "mulaw")
                    .append_pair("sample_rate", "8000");
                if let Some(opt_out) = config.mip_opt_out {
                    query.append_pair("mip_opt_out", if opt_out { "true" } else { "false" });
                }
            }
            let headers = [(
                "authorization",
                format!("Token {}", config.api_key.expose()),
            )];
            let socket = config
                .retry
                .run(|| {
                    ws::connect(
                        NAME,
                        url.as_str(),
                        &headers,
                        &config.api_key,
                        config.timeouts.connect,
                    )
                })
                .await?;
            let (stream, ends) = stream_pair();
            tokio::spawn(drive(socket, ends, config));
            Ok(stream)
        })
    }
}

#[derive(Debug, Deserialize)]
struct Control {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

async fn drive(mut socket: ws::WsStream, mut ends: DriverEnds, config: Arc<DeepgramAuraConfig>) {
    let mut clock = AudioClock::new(config.timeouts);
    let mut meter = Meter::default();
    let mut input_open = true;
    let mut flushes_sent = 0u64;
    let mut flushes_done = 0u64;
    let upstream = |message: String| ProviderError::Upstream {
        provider: NAME,
        message,
    };
    let end: Option<ProviderError> = loop {
        tokio::select! {
            biased;
            () = ends.cancel.cancelled() => {
                let _ = socket.send(ws::json(&json!({"type": "Clear"}))).await;
                break None;
            }
            command = ends.commands.recv(), if input_open => {
                let message = match command {
                    Some(TextCommand::Text(text)) if text.is_empty() => continue,
                    Some(TextCommand::Text(text)) => {
                        meter.text(&text);
                        json!({"type": "Speak", "text": text})
                    }
                    Some(TextCommand::Flush) => json!({"type": "Flush"}),
                    Some(TextCommand::Close) | None => {
                        input_open = false;
                        json!({"type": "Flush"})
                    }
                };
                if message["type"] == "Flush" {
                    flushes_sent += 1;
                    clock.requested();
                }
                if let Err(e) = socket.send(ws::json(&message)).await {
                    break Some(upstream(ws::kind(&e).into()));
                }
            }
            frame = socket.next() => match frame {
                Some(Ok(Message::Binary(bytes))) => {
                    clock.audio();
                    meter.audio(&bytes);
                    if !ends.emit(Ok(TtsEvent::Audio(AudioChunk { mulaw: bytes.to_vec(), alignment: None }))).await {
                        break None;
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    let Ok(control) = serde_json::from_str::<Control>(&text) else {
                        break Some(ProviderError::Protocol { provider: NAME, message: "unreadable server message".into() });
                    };
                    match control.kind.as_str() {
                        "Flushed" => {
                            flushes_done += 1;
                            if flushes_done >= flushes_sent {
                                clock.settled();
                            }
                            if !input_open && flushes_done >= flushes_sent {
                                let _ = socket.send(ws::json(&json!({"type": "Close"}))).await;
                                let _ = ends.emit(Ok(TtsEvent::Final { usage: meter.usage() })).await;
                                break None;
                            }
                            if !ends.emit(Ok(TtsEvent::Flushed)).await {
                                break None;
                            }
                        }
                        "Warning" => tracing::warn!(provider = NAME, code = ?control.code, description = ?control.description, "TTS warning"),
                        "Metadata" => tracing::debug!(provider = NAME, request_id = ?control.request_id, "TTS stream opened"),
                        // Cleared and anything newer: nothing to do.
                        _ => {}
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                    break Some(errors::from_close(NAME, code, &reason, &config.api_key));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => break Some(upstream(format!("stream broke off: {}", ws::kind(&e)))),
                None => break Some(upstream("connection dropped before the end of the stream".into())),
            },
            phase = sleep_until(clock.deadline()) => break Some(clock.timeout_error(NAME, phase)),
        }
    };
    ws::goodbye(&mut socket).await;
    if let Some(error) = end {
        let _ = ends.emit(Err(error)).await;
    }
}
