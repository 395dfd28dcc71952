//! A brain's handle on its session.

use bytes::Bytes;
use switchboard_audio::g711::Law;
use switchboard_telephony::media::StreamStart;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{BrainEvent, Turn, TurnId};
use crate::VoiceError;
use crate::session::messages::{Control, EngineMsg, Playout};

/// What a brain knows about its call.
#[derive(Debug, Clone)]
pub struct CallInfo {
    /// The platform call id.
    pub call_id: String,
    /// The codec of caller audio and of the audio a turn must play.
    pub law: Law,
    /// The carrier's `start`, with its custom parameters.
    pub stream: StreamStart,
}

/// Events in, turns and hang-up out. Handed to [`Brain::run`](super::Brain::run).
#[derive(Debug)]
pub struct BrainIo {
    call: CallInfo,
    events: mpsc::Receiver<BrainEvent>,
    engine: mpsc::Sender<EngineMsg>,
    control: mpsc::Sender<Control>,
    playout: mpsc::Sender<Playout>,
    shutdown: CancellationToken,
    caller_audio: Option<mpsc::Receiver<Bytes>>,
    last_turn: u32,
}

impl BrainIo {
    pub(crate) fn new(
        call: CallInfo,
        events: mpsc::Receiver<BrainEvent>,
        engine: mpsc::Sender<EngineMsg>,
        control: mpsc::Sender<Control>,
        playout: mpsc::Sender<Playout>,
        shutdown: CancellationToken,
        caller_audio: Option<mpsc::Receiver<Bytes>>,
    ) -> Self {
        BrainIo {
            call,
            events,
            engine,
            control,
            playout,
            shutdown,
            caller_audio,
            last_turn: 0,
        }
    }

    /// The caller's audio, one carrier frame at a time in the call's codec, for a brain whose
    /// [`wants_caller_audio`](super::Brain::wants_caller_audio) is true (`None` otherwise, and
    /// after the first call). Read it promptly: frames a brain leaves unread past about a
    /// second are dropped and counted.
    pub fn take_caller_audio(&mut self) -> Option<mpsc::Receiver<Bytes>> {
        self.caller_audio.take()
    }

    /// After [`BrainEvent::AgentPaused`](super::BrainEvent::AgentPaused): the caller is
    /// really interrupting. The paused turn (and any queued after it) is cancelled, `clear`
    /// goes out, and [`BrainEvent::BargeIn`](super::BrainEvent::BargeIn) reports what was
    /// heard. Without a pause, it interrupts whatever is playing now.
    pub async fn interrupt(&self) -> Result<(), VoiceError> {
        self.control(Control::Interrupt).await
    }

    /// After [`BrainEvent::AgentPaused`](super::BrainEvent::AgentPaused): not an
    /// interruption; the agent carries on where it paused.
    pub async fn resume(&self) -> Result<(), VoiceError> {
        self.control(Control::Resume).await
    }

    async fn control(&self, control: Control) -> Result<(), VoiceError> {
        self.control
            .send(control)
            .await
            .map_err(|_| VoiceError::SessionEnded)
    }

    /// The call.
    pub fn call(&self) -> &CallInfo {
        &self.call
    }

    /// Cancelled when the session ends; select on it in long work.
    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// The next event, or `None` once the session is over.
    pub async fn next_event(&mut self) -> Option<BrainEvent> {
        tokio::select! {
            biased;
            () = self.shutdown.cancelled() => None,
            event = self.events.recv() => event,
        }
    }

    /// Starts an assistant turn. Its audio plays after any earlier turn's.
    pub async fn begin_turn(&mut self) -> Result<Turn, VoiceError> {
        self.last_turn += 1;
        let id = TurnId(self.last_turn);
        // A child of the session token: the session's end cancels every turn.
        let token = self.shutdown.child_token();
        self.engine
            .send(EngineMsg::TurnBegun {
                turn: id,
                token: token.clone(),
            })
            .await
            .map_err(|_| VoiceError::SessionEnded)?;
        Ok(Turn::new(id, token, self.playout.clone()))
    }

    /// Ends the call now: audio still queued is not played. To let a goodbye finish, wait
    /// for its [`BrainEvent::TurnPlayed`] first.
    pub async fn hang_up(&self, reason: impl Into<String>) -> Result<(), VoiceError> {
        self.control(Control::HangUp {
            reason: reason.into(),
        })
        .await
    }
}
