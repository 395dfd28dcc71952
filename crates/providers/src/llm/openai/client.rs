//! [`OpenAiChat`]: the client object, one HTTP exchange, and the non-streaming call.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

use super::body;
use super::config::OpenAiConfig;
use super::errors::{self, Failure};
use super::reply;
use super::stream::Driver;
use crate::ProviderError;
use crate::error::Phase;
use crate::llm::model::{ChatModel, ChatStream};
use crate::llm::types::{ChatRequest, ChatResponse};

/// A configuration the client cannot be built from (a header that is not a valid HTTP header).
#[derive(Debug, thiserror::Error)]
#[error("invalid LLM client configuration: {0}")]
pub struct ConfigError(String);

/// An OpenAI-compatible chat model. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct OpenAiChat {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub config: OpenAiConfig,
    http: reqwest::Client,
    url: String,
    headers: HeaderMap,
    label: String,
}

impl std::fmt::Debug for OpenAiChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiChat")
            .field("label", &self.inner.label)
            .field("config", &self.inner.config)
            .finish()
    }
}

impl OpenAiChat {
    pub fn new(config: OpenAiConfig) -> Result<Self, ConfigError> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in &config.extra_headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError(format!("header name {name:?}")))?;
            // The value may be a secret too: never echo it.
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| ConfigError(format!("value of header {name}")))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        if let Some(key) = &config.api_key {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}"))
                .map_err(|_| ConfigError("API key has invalid characters".into()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect)
            .build()
            .map_err(|e| ConfigError(format!("HTTP client: {e}")))?;
        let url = format!("{}/chat/completions", config.base_url.trim_end_matches('/'));
        let label = config
            .label
            .clone()
            .unwrap_or_else(|| format!("{}:{}", config.flavor.provider(), config.model));
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                url,
                headers,
                label,
            }),
        })
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.inner.config
    }
}

impl Inner {
    pub fn provider(&self) -> &'static str {
        self.config.flavor.provider()
    }

    pub fn scrub(&self, error: ProviderError) -> ProviderError {
        errors::scrub(error, self.config.api_key.as_deref())
    }

    /// Sends one request and waits for a 2xx response's headers until `deadline`.
    pub async fn send(
        &self,
        body: &[u8],
        deadline: Instant,
        cancel: &CancellationToken,
    ) -> Result<reqwest::Response, Failure> {
        let provider = self.provider();
        let request = self
            .http
            .post(&self.url)
            .headers(self.headers.clone())
            .body(body.to_vec())
            .send();
        let response = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Failure::fatal(ProviderError::Cancelled)),
            sent = timeout_at(deadline, request) => match sent {
                Err(_) => return Err(self.timeout(Phase::FirstByte)),
                Ok(Err(e)) => return Err(errors::from_transport(provider, &e, self.config.timeouts.connect)),
                Ok(Ok(response)) => response,
            },
        };
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let idle = Instant::now() + self.config.timeouts.idle;
        let text = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Failure::fatal(ProviderError::Cancelled)),
            body = timeout_at(idle, response.bytes()) => body.ok().and_then(Result::ok).unwrap_or_default(),
        };
        tracing::debug!(provider, status = status.as_u16(), "chat request refused");
        Err(errors::from_status(
            provider,
            status.as_u16(),
            &headers,
            &text,
        ))
    }

    pub fn timeout(&self, phase: Phase) -> Failure {
        let timeouts = self.config.timeouts;
        let after = match phase {
            Phase::Connect => timeouts.connect,
            Phase::FirstByte => timeouts.first_byte,
            Phase::Idle => timeouts.idle,
        };
        let error = ProviderError::Timeout {
            provider: self.provider(),
            phase,
            after,
        };
        Failure {
            error,
            retry: self.config.retry.retry_timeouts,
            retry_after: None,
        }
    }

    /// The wait before trying again after `failure` on attempt `attempt`, or `None` to give up.
    pub fn retry_wait(&self, attempt: u32, failure: &Failure) -> Option<Duration> {
        let policy = &self.config.retry;
        if !failure.retry || attempt >= policy.max_attempts {
            return None;
        }
        policy.backoff(attempt, failure.retry_after)
    }

    async fn complete(
        self: Arc<Self>,
        request: ChatRequest,
        cancel: CancellationToken,
    ) -> Result<ChatResponse, ProviderError> {
        let body = serde_json::to_vec(&body::build(&self.config, &request, false))
            .expect("a JSON value serializes");
        let mut attempt = 0;
        loop {
            attempt += 1;
            let failure = match self.complete_once(&body, &cancel).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let Some(wait) = self.retry_wait(attempt, &failure) else {
                return Err(self.scrub(failure.error));
            };
            tracing::debug!(
                provider = self.provider(),
                attempt,
                ?wait,
                "retrying chat request"
            );
            tokio::select! {
                () = cancel.cancelled() => return Err(ProviderError::Cancelled),
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn complete_once(
        &self,
        body: &[u8],
        cancel: &CancellationToken,
    ) -> Result<ChatResponse, Failure> {
        let response = self
            .send(
                body,
                Instant::now() + self.config.timeouts.first_byte,
                cancel,
            )
            .await?;
        let deadline = Instant::now() + self.config.timeouts.idle;
        let bytes = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Failure::fatal(ProviderError::Cancelled)),
            bytes = timeout_at(deadline, response.bytes()) => match bytes {
                Err(_) => return Err(self.timeout(Phase::Idle)),
                Ok(Err(e)) => return Err(errors::from_transport(self.provider(), &e, self.config.timeouts.connect)),
                Ok(Ok(bytes)) => bytes,
            },
        };
        reply::parse_completion(self.provider(), &bytes).map_err(Failure::fatal)
    }
}

impl ChatModel for OpenAiChat {
    fn name(&self) -> &str {
        &self.inner.label
    }

    fn stream(&self, request: &ChatRequest, cancel: CancellationToken) -> ChatStream {
        let body = serde_json::to_vec(&body::build(&self.inner.config, request, true))
            .expect("a JSON value serializes");
        Driver::new(self.inner.clone(), body, cancel).into_stream()
    }

    fn complete(
        &self,
        request: &ChatRequest,
        cancel: CancellationToken,
    ) -> BoxFuture<'static, Result<ChatResponse, ProviderError>> {
        Box::pin(self.inner.clone().complete(request.clone(), cancel))
    }
}
