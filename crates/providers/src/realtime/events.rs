//! What a realtime session reports, in the server's order.

use bytes::Bytes;

use crate::{ProviderError, Usage};

/// One event from the model. Fatal failures are not events: they end the stream as an `Err`.
#[derive(Debug)]
pub enum RealtimeEvent {
    /// The caller started talking: the barge-in signal. `audio_start_ms` counts from the
    /// first audio sent; `item_id` is the caller's new item.
    SpeechStarted {
        audio_start_ms: u64,
        item_id: String,
    },
    SpeechStopped {
        audio_end_ms: u64,
        item_id: String,
    },
    /// What the caller said, when input transcription is on.
    InputTranscript {
        item_id: String,
        text: String,
    },
    /// The model started a response.
    ResponseStarted {
        response_id: String,
    },
    /// Mu-law 8 kHz audio of the assistant item `item_id`, ready for the carrier.
    AudioDelta {
        item_id: String,
        audio: Bytes,
    },
    AudioDone {
        item_id: String,
    },
    /// A piece of the transcript of what the model is saying.
    OutputTranscriptDelta {
        item_id: String,
        text: String,
    },
    OutputTranscriptDone {
        item_id: String,
        text: String,
    },
    /// The model calls a tool; answer with `RealtimeInput::send_tool_result`.
    FunctionCall {
        call_id: String,
        name: String,
        /// JSON text, as the model wrote it.
        arguments: String,
    },
    /// The server cut the assistant item after a `truncate`.
    Truncated {
        item_id: String,
        audio_end_ms: u64,
    },
    ResponseDone {
        response_id: String,
        status: ResponseStatus,
        usage: TokenUsage,
    },
    /// The server refused something we sent; the session goes on.
    Error(ProviderError),
    /// The session ended after `RealtimeInput::close`; totals for metering.
    Closed {
        usage: Usage,
    },
}

/// How a response ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseStatus {
    Completed,
    /// With the server's reason: `turn_detected` (the caller talked over it) or
    /// `client_cancelled`.
    Cancelled {
        reason: Option<String>,
    },
    Failed,
    Incomplete {
        reason: Option<String>,
    },
    /// A status the digest does not list.
    Other(String),
}

impl ResponseStatus {
    pub(crate) fn parse(status: &str, reason: Option<String>) -> Self {
        match status {
            "completed" => ResponseStatus::Completed,
            "cancelled" => ResponseStatus::Cancelled { reason },
            "failed" => ResponseStatus::Failed,
            "incomplete" => ResponseStatus::Incomplete { reason },
            other => ResponseStatus::Other(other.to_owned()),
        }
    }
}

/// Tokens of one response, as `response.done` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub input_text_tokens: u64,
    pub input_audio_tokens: u64,
    pub cached_input_tokens: u64,
    pub output_text_tokens: u64,
    pub output_audio_tokens: u64,
}
