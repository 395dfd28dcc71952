//! The echo brain: plays each caller utterance back. A diagnostic agent for the media path
//! (codec, VAD, pacing, marks, barge-in) that needs no provider.

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::{Brain, BrainEvent, BrainIo};

/// Plays back what the caller said once they stop talking, in segments of
/// [`segment`](Self::segment) so marks track playback closely. Talking over the echo
/// interrupts it like any turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EchoBrain {
    /// Length of each played segment (default 500 ms).
    pub segment: Duration,
}

impl Default for EchoBrain {
    fn default() -> Self {
        EchoBrain {
            segment: Duration::from_millis(500),
        }
    }
}

impl Brain for EchoBrain {
    fn run(self: Box<Self>, mut io: BrainIo) -> BoxFuture<'static, ()> {
        // G.711 at 8 kHz: 8 bytes per ms; at least one frame per segment.
        let segment_bytes = (self.segment.as_millis() as usize * 8).max(160);
        Box::pin(async move {
            while let Some(event) = io.next_event().await {
                let BrainEvent::CallerSpeechEnded(utterance) = event else {
                    continue;
                };
                if utterance.audio.is_empty() {
                    continue;
                }
                let Ok(mut turn) = io.begin_turn().await else {
                    return;
                };
                let mut played = true;
                for segment in utterance.audio.chunks(segment_bytes) {
                    if turn.play(segment.to_vec()).await.is_err() {
                        played = false;
                        break;
                    }
                }
                if played {
                    let _ = turn.finish().await;
                }
            }
        })
    }
}
