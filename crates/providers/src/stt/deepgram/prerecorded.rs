//! Deepgram prerecorded: `POST {base}/v1/listen?<options>` with the recording as the body
//! (digest §1.5). WAV is sent as `audio/wav`, so no `encoding`/`sample_rate` is needed.

use futures_util::future::BoxFuture;
use serde::Deserialize;
use url::Url;

use super::config::{DeepgramConfig, PROVIDER};
use super::errors;
use super::wire::Channel;
use crate::stt::batch::{BatchAudio, BatchStt, BatchTranscript, http};
use crate::stt::events::{Word, secs};
use crate::{ProviderError, Usage};

/// Recognition options of a prerecorded request.
#[derive(Debug, Clone, PartialEq)]
pub struct PrerecordedOptions {
    pub model: String,
    pub language: Option<String>,
    pub punctuate: bool,
    pub smart_format: bool,
    pub keywords: Vec<String>,
}

impl PrerecordedOptions {
    pub fn new(model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            language: None,
            punctuate: true,
            smart_format: true,
            keywords: Vec::new(),
        }
    }
}

/// The prerecorded client, a [`BatchStt`].
#[derive(Debug, Clone)]
pub struct DeepgramPrerecorded {
    name: String,
    config: DeepgramConfig,
    options: PrerecordedOptions,
    http: reqwest::Client,
}

impl DeepgramPrerecorded {
    pub fn new(config: DeepgramConfig, options: PrerecordedOptions) -> Self {
        Self {
            name: PROVIDER.to_owned(),
            http: http::client(&config.timeouts),
            config,
            options,
        }
    }

    fn url(&self) -> Result<Url, ProviderError> {
        // The live URL builder gives scheme and path; the query is the prerecorded one.
        let live = crate::stt::options::StreamOptions::phone(&self.options.model);
        let mut url = self.config.listen_url(&live, false)?;
        url.set_query(None);
        let o = &self.options;
        let bool_str = |b: bool| if b { "true" } else { "false" };
        let mut q = url.query_pairs_mut();
        q.append_pair("model", &o.model);
        if let Some(language) = &o.language {
            q.append_pair("language", language);
        }
        q.append_pair("punctuate", bool_str(o.punctuate));
        q.append_pair("smart_format", bool_str(o.smart_format));
        for keyword in &o.keywords {
            q.append_pair("keywords", keyword);
        }
        drop(q);
        Ok(url)
    }

    async fn run(&self, audio: BatchAudio) -> Result<BatchTranscript, ProviderError> {
        let request = self
            .http
            .post(self.url()?)
            .header("authorization", self.config.authorization())
            .header("content-type", "audio/wav")
            .body(audio.wav.clone());
        let reply = http::send(PROVIDER, request, &self.config.timeouts).await?;
        if !(200..300).contains(&reply.status) {
            let message = errors::explanation(&reply.headers, &reply.body);
            return Err(errors::from_status(
                reply.status,
                http::retry_after(&reply.headers),
                message,
            ));
        }
        let body: Response =
            serde_json::from_slice(&reply.body).map_err(|e| ProviderError::Protocol {
                provider: PROVIDER,
                message: format!("unreadable response: {e}"),
            })?;
        let best = body
            .results
            .channels
            .into_iter()
            .next()
            .and_then(|c| c.alternatives.into_iter().next());
        let (text, confidence, words) = match best {
            Some(a) => (
                a.transcript,
                Some(a.confidence),
                a.words
                    .into_iter()
                    .map(|w| w.into_word())
                    .collect::<Vec<Word>>(),
            ),
            None => (String::new(), None, Vec::new()),
        };
        Ok(BatchTranscript {
            text,
            confidence,
            language: None,
            duration: Some(secs(body.metadata.duration)),
            words,
            request_id: Some(body.metadata.request_id).filter(|id| !id.is_empty()),
            usage: Usage {
                audio_ms: audio.duration.as_millis() as u64,
                ..Usage::default()
            },
        })
    }
}

impl BatchStt for DeepgramPrerecorded {
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
struct Response {
    metadata: ResponseMetadata,
    results: ResponseResults,
}

#[derive(Deserialize)]
struct ResponseMetadata {
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    duration: f64,
}

#[derive(Deserialize)]
struct ResponseResults {
    #[serde(default)]
    channels: Vec<Channel>,
}
