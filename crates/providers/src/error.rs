//! The one error type of the provider layer. Messages never carry keys or tokens: a client
//! builds them from status codes and the provider's own error text, never from its request.

use std::time::Duration;

/// Which phase of a provider call ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Opening the connection (TCP, TLS, WebSocket upgrade).
    Connect,
    /// Waiting for the first byte, token or audio after the request.
    FirstByte,
    /// A gap between two pieces of a stream.
    Idle,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The key was refused (401/403). Not retried.
    #[error("{provider}: the API key was refused ({status})")]
    Auth { provider: &'static str, status: u16 },
    /// Too many requests (429); `retry_after` is the provider's hint when it gave one.
    #[error("{provider}: rate limited")]
    RateLimited {
        provider: &'static str,
        retry_after: Option<Duration>,
    },
    /// The provider rejected the request itself (4xx other than the above). Not retried.
    #[error("{provider}: bad request ({status}): {message}")]
    BadRequest {
        provider: &'static str,
        status: u16,
        message: String,
    },
    /// The provider failed or is unreachable (5xx, connection refused, dropped stream). Safe to
    /// fall back to the next provider.
    #[error("{provider}: upstream unavailable: {message}")]
    Upstream {
        provider: &'static str,
        message: String,
    },
    #[error("{provider}: timed out ({phase:?}, after {after:?})")]
    Timeout {
        provider: &'static str,
        phase: Phase,
        after: Duration,
    },
    /// The provider answered something we could not understand.
    #[error("{provider}: protocol error: {message}")]
    Protocol {
        provider: &'static str,
        message: String,
    },
    /// Our side cancelled (barge-in, hang-up); not a provider fault.
    #[error("cancelled")]
    Cancelled,
}

impl ProviderError {
    /// The error for a refused HTTP request or WebSocket upgrade, by status: 401/403 is auth,
    /// 429 a rate limit, 408/409/5xx the provider's trouble (worth a retry or the next
    /// provider), any other 4xx our request. `message` is the provider's own explanation.
    pub fn from_http_status(
        provider: &'static str,
        status: u16,
        retry_after: Option<Duration>,
        message: String,
    ) -> Self {
        match status {
            401 | 403 => ProviderError::Auth { provider, status },
            429 => ProviderError::RateLimited {
                provider,
                retry_after,
            },
            408 | 409 | 500.. => ProviderError::Upstream {
                provider,
                message: format!("HTTP {status}: {message}"),
            },
            400..=499 => ProviderError::BadRequest {
                provider,
                status,
                message,
            },
            _ => ProviderError::Protocol {
                provider,
                message: format!("unexpected HTTP status {status}"),
            },
        }
    }

    /// Whether trying again (or the next provider in a chain) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Upstream { .. }
                | ProviderError::Timeout { .. }
        )
    }
}
