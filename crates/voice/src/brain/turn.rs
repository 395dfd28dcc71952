//! One assistant turn: audio in order, split into marked segments.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::TurnId;
use crate::VoiceError;
use crate::session::messages::Playout;

/// An assistant turn being played.
///
/// Audio goes to the paced writer through a small bounded queue, so [`send`](Self::send)
/// waits while the queue is full: a producer (TTS) is held to about real time plus the queue.
/// Each segment (a sentence, say) ends with a mark; its echo tells the session how far the
/// caller has heard. Dropping a turn without [`finish`](Self::finish) finishes it as well as
/// it can without waiting.
#[derive(Debug)]
pub struct Turn {
    id: TurnId,
    token: CancellationToken,
    playout: mpsc::Sender<Playout>,
    segment: u32,
    finished: bool,
}

impl Turn {
    pub(crate) fn new(
        id: TurnId,
        token: CancellationToken,
        playout: mpsc::Sender<Playout>,
    ) -> Self {
        Turn {
            id,
            token,
            playout,
            segment: 0,
            finished: false,
        }
    }

    /// The turn's id.
    pub fn id(&self) -> TurnId {
        self.id
    }

    /// Cancelled on barge-in or session end; stop producing audio when it is.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    /// Whether the turn was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Queues audio (any length, in the call's codec) without ending the segment; for
    /// streamed TTS output.
    pub async fn send(&mut self, audio: Vec<u8>) -> Result<(), VoiceError> {
        let item = Playout::Audio {
            turn: self.id,
            token: self.token.clone(),
            audio,
        };
        self.push(item).await
    }

    /// Ends the current segment: a mark follows its audio. Returns the segment's index.
    pub async fn end_segment(&mut self) -> Result<u32, VoiceError> {
        let segment = self.segment;
        let item = Playout::SegmentEnd {
            turn: self.id,
            token: self.token.clone(),
            segment,
        };
        self.push(item).await?;
        self.segment += 1;
        Ok(segment)
    }

    /// Queues `audio` as one whole segment. Returns the segment's index.
    pub async fn play(&mut self, audio: Vec<u8>) -> Result<u32, VoiceError> {
        self.send(audio).await?;
        self.end_segment().await
    }

    /// Ends the turn: its last audio is followed by a final mark, whose echo produces
    /// [`BrainEvent::TurnPlayed`](super::BrainEvent::TurnPlayed).
    pub async fn finish(mut self) -> Result<(), VoiceError> {
        self.finished = true;
        let item = Playout::TurnEnd {
            turn: self.id,
            token: self.token.clone(),
        };
        self.push(item).await
    }

    async fn push(&self, item: Playout) -> Result<(), VoiceError> {
        tokio::select! {
            biased;
            () = self.token.cancelled() => Err(VoiceError::TurnCancelled(self.id)),
            sent = self.playout.send(item) => sent.map_err(|_| VoiceError::SessionEnded),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.finished && !self.token.is_cancelled() {
            // Best effort: if the queue is full the turn just gets no final mark.
            let _ = self.playout.try_send(Playout::TurnEnd {
                turn: self.id,
                token: self.token.clone(),
            });
        }
    }
}
