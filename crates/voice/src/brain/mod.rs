//! Brains: what decides what the agent says.
//!
//! A brain is a task with a [`BrainIo`]: it reads [`BrainEvent`]s (caller speech, DTMF, marks
//! played, barge-ins) and acts by playing audio as [`Turn`]s or hanging up. The session owns
//! the media path; a brain never sees frames, timing or the carrier protocol. The echo brain
//! ([`EchoBrain`]) is built in as a diagnostic agent; the conversation engine (STT, LLM, TTS)
//! and the remote-control brain implement the same trait.
//!
//! Contract:
//! * read events promptly: the session never waits for a brain, so events a brain leaves
//!   unread past a small queue are dropped (and counted in the report);
//! * a turn's token ([`Turn::token`]) is cancelled on barge-in and at session end: stop
//!   generating and drop the turn; [`Turn::play`] returns [`VoiceError::TurnCancelled`];
//! * [`BrainIo::next_event`] returning `None` means the session is over: return.
//!
//! [`VoiceError::TurnCancelled`]: crate::VoiceError::TurnCancelled

mod echo;
mod io;
mod turn;

use std::fmt;

use futures_util::future::BoxFuture;
use switchboard_audio::g711::Law;

pub use echo::EchoBrain;
pub use io::{BrainIo, CallInfo};
pub use turn::Turn;

/// A brain: runs for the life of a session.
pub trait Brain: Send + 'static {
    /// Runs until [`BrainIo::next_event`] returns `None` or the brain hangs up. Returning
    /// early ends the session ([`EndReason::BrainFinished`](crate::EndReason::BrainFinished)).
    fn run(self: Box<Self>, io: BrainIo) -> BoxFuture<'static, ()>;

    /// How caller speech over the agent is handled; asked once, before `run`.
    fn barge_in_mode(&self) -> BargeInMode {
        BargeInMode::Immediate
    }

    /// Whether the brain reads the caller's audio ([`BrainIo::take_caller_audio`]), e.g. to
    /// stream it to speech-to-text; asked once, before `run`.
    fn wants_caller_audio(&self) -> bool {
        false
    }
}

/// What happens when the caller talks while the agent is audible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BargeInMode {
    /// Speech past the session's minimum cuts the agent off at once (`clear`).
    #[default]
    Immediate,
    /// Speech past the minimum pauses the agent ([`BrainEvent::AgentPaused`]); the brain then
    /// decides, from what the caller says, to [interrupt](BrainIo::interrupt) (a real
    /// interruption) or [resume](BrainIo::resume) (a backchannel such as "mm-hmm", or
    /// noise). The caller hears the agent stop within the playback lead either way.
    Confirm,
}

/// Which brain runs a call; chosen by the authenticator.
pub enum BrainSpec {
    /// [`EchoBrain`] with default settings: plays each caller utterance back.
    Echo,
    /// Any other brain.
    Custom(Box<dyn Brain>),
}

impl BrainSpec {
    pub(crate) fn build(self) -> Box<dyn Brain> {
        match self {
            BrainSpec::Echo => Box::new(EchoBrain::default()),
            BrainSpec::Custom(brain) => brain,
        }
    }
}

impl fmt::Debug for BrainSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrainSpec::Echo => f.write_str("Echo"),
            BrainSpec::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// Identifies an assistant turn within a session; counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TurnId(pub u32);

impl fmt::Display for TurnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0)
    }
}

/// A caller utterance, as the VAD segmented it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    /// The caller's audio in the stream's codec, with
    /// [`utterance_padding`](crate::SessionConfig::utterance_padding) on each side. Empty
    /// when capture is off.
    pub audio: Vec<u8>,
    /// The codec of `audio`.
    pub law: Law,
    /// Length of the speech itself, without padding.
    pub speech_ms: u64,
    /// Where the speech started, in ms of caller audio since the stream started.
    pub started_at_ms: u64,
    /// The utterance was longer than
    /// [`max_utterance`](crate::SessionConfig::max_utterance); `audio` holds its beginning.
    pub truncated: bool,
}

/// What a brain hears from the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrainEvent {
    /// The caller started talking (after the VAD's onset time).
    CallerSpeechStarted,
    /// The caller stopped talking (after the VAD's hangover).
    CallerSpeechEnded(Utterance),
    /// The caller pressed a key: `0`-`9`, `*`, `#`, `A`-`D`.
    Dtmf(char),
    /// The carrier played a turn's audio up to the end of `segment`.
    MarkPlayed {
        /// The turn.
        turn: TurnId,
        /// The segment index returned by [`Turn::end_segment`] / [`Turn::play`].
        segment: u32,
        /// Audio of the turn played so far.
        played_ms: u64,
    },
    /// The carrier played all of a finished turn.
    TurnPlayed {
        /// The turn.
        turn: TurnId,
        /// Its whole length.
        played_ms: u64,
    },
    /// The first audio of `turn` went out to the carrier.
    AudioStarted { turn: TurnId },
    /// [`BargeInMode::Confirm`]: the caller is talking over `turn`, which is paused after
    /// `played_ms`; answer with [`BrainIo::interrupt`] or [`BrainIo::resume`].
    AgentPaused { turn: TurnId, played_ms: u64 },
    /// The caller talked over `turn`: it was cancelled and its queued audio dropped.
    BargeIn {
        /// The turn that was playing.
        turn: TurnId,
        /// How much of it the caller heard.
        played_ms: u64,
    },
}
