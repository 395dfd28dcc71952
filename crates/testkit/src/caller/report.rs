//! What a call observed. Every `*_at` is wall time since the caller sent `connected`
//! (tokio's monotonic clock), so it is comparable across the fields of one report.

use std::time::Duration;

use super::error::CallerError;
use super::recording::Recording;

/// The outcome of [`SimulatedCaller::run`](super::SimulatedCaller::run): a report once the
/// socket was open, an error if it never opened.
pub type CallResult = Result<CallReport, CallerError>;

/// Everything one call saw and measured.
#[derive(Debug, Clone)]
pub struct CallReport {
    pub stream_sid: String,
    pub call_sid: String,
    pub ended_by: CallEnd,
    /// TCP connect plus WebSocket upgrade.
    pub connect_time: Duration,
    /// From `connected` to the end of the call.
    pub duration: Duration,
    /// Media frames the caller sent.
    pub frames_sent: u64,
    pub dtmf_sent: u64,
    /// Valid `media` frames the server sent.
    pub frames_received: u64,
    /// Agent audio received, in mu-law bytes (8 per ms).
    pub agent_audio_bytes: u64,
    /// Every server `mark`, in arrival order, with when it was echoed.
    pub marks: Vec<MarkRecord>,
    pub clears: Vec<ClearRecord>,
    /// What Twilio would have reported as error 31924.
    pub protocol_errors: Vec<ProtocolError>,
    /// One per caller utterance (`Say` and spoken `BargeIn` steps), in order.
    pub turns: Vec<TurnTiming>,
    /// One per `BargeIn` step that spoke.
    pub barge_ins: Vec<BargeInTiming>,
    /// Indices (in the script) of `WaitForAgent` / `BargeIn` steps that gave up.
    pub timed_out_steps: Vec<usize>,
    pub pacing: PacingStats,
    /// How punctually the server's audio arrived.
    pub outbound: OutboundPacing,
    /// The server's close frame, if one came: on its own initiative
    /// ([`CallEnd::ServerClosed`]) or answering the caller's.
    pub server_close: Option<CloseRecord>,
    /// The agent's audio as played.
    pub recording: Recording,
}

impl CallReport {
    /// Marks that were echoed (after playing or on a `clear`).
    pub fn marks_echoed(&self) -> usize {
        self.marks.iter().filter(|m| m.echoed_at.is_some()).count()
    }

    /// [`TurnTiming::latency`] of every answered turn.
    pub fn turn_latencies(&self) -> Vec<Duration> {
        self.turns.iter().filter_map(TurnTiming::latency).collect()
    }
}

/// Why the call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEnd {
    /// The script finished (or said `Hangup`): the caller sent `stop` and closed.
    HungUp,
    /// The server sent a close frame (see [`CallReport::server_close`]).
    ServerClosed,
    /// The connection failed or ended without a close frame.
    ConnectionLost(String),
    /// [`CallerConfig::call_timeout`](super::CallerConfig) passed; the caller sent `stop`
    /// and closed.
    TimedOut,
    /// [`CallerConfig::stop`](super::CallerConfig) was cancelled (the carrier ended or
    /// redirected the call); the caller sent `stop` and closed.
    Stopped,
}

/// A close frame from the server. A close without a status reads as code 1005, as RFC 6455
/// reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseRecord {
    pub code: u16,
    pub reason: String,
    pub at: Duration,
}

/// A server `mark` and its echo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkRecord {
    pub name: String,
    pub received_at: Duration,
    /// `None` if the call ended first.
    pub echoed_at: Option<Duration>,
    /// Echoed because a `clear` dropped its audio rather than because the audio played.
    pub cleared: bool,
}

/// A server `clear`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearRecord {
    pub at: Duration,
    /// Queued agent audio that never played, in call time.
    pub dropped: Duration,
}

/// A server frame Twilio would have rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    pub at: Duration,
    pub violation: ProtocolViolation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolViolation {
    /// An `event` other than `media`, `mark` or `clear`.
    UnknownEvent(String),
    /// Not JSON, or a documented field missing or mistyped.
    Malformed(String),
    /// A `media.payload` that is not base64.
    BadPayload(String),
    /// A `media.payload` that starts with a RIFF (WAV) header: Twilio wants raw mu-law.
    FileHeader,
    /// A `streamSid` other than this stream's.
    WrongStreamSid(String),
    /// A binary WebSocket frame (Twilio speaks JSON text only); its length.
    BinaryFrame(usize),
}

/// One caller utterance and how long the agent took to answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnTiming {
    /// Index of the step in the script.
    pub step: usize,
    /// When the frame holding the last speech was sent.
    pub speech_end_at: Duration,
    /// The first agent `media` frame received after that, if any came before the caller's
    /// next utterance ended. (Audio from an earlier answer still streaming in counts: the
    /// caller cannot tell it apart.)
    pub agent_audio_at: Option<Duration>,
}

impl TurnTiming {
    /// End of caller speech to first agent audio. Includes the server's end-of-turn wait
    /// (its VAD hangover), which is part of what a caller experiences.
    pub fn latency(&self) -> Option<Duration> {
        Some(self.agent_audio_at? - self.speech_end_at)
    }
}

/// One scripted barge-in and how long the server took to stop talking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BargeInTiming {
    pub step: usize,
    /// When the frame holding the first speech was sent.
    pub onset_at: Duration,
    /// The first `clear` received after that.
    pub clear_at: Option<Duration>,
    /// When the caller stopped hearing the agent after the onset: its queued audio ran out
    /// (the server stopped sending) or a `clear` dropped it.
    pub silenced_at: Option<Duration>,
}

impl BargeInTiming {
    /// Caller speech onset to `clear` received (DESIGN §9 budget: 150 ms).
    pub fn latency(&self) -> Option<Duration> {
        Some(self.clear_at? - self.onset_at)
    }

    /// Caller speech onset to the agent falling silent in the caller's ear.
    pub fn silence_latency(&self) -> Option<Duration> {
        Some(self.silenced_at?.saturating_sub(self.onset_at))
    }
}

/// How punctually media frames went out against their schedule (paced modes only; zero
/// when unpaced). Lateness shows an overloaded test machine, not a slow server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacingStats {
    pub max_lateness: Duration,
    pub mean_lateness: Duration,
    /// Frames more than one frame (20 ms wall) late.
    pub late_frames: u64,
}

/// The server's outbound pacing (see the caller's `outbound` module): every agent frame is
/// due when the audio before it in its segment has played; one that arrives later leaves a
/// gap the caller hears.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPacing {
    /// Agent media frames received.
    pub frames: u64,
    /// The lateness of each frame that arrived after it was due (the others were on time).
    pub late: Vec<Duration>,
}
