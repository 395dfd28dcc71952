//! What the session's tasks tell each other, and how much each channel holds.
//!
//! Channels form no cycle in which two tasks can wait on each other: the engine (turn logic)
//! only ever `try_send`s, to the writer and the brain; everything else awaits sends to the
//! engine, which is always draining.

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::marks::MarkId;
use crate::brain::{TurnId, Utterance};
use crate::transport::CloseFrame;

/// Priority path into the engine (read before anything else).
pub(crate) const CONTROL_CAPACITY: usize = 8;
/// Everything else into the engine: caller events, writer reports, turn starts.
pub(crate) const ENGINE_CAPACITY: usize = 64;
/// Engine to brain.
pub(crate) const BRAIN_CAPACITY: usize = 32;
/// Engine to writer (clear, close).
pub(crate) const WRITER_CONTROL_CAPACITY: usize = 8;
/// Brain to writer: audio pieces and segment/turn ends. Small, so producers feel back-pressure.
pub(crate) const PLAYOUT_CAPACITY: usize = 8;
/// Reader to brain: caller audio for a brain that transcribes it (50 frames = 1 s).
pub(crate) const CALLER_AUDIO_CAPACITY: usize = 50;

/// Priority messages to the engine.
#[derive(Debug)]
pub(crate) enum Control {
    /// The caller has been talking for the barge-in minimum; `onset` is when they started.
    BargeIn { onset: Instant },
    /// The brain ends the call.
    HangUp { reason: String },
    /// The brain confirms that the caller is interrupting: cut the agent off.
    Interrupt,
    /// The brain judged the caller's speech a backchannel or noise: play on.
    Resume,
}

/// Ordinary messages to the engine. One channel for all senders keeps cause before effect:
/// a writer's `MarkSent` is queued before the carrier can echo that mark to the reader.
#[derive(Debug)]
pub(crate) enum EngineMsg {
    /// Reader: the VAD declared caller speech.
    SpeechStarted,
    /// Reader: the VAD declared the end of caller speech at `detected_at`.
    SpeechEnded {
        utterance: Utterance,
        detected_at: Instant,
    },
    /// Reader: a DTMF digit.
    Dtmf(char),
    /// Reader: the carrier echoed a mark; `None` when the name is not one of ours.
    MarkEchoed(Option<MarkId>),
    /// Brain: a turn began.
    TurnBegun {
        turn: TurnId,
        token: CancellationToken,
    },
    /// Writer: the first frame of `turn` went to the socket at `at`.
    FirstFrameSent { turn: TurnId, at: Instant },
    /// Writer: a mark is about to go out after `turn_ms` of its turn's audio.
    MarkSent { mark: MarkId, turn_ms: u64 },
    /// Writer: all of `turn` is sent; the carrier should finish playing it at `play_end`.
    TurnSent {
        turn: TurnId,
        sent_ms: u64,
        play_end: Instant,
    },
    /// Writer: `clear` went out at `at` for the barge-in on `target` that started at `onset`.
    /// `turn` is the turn whose audio was last sent, with how much was sent and, by the
    /// writer's clock, already played.
    Cleared {
        onset: Instant,
        target: TurnId,
        at: Instant,
        turn: Option<TurnId>,
        sent_ms: u64,
        played_ms: u64,
    },
}

/// Engine to writer; read by the writer before audio.
#[derive(Debug)]
pub(crate) enum WriterControl {
    /// Drop queued audio of cancelled turns and send `clear` now (barge-in on `target`).
    Clear { onset: Instant, target: TurnId },
    /// Send this close frame and stop.
    Close(CloseFrame),
    /// Hold outbound audio where it is (the caller may be interrupting).
    Pause,
    /// Carry on sending after a pause.
    Resume,
}

/// Brain to writer, in playing order.
#[derive(Debug)]
pub(crate) enum Playout {
    /// Audio of a turn, any length.
    Audio {
        turn: TurnId,
        token: CancellationToken,
        audio: Vec<u8>,
    },
    /// End of a segment: send a mark after its audio.
    SegmentEnd {
        turn: TurnId,
        token: CancellationToken,
        segment: u32,
    },
    /// End of the turn: send the final mark.
    TurnEnd {
        turn: TurnId,
        token: CancellationToken,
    },
}

impl Playout {
    pub(crate) fn token(&self) -> &CancellationToken {
        match self {
            Playout::Audio { token, .. }
            | Playout::SegmentEnd { token, .. }
            | Playout::TurnEnd { token, .. } => token,
        }
    }
}
