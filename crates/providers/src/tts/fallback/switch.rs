use std::time::Duration;

use crate::Usage;

/// One move from a provider to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct FallbackSwitch {
    /// The provider that failed.
    pub from: &'static str,
    /// The provider that took over.
    pub to: &'static str,
    pub reason: SwitchReason,
    /// Whether the failed provider had already delivered audio in this stream (then the
    /// text it had been given up to its last flush is not repeated by the next one).
    pub audio_delivered: bool,
    /// Characters of text handed again to the provider that took over.
    pub replayed_chars: u64,
    /// What the failed provider used before failing (characters given, audio delivered).
    pub from_usage: Usage,
}

/// Why a provider was left.
#[derive(Debug, Clone, PartialEq)]
pub enum SwitchReason {
    /// It could not open a stream (connect failed, refused, timed out).
    OpenFailed(String),
    /// Its stream failed (the error's text; it carries no secret).
    Failed(String),
    /// It did not deliver audio within the chain's first-byte budget.
    FirstByteBudget(Duration),
}

impl std::fmt::Display for SwitchReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SwitchReason::OpenFailed(e) => write!(f, "open failed: {e}"),
            SwitchReason::Failed(e) => write!(f, "failed: {e}"),
            SwitchReason::FirstByteBudget(budget) => write!(f, "no audio within {budget:?}"),
        }
    }
}
