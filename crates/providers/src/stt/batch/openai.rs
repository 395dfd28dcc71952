//! `POST {base}/audio/transcriptions` (digest §4.1), as served by OpenAI, Groq and
//! self-hosted Whisper servers: multipart with the recording as a WAV `file`, `model`,
//! optional `language` and `prompt`, and `response_format` `json`, `verbose_json` or `text`.

use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Deserialize;

use super::http::{self, Reply};
use super::multipart::Form;
use super::{BatchAudio, BatchStt, BatchTranscript};
use crate::stt::events::Word;
use crate::stt::events::secs;
use crate::{ProviderError, Timeouts, Usage};

const PROVIDER: &str = "openai-transcriptions";

/// Which `response_format` to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    /// `{"text","usage"}`; the only one the gpt-4o transcribe models accept.
    #[default]
    Json,
    /// Adds language, duration, segments and (with word granularity) words.
    VerboseJson,
    /// A plain-text body.
    Text,
}

impl ResponseFormat {
    fn as_str(self) -> &'static str {
        match self {
            ResponseFormat::Json => "json",
            ResponseFormat::VerboseJson => "verbose_json",
            ResponseFormat::Text => "text",
        }
    }
}

/// Settings of an OpenAI-compatible transcription endpoint.
#[derive(Clone)]
pub struct OpenAiTranscriptionConfig {
    /// Up to and including the API version, e.g. `https://api.openai.com/v1` or
    /// `http://127.0.0.1:8000/v1`; `/audio/transcriptions` is appended.
    pub base_url: String,
    /// `None` for servers without auth (no `Authorization` header is sent).
    pub api_key: Option<String>,
    /// e.g. `whisper-1`, `gpt-4o-mini-transcribe`, or the local server's model name.
    pub model: String,
    /// ISO-639-1, e.g. `en`.
    pub language: Option<String>,
    pub prompt: Option<String>,
    pub response_format: ResponseFormat,
    /// Ask for word timings (`timestamp_granularities[]=word`; needs `VerboseJson`).
    pub word_timestamps: bool,
    pub timeouts: Timeouts,
    /// Extra attempts after a 429, a 5xx or a lost connection (a transcription is safe to
    /// repeat). A `retry-after` longer than `max_retry_wait` is not waited for.
    pub retries: u32,
    pub max_retry_wait: Duration,
}

impl std::fmt::Debug for OpenAiTranscriptionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiTranscriptionConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("model", &self.model)
            .field("response_format", &self.response_format)
            .finish_non_exhaustive()
    }
}

impl OpenAiTranscriptionConfig {
    /// JSON responses, no language hint, default timeouts, one retry waiting at most 2 s.
    pub fn new(
        base_url: impl Into<String>,
        api_key: Option<String>,
        model: impl Into<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            model: model.into(),
            language: None,
            prompt: None,
            response_format: ResponseFormat::Json,
            word_timestamps: false,
            timeouts: Timeouts::default(),
            retries: 1,
            max_retry_wait: Duration::from_secs(2),
        }
    }
}

/// The client.
#[derive(Debug, Clone)]
pub struct OpenAiTranscriber {
    name: String,
    config: OpenAiTranscriptionConfig,
    http: reqwest::Client,
}

impl OpenAiTranscriber {
    pub fn new(config: OpenAiTranscriptionConfig) -> Self {
        Self {
            name: PROVIDER.to_owned(),
            http: http::client(&config.timeouts),
            config,
        }
    }

    /// The same client under another label (e.g. `groq`, `whisper-local`).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    async fn run(&self, audio: BatchAudio) -> Result<BatchTranscript, ProviderError> {
        let mut attempt = 0;
        loop {
            match self.attempt(&audio).await {
                Err(e) if attempt < self.config.retries && self.should_retry(&e) => {
                    if let ProviderError::RateLimited {
                        retry_after: Some(wait),
                        ..
                    } = e
                    {
                        tokio::time::sleep(wait).await;
                    }
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn should_retry(&self, error: &ProviderError) -> bool {
        match error {
            ProviderError::RateLimited { retry_after, .. } => {
                retry_after.is_none_or(|w| w <= self.config.max_retry_wait)
            }
            ProviderError::Upstream { .. } => true,
            _ => false,
        }
    }

    async fn attempt(&self, audio: &BatchAudio) -> Result<BatchTranscript, ProviderError> {
        let c = &self.config;
        let mut form = Form::new(&audio.wav);
        form.file("file", "audio.wav", "audio/wav", &audio.wav);
        form.text("model", &c.model);
        if let Some(language) = &c.language {
            form.text("language", language);
        }
        if let Some(prompt) = &c.prompt {
            form.text("prompt", prompt);
        }
        form.text("response_format", c.response_format.as_str());
        if c.word_timestamps {
            form.text("timestamp_granularities[]", "word");
        }
        let content_type = form.content_type();
        let url = format!("{}/audio/transcriptions", c.base_url.trim_end_matches('/'));
        let mut request = self
            .http
            .post(url)
            .header("content-type", content_type)
            .body(form.finish());
        if let Some(key) = &c.api_key {
            request = request.bearer_auth(key);
        }
        let reply = http::send(PROVIDER, request, &c.timeouts).await?;
        if !(200..300).contains(&reply.status) {
            return Err(error_from(&reply));
        }
        let mut transcript = parse(c.response_format, &reply)?;
        transcript.usage.audio_ms = audio.duration.as_millis() as u64;
        Ok(transcript)
    }
}

impl BatchStt for OpenAiTranscriber {
    fn name(&self) -> &str {
        &self.name
    }

    fn transcribe(
        &self,
        audio: BatchAudio,
    ) -> BoxFuture<'_, Result<BatchTranscript, ProviderError>> {
        Box::pin(self.run(audio))
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: String,
}

/// `{"error":{"message","type","param","code"}}` (digest §3.3) as a typed error.
fn error_from(reply: &Reply) -> ProviderError {
    let message = serde_json::from_slice::<ErrorBody>(&reply.body)
        .map(|b| b.error.message)
        .unwrap_or_else(|_| {
            String::from_utf8_lossy(&reply.body[..reply.body.len().min(300)]).into_owned()
        });
    ProviderError::from_http_status(
        PROVIDER,
        reply.status,
        http::retry_after(&reply.headers),
        message,
    )
}

#[derive(Deserialize)]
struct JsonBody {
    text: String,
    language: Option<String>,
    duration: Option<f64>,
    #[serde(default)]
    words: Vec<JsonWord>,
    usage: Option<JsonUsage>,
}

#[derive(Deserialize)]
struct JsonWord {
    word: String,
    start: f64,
    end: f64,
}

/// Token usage (gpt-4o models) or `{"type":"duration","seconds":…}` (whisper).
#[derive(Deserialize)]
struct JsonUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

fn parse(format: ResponseFormat, reply: &Reply) -> Result<BatchTranscript, ProviderError> {
    if format == ResponseFormat::Text {
        let text = String::from_utf8_lossy(&reply.body).trim().to_owned();
        return Ok(BatchTranscript {
            text,
            ..BatchTranscript::default()
        });
    }
    let body: JsonBody =
        serde_json::from_slice(&reply.body).map_err(|e| ProviderError::Protocol {
            provider: PROVIDER,
            message: format!("unreadable transcription: {e}"),
        })?;
    let usage = body.usage.map_or(Usage::default(), |u| Usage {
        input_tokens: u.input_tokens,
        output_tokens: u.output_tokens,
        ..Usage::default()
    });
    let words = body
        .words
        .into_iter()
        .map(|w| Word {
            word: w.word,
            punctuated_word: None,
            start: secs(w.start),
            end: secs(w.end),
            confidence: 1.0,
        })
        .collect();
    Ok(BatchTranscript {
        text: body.text.trim().to_owned(),
        confidence: None,
        language: body.language,
        duration: body.duration.map(secs),
        words,
        request_id: reply
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        usage,
    })
}
