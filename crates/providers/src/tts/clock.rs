//! When a stream is owed audio: the first-byte and idle deadlines every driver enforces.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::Phase;
use crate::{ProviderError, Timeouts};

/// Tracks one stream's deadlines.
///
/// * First byte: armed by the first request for generation (a flush or the end of input;
///   text alone may sit in the provider's buffer by design), cleared by the first audio.
/// * Idle: after the first audio, armed while the provider owes us audio (input closed, or a
///   flush not yet acknowledged), reset by every chunk. Gaps while the LLM is still thinking
///   never count against the provider.
#[derive(Debug)]
pub(crate) struct AudioClock {
    timeouts: Timeouts,
    requested_at: Option<Instant>,
    last_audio: Option<Instant>,
    owed: bool,
}

impl AudioClock {
    pub fn new(timeouts: Timeouts) -> Self {
        Self {
            timeouts,
            requested_at: None,
            last_audio: None,
            owed: false,
        }
    }

    /// Generation was requested (flush, end of input, an HTTP request sent).
    pub fn requested(&mut self) {
        if self.requested_at.is_none() {
            self.requested_at = Some(Instant::now());
        }
        self.owed = true;
        if let Some(last) = self.last_audio.as_mut() {
            // Idle counts from the request when audio had already stopped.
            *last = (*last).max(Instant::now());
        }
    }

    /// A flush the provider never acknowledges (ElevenLabs): it arms the first-byte deadline
    /// but not the idle one, since we cannot tell when the flushed audio is complete.
    pub fn flushed_unacknowledged(&mut self) {
        if self.requested_at.is_none() {
            self.requested_at = Some(Instant::now());
        }
    }

    pub fn audio(&mut self) {
        self.last_audio = Some(Instant::now());
    }

    /// Nothing more is owed for now (a flush acknowledged, a segment finished).
    pub fn settled(&mut self) {
        self.owed = false;
    }

    /// The next deadline, if one is armed.
    pub fn deadline(&self) -> Option<(Instant, Phase)> {
        match (self.last_audio, self.requested_at) {
            (None, Some(at)) => Some((at + self.timeouts.first_byte, Phase::FirstByte)),
            (Some(last), _) if self.owed => Some((last + self.timeouts.idle, Phase::Idle)),
            _ => None,
        }
    }

    pub fn timeout_error(&self, provider: &'static str, phase: Phase) -> ProviderError {
        let after = match phase {
            Phase::Connect => self.timeouts.connect,
            Phase::FirstByte => self.timeouts.first_byte,
            Phase::Idle => self.timeouts.idle,
        };
        ProviderError::Timeout {
            provider,
            phase,
            after,
        }
    }
}

/// Sleeps until the deadline, or forever when there is none (for `select!`).
pub(crate) async fn sleep_until(deadline: Option<(Instant, Phase)>) -> Phase {
    match deadline {
        Some((at, phase)) => {
            tokio::time::sleep_until(at).await;
            phase
        }
        None => std::future::pending().await,
    }
}

/// A short bound for polite goodbyes (close frames) so a dead peer cannot stall a cancel.
pub(crate) const GOODBYE: Duration = Duration::from_millis(250);
