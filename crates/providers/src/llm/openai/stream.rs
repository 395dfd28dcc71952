//! The streamed reply as a state machine polled by the consumer: no task is spawned, so
//! dropping the stream drops the HTTP response and closes the connection at once.
//!
//! Time limits: the first event must arrive within `first_byte` of sending (a role-only chunk
//! or `: ping` does not count); after that each data event must follow the last within `idle`
//! (comments do not reset it, so a server that only pings still times out). Retries happen only
//! while nothing has reached the consumer.

use std::collections::VecDeque;
use std::sync::Arc;

use futures_util::stream;
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

use super::client::Inner;
use super::errors::{self, Failure};
use super::reply::{Step, Turn};
use super::sse::SseDecoder;
use crate::ProviderError;
use crate::error::Phase;
use crate::llm::model::ChatStream;
use crate::llm::types::ChatEvent;

/// The longest [`Driver::drain`] waits for the end of a finished body.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_millis(50);

struct Open {
    response: reqwest::Response,
    decoder: SseDecoder,
    turn: Turn,
    last_data: Instant,
}

pub(super) struct Driver {
    inner: Arc<Inner>,
    body: Vec<u8>,
    cancel: CancellationToken,
    attempt: u32,
    open: Option<Open>,
    first_deadline: Instant,
    pending: VecDeque<ChatEvent>,
    /// An event has reached the consumer: from now on nothing is retried.
    delivered: bool,
    /// The error to yield once `pending` is drained.
    failed: Option<ProviderError>,
    done: bool,
}

impl Driver {
    pub fn new(inner: Arc<Inner>, body: Vec<u8>, cancel: CancellationToken) -> Self {
        Self {
            inner,
            body,
            cancel,
            attempt: 0,
            open: None,
            first_deadline: Instant::now(),
            pending: VecDeque::new(),
            delivered: false,
            failed: None,
            done: false,
        }
    }

    pub fn into_stream(self) -> ChatStream {
        Box::pin(stream::unfold(self, |mut driver| async move {
            let item = driver.next().await?;
            Some((item, driver))
        }))
    }

    async fn next(&mut self) -> Option<Result<ChatEvent, ProviderError>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                self.delivered = true;
                return Some(Ok(event));
            }
            if let Some(error) = self.failed.take() {
                self.done = true;
                return Some(Err(error));
            }
            if self.done {
                self.drain().await;
                return None;
            }
            if let Err(failure) = self.advance().await {
                self.open = None;
                match self.retry_wait(&failure) {
                    Some(wait) => {
                        tracing::debug!(
                            provider = self.inner.provider(),
                            attempt = self.attempt,
                            ?wait,
                            "retrying chat stream"
                        );
                        self.pending.clear();
                        let cancelled = tokio::select! {
                            () = self.cancel.cancelled() => true,
                            () = tokio::time::sleep(wait) => false,
                        };
                        if cancelled {
                            self.failed = Some(ProviderError::Cancelled);
                        }
                    }
                    None => self.failed = Some(self.inner.scrub(failure.error)),
                }
            }
        }
    }

    /// After `[DONE]`, reads what is left of the body (normally just the chunked-encoding end,
    /// already here) so the connection goes back to the pool and the next turn skips the TCP
    /// and TLS handshakes. Bounded: a server that keeps the body open is simply dropped.
    async fn drain(&mut self) {
        let Some(mut open) = self.open.take() else {
            return;
        };
        let rest = async { while let Ok(Some(_)) = open.response.chunk().await {} };
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => {}
            _ = tokio::time::timeout(DRAIN_LIMIT, rest) => {}
        }
    }

    fn retry_wait(&self, failure: &Failure) -> Option<std::time::Duration> {
        if self.delivered || !self.pending.is_empty() {
            return None;
        }
        self.inner.retry_wait(self.attempt, failure)
    }

    /// One step: connect, or read one piece of the body.
    async fn advance(&mut self) -> Result<(), Failure> {
        let Some(open) = self.open.as_mut() else {
            self.attempt += 1;
            self.first_deadline = Instant::now() + self.inner.config.timeouts.first_byte;
            let response = self
                .inner
                .send(&self.body, self.first_deadline, &self.cancel)
                .await?;
            let turn = Turn::new(self.inner.provider());
            self.open = Some(Open {
                response,
                decoder: SseDecoder::default(),
                turn,
                last_data: Instant::now(),
            });
            return Ok(());
        };
        let (deadline, phase) = if self.delivered {
            (
                open.last_data + self.inner.config.timeouts.idle,
                Phase::Idle,
            )
        } else {
            (self.first_deadline, Phase::FirstByte)
        };
        let chunk = tokio::select! {
            biased;
            () = self.cancel.cancelled() => return Err(Failure::fatal(ProviderError::Cancelled)),
            chunk = timeout_at(deadline, open.response.chunk()) => chunk,
        };
        let provider = self.inner.provider();
        let mut data = Vec::new();
        let finished = match chunk {
            Err(_) => return Err(self.inner.timeout(phase)),
            Ok(Err(e)) => {
                return Err(errors::from_transport(
                    provider,
                    &e,
                    self.inner.config.timeouts.connect,
                ));
            }
            Ok(Ok(Some(bytes))) => {
                open.decoder
                    .feed(&bytes, &mut data)
                    .map_err(|e| sse_failure(provider, e))?;
                false
            }
            Ok(Ok(None)) => {
                open.decoder
                    .finish(&mut data)
                    .map_err(|e| sse_failure(provider, e))?;
                true
            }
        };
        if !data.is_empty() {
            open.last_data = Instant::now();
        }
        for item in &data {
            if open
                .turn
                .on_data(item, &mut self.pending)
                .map_err(stream_failure)?
                == Step::Done
            {
                // Keep the response: `drain` reads its last bytes so the connection is reused.
                self.done = true;
                return Ok(());
            }
        }
        if finished {
            if !open.turn.finished() {
                let message = "the stream ended before the reply finished".to_owned();
                return Err(Failure {
                    error: ProviderError::Upstream { provider, message },
                    retry: true,
                    retry_after: None,
                });
            }
            // Lenient: a server that ends the body after the finish reason without `[DONE]`.
            open.turn.end(&mut self.pending).map_err(Failure::fatal)?;
            self.done = true;
            self.open = None;
        }
        Ok(())
    }
}

fn sse_failure(provider: &'static str, error: super::sse::SseError) -> Failure {
    Failure::fatal(ProviderError::Protocol {
        provider,
        message: format!("bad event stream: {error:?}"),
    })
}

/// An error the server put in the stream: retryable when it is one the server may get over.
fn stream_failure(error: ProviderError) -> Failure {
    let retry = error.is_retryable();
    Failure {
        error,
        retry,
        retry_after: None,
    }
}
