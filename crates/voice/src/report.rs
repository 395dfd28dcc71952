//! What a session did, for the server to log and store. Plain data: no serialisation here.

use std::time::Duration;

use crate::brain::TurnId;
use crate::transport::{CloseFrame, close_code};

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    /// The carrier sent `stop` (the call ended on its side).
    Stopped,
    /// The socket closed or the inbound stream ended.
    SocketClosed,
    /// Nothing arrived for [`SessionConfig::idle_timeout`](crate::SessionConfig::idle_timeout):
    /// a half-open socket.
    IdleTimeout,
    /// The brain hung up.
    HungUp {
        /// The brain's reason, for the log.
        reason: String,
    },
    /// The brain's task returned without hanging up.
    BrainFinished,
    /// The server cancelled the session (shutdown, or a hang-up from elsewhere).
    Cancelled,
    /// No `start` within [`SessionConfig::start_timeout`](crate::SessionConfig::start_timeout).
    StartTimeout,
    /// The authenticator refused the stream.
    Rejected {
        /// As sent in the close frame.
        reason: String,
    },
    /// The authenticator failed or timed out.
    AuthUnavailable {
        /// For the log only.
        detail: String,
    },
    /// The carrier broke the protocol in a way that ends the stream (media before `start`).
    ProtocolViolation {
        /// As sent in the close frame.
        reason: String,
    },
    /// The stream's audio format is not 8 kHz mono G.711.
    UnsupportedMedia {
        /// The format as announced in `start`.
        format: String,
    },
    /// Sending to the socket failed.
    SendFailed {
        /// The transport's error.
        error: String,
    },
    /// A session task panicked.
    Internal {
        /// What failed.
        detail: String,
    },
}

impl EndReason {
    /// The close frame the session sends for this ending, if any (none when the socket is
    /// already gone).
    pub fn close_frame(&self) -> Option<CloseFrame> {
        use close_code::*;
        let (code, reason) = match self {
            EndReason::Stopped => (NORMAL, "stream stopped"),
            EndReason::HungUp { .. } | EndReason::BrainFinished => (NORMAL, "call ended"),
            EndReason::SocketClosed | EndReason::SendFailed { .. } => return None,
            EndReason::IdleTimeout => (GOING_AWAY, "idle timeout"),
            EndReason::Cancelled => (GOING_AWAY, "session cancelled"),
            EndReason::StartTimeout => (POLICY_VIOLATION, "no start message in time"),
            EndReason::Rejected { reason } | EndReason::ProtocolViolation { reason } => {
                (POLICY_VIOLATION, reason.as_str())
            }
            EndReason::AuthUnavailable { .. } => (INTERNAL_ERROR, "authentication unavailable"),
            EndReason::UnsupportedMedia { .. } => (UNSUPPORTED_DATA, "unsupported media format"),
            EndReason::Internal { .. } => (INTERNAL_ERROR, "internal error"),
        };
        Some(CloseFrame::new(code, reason))
    }
}

/// One barge-in: the caller talked over the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BargeInReport {
    /// The turn that was interrupted.
    pub turn: TurnId,
    /// From the caller's speech onset (as the VAD places it in the audio) to the `clear`
    /// frame handed to the socket. Budget: 150 ms.
    pub onset_to_clear_ms: u64,
    /// How much of the turn the caller heard before the `clear`.
    pub played_ms: u64,
    /// For a brain that confirms interruptions ([`BargeInMode::Confirm`]): from the onset
    /// to the moment outbound audio was paused, after which the caller hears at most the
    /// playback lead. `onset_to_clear_ms` then includes the brain's deliberation.
    ///
    /// [`BargeInMode::Confirm`]: crate::brain::BargeInMode::Confirm
    pub onset_to_pause_ms: Option<u64>,
}

/// One assistant turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnReport {
    /// The turn's id.
    pub turn: TurnId,
    /// From the end of the caller speech that preceded the turn (when the VAD declared it,
    /// that is after its hangover) to the turn's first audio frame handed to the socket.
    /// `None` for turns no caller speech preceded (a greeting) or that sent no audio.
    pub response_ms: Option<u64>,
    /// Audio of the turn sent to the carrier.
    pub sent_ms: u64,
    /// Audio of the turn the caller heard: confirmed by mark echoes, or estimated from the
    /// writer's clock where no mark covers it yet.
    pub played_ms: u64,
    /// Cut short by a barge-in.
    pub interrupted: bool,
}

/// Inbound input the session tolerated rather than acted on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anomalies {
    /// Text that did not parse as a carrier message.
    pub malformed: u64,
    /// Frames larger than the telephony crate's `MAX_MESSAGE_BYTES`.
    pub oversized: u64,
    /// Binary frames (carriers send text).
    pub binary: u64,
    /// Messages in the wrong place: a second `start`, DTMF or marks before `start`.
    pub out_of_order: u64,
    /// Mark echoes whose name the session never sent.
    pub unknown_marks: u64,
    /// Events with a name the decoder does not know.
    pub unknown_events: u64,
    /// The distinct unknown event names (at most 16).
    pub unknown_event_names: Vec<String>,
    /// Error reports from the carrier (Telnyx `error`).
    pub carrier_errors: u64,
    /// Brain events dropped because the brain was not reading them.
    pub brain_events_dropped: u64,
    /// Caller audio frames dropped because the brain was not reading them.
    pub caller_audio_dropped: u64,
}

/// What a session did. Returned by [`Session::run`](crate::Session::run) however it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReport {
    /// The platform call id, once the stream was authenticated.
    pub call_id: Option<String>,
    /// The carrier's stream id, once `start` arrived.
    pub stream_id: Option<String>,
    /// Why the session ended.
    pub end_reason: EndReason,
    /// From the socket handed over to the end of the session.
    pub duration: Duration,
    /// Inbound (caller) media frames.
    pub frames_in: u64,
    /// Outbound (agent) media frames, 20 ms each.
    pub frames_out: u64,
    /// Marks sent after agent audio segments.
    pub marks_sent: u64,
    /// Mark echoes received for marks we sent.
    pub marks_echoed: u64,
    /// `clear` frames sent.
    pub clears_sent: u64,
    /// Keep-alive pings sent.
    pub pings_sent: u64,
    /// DTMF digits received.
    pub dtmf: u64,
    /// Every barge-in, in order.
    pub barge_ins: Vec<BargeInReport>,
    /// Every assistant turn, in order.
    pub turns: Vec<TurnReport>,
    /// Input tolerated and ignored.
    pub anomalies: Anomalies,
}

impl SessionReport {
    pub(crate) fn new(end_reason: EndReason) -> Self {
        SessionReport {
            call_id: None,
            stream_id: None,
            end_reason,
            duration: Duration::ZERO,
            frames_in: 0,
            frames_out: 0,
            marks_sent: 0,
            marks_echoed: 0,
            clears_sent: 0,
            pings_sent: 0,
            dtmf: 0,
            barge_ins: Vec::new(),
            turns: Vec::new(),
            anomalies: Anomalies::default(),
        }
    }
}
