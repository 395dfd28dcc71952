//! The `/audio/speech` client: one streaming request per flushed segment.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};

use crate::tts::segmented::{self, AudioDecoder, SegmentSource, http_client};
use crate::tts::types::{Voice, VoiceConfig};
use crate::tts::{ApiKey, RetryPolicy, StreamingTts, TtsStream, errors};
use crate::{ProviderError, Timeouts};

use super::NAME;
use super::pcm::PcmToMulaw;

/// Voices every account has (digest §4.2); custom voices are `voice_...` ids.
const BUILT_IN_VOICES: [&str; 13] = [
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
    "marin", "cedar",
];

/// The longest `input` one request accepts.
const MAX_INPUT: usize = 4096;

#[derive(Debug, Clone)]
pub struct OpenAiSpeechConfig {
    pub api_key: ApiKey,
    /// `https://api.openai.com/v1` (the path `/audio/speech` is appended).
    pub base_url: String,
    /// Used when the voice names none.
    pub default_model: String,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

impl OpenAiSpeechConfig {
    pub fn new(api_key: ApiKey) -> Self {
        Self {
            api_key,
            base_url: "https://api.openai.com/v1".into(),
            default_model: "gpt-4o-mini-tts".into(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_base(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }
}

/// OpenAI speech: asks for `pcm` (24 kHz s16le mono), converts to mu-law 8 kHz as it streams.
#[derive(Debug, Clone)]
pub struct OpenAiSpeech {
    source: Arc<Source>,
}

#[derive(Debug)]
struct Source {
    config: OpenAiSpeechConfig,
    client: reqwest::Client,
}

impl OpenAiSpeech {
    pub fn new(config: OpenAiSpeechConfig) -> Self {
        let client = http_client(&config.timeouts);
        Self {
            source: Arc::new(Source { config, client }),
        }
    }
}

impl StreamingTts for OpenAiSpeech {
    fn name(&self) -> &'static str {
        NAME
    }

    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>> {
        Box::pin(async move {
            if voice.voice_id.is_empty() {
                return Err(ProviderError::BadRequest {
                    provider: NAME,
                    status: 0,
                    message: "no voice".into(),
                });
            }
            Ok(segmented::open(self.source.clone(), voice))
        })
    }

    fn list_voices(&self) -> BoxFuture<'_, Result<Vec<Voice>, ProviderError>> {
        Box::pin(async {
            Ok(BUILT_IN_VOICES
                .iter()
                .map(|id| Voice {
                    id: (*id).to_owned(),
                    name: Some((*id).to_owned()),
                    category: Some("built-in".into()),
                    ..Voice::default()
                })
                .collect())
        })
    }
}

impl SegmentSource for Source {
    fn provider(&self) -> &'static str {
        NAME
    }

    fn max_chars(&self) -> usize {
        MAX_INPUT
    }

    fn request(
        &self,
        voice: &VoiceConfig,
        text: &str,
        _previous: Option<&str>,
    ) -> BoxFuture<'static, Result<reqwest::Response, ProviderError>> {
        let url = format!(
            "{}/audio/speech",
            self.config.base_url.trim_end_matches('/')
        );
        let body = body(&self.config, voice, text);
        let key = self.config.api_key.clone();
        let client = self.client.clone();
        Box::pin(async move {
            let response = client
                .post(url)
                .bearer_auth(key.expose())
                .header("accept", "application/octet-stream")
                .json(&body)
                .send()
                .await
                .map_err(|e| errors::from_reqwest(NAME, &e))?;
            segmented::check(NAME, response, &key).await
        })
    }

    fn decoder(&self) -> Box<dyn AudioDecoder> {
        Box::new(PcmToMulaw::openai())
    }

    fn timeouts(&self) -> Timeouts {
        self.config.timeouts
    }

    fn retry(&self) -> RetryPolicy {
        self.config.retry
    }
}

fn body(config: &OpenAiSpeechConfig, voice: &VoiceConfig, text: &str) -> Value {
    let model = voice.model.as_deref().unwrap_or(&config.default_model);
    let mut body = Map::new();
    body.insert("model".into(), json!(model));
    body.insert("input".into(), json!(text));
    // Custom voices are objects; built-in ones are names.
    let voice_value = if voice.voice_id.starts_with("voice_") {
        json!({"id": voice.voice_id})
    } else {
        json!(voice.voice_id)
    };
    body.insert("voice".into(), voice_value);
    body.insert("response_format".into(), json!("pcm"));
    if let Some(speed) = voice.settings.speed {
        body.insert("speed".into(), json!(speed));
    }
    // The tts-1 models refuse instructions.
    if let (Some(instructions), false) = (&voice.instructions, model.starts_with("tts-1")) {
        body.insert("instructions".into(), json!(instructions));
    }
    Value::Object(body)
}
