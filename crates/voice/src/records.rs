//! What a conversation leaves behind, as it happens: transcript entries, each turn's latency
//! breakdown, provider costs and timeline events.
//!
//! The engine sends [`CallRecord`]s on a bounded channel ([`RecordSink`]) with `try_send`,
//! so a slow database never holds up a call; the server drains the channel into the store.
//! Entries are keyed so that writing one twice (a retry, an agent entry truncated after a
//! barge-in) replaces it rather than adding another.

use tokio::sync::mpsc;

/// How many records may wait for the store before new ones are dropped (and counted).
pub const RECORD_CAPACITY: usize = 256;

/// Who spoke a transcript entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Agent,
    Caller,
}

impl Speaker {
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Caller => "caller",
        }
    }
}

/// One transcript entry. `seq` orders entries within the call and is the key: a later record
/// with the same `seq` replaces the earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptEntry {
    pub seq: u32,
    pub speaker: Speaker,
    /// For an interrupted agent entry: only what the caller heard.
    pub text: String,
    /// Offsets from the start of the call's media stream.
    pub start_ms: u64,
    pub end_ms: u64,
    /// The caller talked over this agent entry and it was cut short.
    pub interrupted: bool,
}

/// The latency breakdown of one agent turn, each stage in ms after the end of the caller's
/// speech was detected. A stage the turn never reached (or that does not apply, such as STT
/// for a greeting) is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TurnLatency {
    pub turn: u32,
    /// Offset of the detected end of the caller's speech from the start of the stream.
    pub speech_end_at_ms: Option<u64>,
    pub stt_final_ms: Option<u32>,
    pub llm_first_token_ms: Option<u32>,
    pub first_clause_ms: Option<u32>,
    pub tts_first_byte_ms: Option<u32>,
    pub first_audio_ms: Option<u32>,
}

/// What a provider's use is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostUnit {
    AudioMs,
    InputTokens,
    OutputTokens,
    Characters,
}

impl CostUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            CostUnit::AudioMs => "audio_ms",
            CostUnit::InputTokens => "input_tokens",
            CostUnit::OutputTokens => "output_tokens",
            CostUnit::Characters => "characters",
        }
    }
}

/// One provider use, priced from the provider's configuration: `cost_micros` is
/// `units * unit_price_micros / per_units`, rounded half up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostRecord {
    /// The configured provider's name (e.g. `deepgram`, `openai`).
    pub provider: String,
    /// The role: `stt`, `llm`, `tts` or `s2s`.
    pub role: &'static str,
    pub unit: CostUnit,
    pub units: u64,
    pub unit_price_micros: u64,
    pub per_units: u64,
}

/// A moment on the call's timeline that is not a transcript entry: a barge-in, a provider
/// switch, a tool call, a reprompt, the duration warning, the hang-up.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// Offset from the start of the stream.
    pub at_ms: u64,
    /// A short snake_case name, e.g. `barge_in`, `provider_switched`, `tool_called`.
    pub kind: &'static str,
    /// Details; a JSON object as text.
    pub data: String,
}

/// Everything the engine records about a call.
#[derive(Debug, Clone, PartialEq)]
pub enum CallRecord {
    Transcript(TranscriptEntry),
    Latency(TurnLatency),
    Cost(CostRecord),
    Event(TimelineEvent),
}

/// The engine's end of the record channel. Never waits: when the store falls
/// [`RECORD_CAPACITY`] behind, records are dropped and counted.
#[derive(Debug, Clone)]
pub struct RecordSink {
    tx: Option<mpsc::Sender<CallRecord>>,
    dropped: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RecordSink {
    /// A sink and the receiver the store's writer drains.
    pub fn channel() -> (Self, mpsc::Receiver<CallRecord>) {
        let (tx, rx) = mpsc::channel(RECORD_CAPACITY);
        let sink = RecordSink {
            tx: Some(tx),
            dropped: Default::default(),
        };
        (sink, rx)
    }

    /// A sink that records nothing (diagnostics, tests that do not look).
    pub fn discard() -> Self {
        RecordSink {
            tx: None,
            dropped: Default::default(),
        }
    }

    pub fn record(&self, record: CallRecord) {
        if let Some(tx) = &self.tx
            && tx.try_send(record).is_err()
        {
            let before = self
                .dropped
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if before == 0 {
                tracing::warn!(
                    "call records are not being stored fast enough; dropped (logged once)"
                );
            }
        }
    }

    /// Records dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(std::sync::atomic::Ordering::Relaxed)
    }
}
