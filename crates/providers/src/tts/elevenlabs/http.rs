//! HTTP streaming (digest §2.2): `POST /v1/text-to-speech/{voice_id}/stream`, one request per
//! flushed segment, raw `ulaw_8000` bytes back.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::{Map, Value, json};

use crate::tts::segmented::{self, AudioDecoder, PassThrough, SegmentSource, http_client};
use crate::tts::types::{Voice, VoiceConfig};
use crate::tts::{RetryPolicy, StreamingTts, TtsStream, errors};
use crate::{ProviderError, Timeouts};

use super::config::ElevenLabsConfig;
use super::wire::{self, OUTPUT_FORMAT};
use super::{NAME, voices};

/// ElevenLabs over HTTP streaming. Slower to first byte than the WebSocket for a multi-clause
/// turn (each segment is a request), but it needs no socket and it is a useful fallback.
#[derive(Debug, Clone)]
pub struct ElevenLabsHttpTts {
    source: Arc<Source>,
}

#[derive(Debug)]
struct Source {
    config: Arc<ElevenLabsConfig>,
    client: reqwest::Client,
}

impl ElevenLabsHttpTts {
    pub fn new(config: ElevenLabsConfig) -> Self {
        let client = http_client(&config.timeouts);
        Self {
            source: Arc::new(Source {
                config: Arc::new(config),
                client,
            }),
        }
    }
}

impl StreamingTts for ElevenLabsHttpTts {
    fn name(&self) -> &'static str {
        NAME
    }

    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>> {
        Box::pin(async move {
            wire::endpoint_url(&self.source.config.http_base, &voice.voice_id, "stream")?;
            Ok(segmented::open(self.source.clone(), voice))
        })
    }

    fn list_voices(&self) -> BoxFuture<'_, Result<Vec<Voice>, ProviderError>> {
        Box::pin(voices::list(self.source.config.clone()))
    }
}

impl SegmentSource for Source {
    fn provider(&self) -> &'static str {
        NAME
    }

    fn max_chars(&self) -> usize {
        // Far below any model's limit; a phone turn's clause is much shorter anyway.
        5_000
    }

    fn request(
        &self,
        voice: &VoiceConfig,
        text: &str,
        previous: Option<&str>,
    ) -> BoxFuture<'static, Result<reqwest::Response, ProviderError>> {
        let config = self.config.clone();
        let client = self.client.clone();
        let built = build(&config, voice, text, previous);
        Box::pin(async move {
            let (url, body) = built?;
            let response = client
                .post(url)
                .header("xi-api-key", config.api_key.expose())
                .json(&body)
                .send()
                .await
                .map_err(|e| errors::from_reqwest(NAME, &e))?;
            segmented::check(NAME, response, &config.api_key).await
        })
    }

    fn decoder(&self) -> Box<dyn AudioDecoder> {
        Box::new(PassThrough)
    }

    fn timeouts(&self) -> Timeouts {
        self.config.timeouts
    }

    fn retry(&self) -> RetryPolicy {
        self.config.retry
    }
}

fn build(
    config: &ElevenLabsConfig,
    voice: &VoiceConfig,
    text: &str,
    previous: Option<&str>,
) -> Result<(reqwest::Url, Value), ProviderError> {
    let mut url = wire::endpoint_url(&config.http_base, &voice.voice_id, "stream")?;
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("output_format", OUTPUT_FORMAT);
        if let Some(level) = config.optimize_streaming_latency {
            query.append_pair("optimize_streaming_latency", &level.to_string());
        }
        if let Some(logging) = config.enable_logging {
            query.append_pair("enable_logging", if logging { "true" } else { "false" });
        }
    }
    let mut body = Map::new();
    body.insert("text".into(), json!(text));
    body.insert(
        "model_id".into(),
        json!(voice.model.as_deref().unwrap_or(&config.default_model)),
    );
    if let Some(language) = &voice.language {
        body.insert("language_code".into(), json!(language));
    }
    if let Some(settings) = wire::voice_settings(&voice.settings) {
        body.insert("voice_settings".into(), settings);
    }
    if let Some(previous) = previous {
        body.insert("previous_text".into(), json!(previous));
    }
    if let Some(mode) = &config.apply_text_normalization {
        body.insert("apply_text_normalization".into(), json!(mode));
    }
    Ok((url, Value::Object(body)))
}
