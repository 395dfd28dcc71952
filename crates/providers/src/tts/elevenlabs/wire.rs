//! ElevenLabs message shapes (digest §2.1, §2.2).

use base64::Engine;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::ProviderError;
use crate::tts::types::{Alignment, VoiceConfig, VoiceSettings};
use crate::tts::{ApiKey, errors};

use super::NAME;
use super::config::{ElevenLabsConfig, KeyPlacement};

/// Output format of every request: raw mu-law 8 kHz, what the carrier plays.
pub(crate) const OUTPUT_FORMAT: &str = "ulaw_8000";

/// `{ws_base}/v1/text-to-speech/{voice_id}/{endpoint}?model_id=..&output_format=ulaw_8000&..`
pub(crate) fn ws_url(
    config: &ElevenLabsConfig,
    voice: &VoiceConfig,
    endpoint: &str,
) -> Result<Url, ProviderError> {
    let mut url = endpoint_url(&config.ws_base, &voice.voice_id, endpoint)?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair(
            "model_id",
            voice.model.as_deref().unwrap_or(&config.default_model),
        );
        query.append_pair("output_format", OUTPUT_FORMAT);
        if let Some(seconds) = config.inactivity_timeout {
            query.append_pair("inactivity_timeout", &seconds.to_string());
        }
        let flags = [
            ("auto_mode", config.auto_mode),
            ("sync_alignment", config.sync_alignment),
            ("enable_logging", config.enable_logging),
        ];
        for (name, value) in flags {
            if let Some(value) = value {
                query.append_pair(name, if value { "true" } else { "false" });
            }
        }
        if let Some(mode) = &config.apply_text_normalization {
            query.append_pair("apply_text_normalization", mode);
        }
        if let Some(language) = &voice.language {
            query.append_pair("language_code", language);
        }
    }
    Ok(url)
}

/// `{base}/{segments...}`, each segment percent-encoded, whatever path the base already has.
pub(crate) fn api_url(base: &str, segments: &[&str]) -> Result<Url, ProviderError> {
    let invalid = || ProviderError::BadRequest {
        provider: NAME,
        status: 0,
        message: "invalid base URL".into(),
    };
    let mut url = Url::parse(base).map_err(|_| invalid())?;
    url.path_segments_mut()
        .map_err(|()| invalid())?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// `{base}/v1/text-to-speech/{voice_id}/{endpoint}`, the voice id percent-encoded.
pub(crate) fn endpoint_url(
    base: &str,
    voice_id: &str,
    endpoint: &str,
) -> Result<Url, ProviderError> {
    if voice_id.is_empty() {
        return Err(ProviderError::BadRequest {
            provider: NAME,
            status: 0,
            message: "no voice id".into(),
        });
    }
    api_url(base, &["v1", "text-to-speech", voice_id, endpoint])
}

/// The `voice_settings` object with only the fields that are set; `None` when none is.
pub(crate) fn voice_settings(settings: &VoiceSettings) -> Option<Value> {
    let mut map = Map::new();
    let floats = [
        ("stability", settings.stability),
        ("similarity_boost", settings.similarity_boost),
        ("style", settings.style),
        ("speed", settings.speed),
    ];
    for (name, value) in floats {
        if let Some(value) = value {
            map.insert(name.into(), json!(value));
        }
    }
    if let Some(boost) = settings.use_speaker_boost {
        map.insert("use_speaker_boost".into(), json!(boost));
    }
    (!map.is_empty()).then_some(Value::Object(map))
}

/// The first message of a stream (or of a context, with `context_id`): text is one space.
pub(crate) fn init_message(
    config: &ElevenLabsConfig,
    voice: &VoiceConfig,
    context_id: Option<&str>,
    with_generation_config: bool,
) -> Value {
    let mut message = Map::new();
    message.insert("text".into(), json!(" "));
    if let Some(settings) = voice_settings(&voice.settings) {
        message.insert("voice_settings".into(), settings);
    }
    if let (true, Some(schedule)) = (with_generation_config, &config.chunk_length_schedule) {
        message.insert(
            "generation_config".into(),
            json!({ "chunk_length_schedule": schedule }),
        );
    }
    if config.key_placement == KeyPlacement::FirstMessage && with_generation_config {
        message.insert("xi-api-key".into(), json!(config.api_key.expose()));
    }
    if let Some(id) = context_id {
        message.insert("context_id".into(), json!(id));
    }
    Value::Object(message)
}

/// Text must end with a space (the server uses it to find word boundaries).
pub(crate) fn spaced(text: &str) -> String {
    if text.ends_with(char::is_whitespace) {
        text.to_owned()
    } else {
        format!("{text} ")
    }
}

/// One message from the server. Every field is optional: audio chunks, the final marker and
/// error reports share the shape.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ServerMessage {
    pub audio: Option<String>,
    #[serde(rename = "isFinal")]
    pub is_final: Option<bool>,
    pub alignment: Option<WireAlignment>,
    #[serde(rename = "normalizedAlignment")]
    pub normalized_alignment: Option<WireAlignment>,
    #[serde(rename = "contextId")]
    pub context_id: Option<String>,
    pub error: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireAlignment {
    pub chars: Vec<String>,
    #[serde(rename = "charStartTimesMs")]
    pub char_start_times_ms: Vec<f64>,
    #[serde(rename = "charDurationsMs")]
    pub char_durations_ms: Vec<f64>,
}

impl ServerMessage {
    pub fn parse(text: &str) -> Result<Self, ProviderError> {
        serde_json::from_str(text).map_err(|_| ProviderError::Protocol {
            provider: NAME,
            message: "unreadable server message".into(),
        })
    }

    /// The decoded audio, `None` for messages without any (skipped, as pipecat does).
    pub fn audio_bytes(&self) -> Result<Option<Vec<u8>>, ProviderError> {
        match self.audio.as_deref() {
            None | Some("") => Ok(None),
            Some(b64) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map(Some)
                .map_err(|_| ProviderError::Protocol {
                    provider: NAME,
                    message: "audio is not base64".into(),
                }),
        }
    }

    /// Timing of the original text, or of the normalised text when that is all there is.
    pub fn alignment(&self) -> Option<Alignment> {
        let wire = self
            .alignment
            .as_ref()
            .or(self.normalized_alignment.as_ref())?;
        let ms = |v: &[f64]| v.iter().map(|&x| x.max(0.0).round() as u32).collect();
        Some(Alignment {
            chars: wire.chars.clone(),
            start_ms: ms(&wire.char_start_times_ms),
            duration_ms: ms(&wire.char_durations_ms),
        })
    }

    /// The error this message reports, if it is an error report.
    pub fn error(&self, key: &ApiKey) -> Option<ProviderError> {
        let code = self.error.as_deref()?;
        let message = errors::truncate(key.redact(self.message.as_deref().unwrap_or(code)));
        Some(match code {
            "quota_exceeded" | "rate_limit_exceeded" | "too_many_concurrent_requests" => {
                ProviderError::RateLimited {
                    provider: NAME,
                    retry_after: None,
                }
            }
            c if c.contains("api_key") || c.contains("auth") || c.contains("unauthorized") => {
                ProviderError::Auth {
                    provider: NAME,
                    status: 1008,
                }
            }
            c if c.starts_with("invalid") => ProviderError::BadRequest {
                provider: NAME,
                status: 1008,
                message: format!("{code}: {message}"),
            },
            _ => ProviderError::Upstream {
                provider: NAME,
                message: format!("{code}: {message}"),
            },
        })
    }
}
