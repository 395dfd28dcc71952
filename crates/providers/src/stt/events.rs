//! What a streaming transcription reports, provider-neutral. Times are offsets into the
//! stream's audio (not wall-clock), as the providers report them.

use std::time::Duration;

use crate::Usage;

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub word: String,
    /// The word with casing and punctuation, when the provider formats.
    pub punctuated_word: Option<String>,
    pub start: Duration,
    pub end: Duration,
    pub confidence: f32,
}

/// A partial or final transcript of `[start, start + duration)` of the audio.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// Best alternative's text; may be empty.
    pub text: String,
    pub confidence: f32,
    pub start: Duration,
    pub duration: Duration,
    /// `false`: a partial that may still change. `true`: the text of this span is fixed.
    pub is_final: bool,
    /// Endpointing fired: the caller stopped speaking. Implies `is_final`.
    pub speech_final: bool,
    /// This final answers a `Finalize`.
    pub from_finalize: bool,
    pub channel: u32,
    /// Empty when the provider gives no word timings.
    pub words: Vec<Word>,
}

/// End-of-stream metadata (Deepgram sends it after `CloseStream`).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMetadata {
    pub request_id: String,
    /// Audio the provider processed, by its own count.
    pub duration: Duration,
    pub channels: u32,
}

/// Which provider failed, why, and which one took over; see [`crate::stt::FallbackStt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSwitch {
    pub failed: String,
    pub reason: String,
    /// `None` when the chain was exhausted.
    pub took_over: Option<String>,
    /// Audio position of the stream when the switch happened.
    pub at_audio: Duration,
}

/// One event of a streaming transcription, in the order the provider sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum SttEvent {
    Transcript(Transcript),
    /// The provider heard speech begin at `timestamp` (needs `vad_events`).
    SpeechStarted {
        channel: u32,
        timestamp: Duration,
    },
    /// A gap of `utterance_end_ms` followed the last finalised word, which ended at `last_word_end`.
    UtteranceEnd {
        channel: u32,
        last_word_end: Duration,
    },
    Metadata(StreamMetadata),
    /// A fallback chain moved to another provider; the stream goes on.
    ProviderSwitched(ProviderSwitch),
    /// The stream ended normally. `usage.audio_ms` is the audio we sent.
    Closed {
        usage: Usage,
    },
}

/// Seconds as providers send them; negative or absurd values become zero rather than a panic.
pub(crate) fn secs(value: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or_default()
}
