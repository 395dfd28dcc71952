//! The speaker: one task that plays the model's audio into turns, in order.
//!
//! The model sends a response's audio faster than real time, and the brain must keep reading
//! its events meanwhile (a `speech_started` may be right behind the audio), so it never waits
//! on playback: it hands audio to this task, which waits on the session's paced queue
//! instead. One task for all turns keeps their audio in order: a turn's audio is queued
//! only after the previous turn's end.

use bytes::Bytes;
use switchboard_audio::g711::{self, Law};
use tokio::sync::mpsc;

use crate::brain::{Turn, TurnId};

/// Pieces of audio waiting to play: far more than a spoken reply has. Past this, audio is
/// dropped (and the drop recorded) rather than the brain waiting.
pub(super) const SPEAKER_CAPACITY: usize = 1024;
/// A mark after about this much audio, so the session tracks playback closely.
const SEGMENT_BYTES: usize = 500 * 8;

/// What the speaker plays, in order.
#[derive(Debug)]
pub(super) enum Feed {
    /// A new turn; it follows the previous one.
    Begin(Turn),
    /// Mu-law 8 kHz audio of the turn.
    Audio(TurnId, Bytes),
    /// The turn's last audio is in.
    Finish(TurnId),
}

/// Plays `feed` until the brain drops its end. `law` is the call's codec: the model speaks
/// mu-law, so A-law calls get each piece transcoded (a table lookup per byte).
pub(super) async fn run(mut feed: mpsc::Receiver<Feed>, law: Law) {
    let mut current: Option<Turn> = None;
    let mut unmarked = 0;
    while let Some(item) = feed.recv().await {
        match item {
            Feed::Begin(turn) => {
                // The previous turn was finished or cut; dropping it finishes it if not.
                current = Some(turn);
                unmarked = 0;
            }
            Feed::Audio(id, audio) => {
                let Some(turn) = current.as_mut().filter(|t| t.id() == id) else {
                    continue;
                };
                if turn.is_cancelled() {
                    continue;
                }
                let audio = match law {
                    Law::Ulaw => audio.to_vec(),
                    Law::Alaw => {
                        let mut alaw = vec![0; audio.len()];
                        g711::ulaw_to_alaw(&audio, &mut alaw);
                        alaw
                    }
                };
                unmarked += audio.len();
                // A cancelled turn fails here; the rest of its audio is skipped above.
                if turn.send(audio).await.is_ok() && unmarked >= SEGMENT_BYTES {
                    unmarked = 0;
                    let _ = turn.end_segment().await;
                }
            }
            Feed::Finish(id) => {
                if let Some(turn) = current.take_if(|t| t.id() == id) {
                    let _ = turn.finish().await;
                }
            }
        }
    }
}
