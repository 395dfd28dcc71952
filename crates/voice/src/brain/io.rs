//! A brain's handle on its session.

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
    ) -> Self {
        BrainIo {
            call,
            events,
            engine,
            control,
            playout,
            shutdown,
            last_turn: 0,
        }
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
        self.control
            .send(Control::HangUp {
                reason: reason.into(),
            })
            .await
            .map_err(|_| VoiceError::SessionEnded)
    }
}
