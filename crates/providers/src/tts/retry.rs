//! Retrying is safe only before a stream delivered any audio (a retry after that would repeat
//! words to the caller), so clients retry the connect or request that *starts* a stream, and
//! only for errors that may pass (rate limits, upstream failures, timeouts).

use std::future::Future;
use std::time::Duration;

use crate::ProviderError;

/// How a client retries the start of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Extra attempts after the first (0: never retry).
    pub retries: u32,
    /// Wait before a retry when the provider gave no `retry-after`.
    pub backoff: Duration,
    /// A `retry-after` longer than this is not waited for: the error goes up so a fallback
    /// chain can move on (a caller is waiting).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 1,
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    pub fn never() -> Self {
        Self {
            retries: 0,
            ..Self::default()
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries are spent.
    pub(crate) async fn run<T, F, Fut>(&self, mut attempt: F) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let mut left = self.retries;
        loop {
            let error = match attempt().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let wait = match &error {
                ProviderError::RateLimited {
                    retry_after: Some(after),
                    ..
                } => *after,
                _ => self.backoff,
            };
            if left == 0 || !error.is_retryable() || wait > self.max_wait {
                return Err(error);
            }
            left -= 1;
            tracing::debug!(%error, ?wait, "retrying the start of a TTS stream");
            tokio::time::sleep(wait).await;
        }
    }
}
