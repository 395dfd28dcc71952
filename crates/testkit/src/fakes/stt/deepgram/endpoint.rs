//! When the fake decides that an utterance is over, so that a benchmark can subtract the
//! endpointing wait from what a caller measured.

use std::time::Duration;

use switchboard_audio::frame::G711_FRAME_LEN;
use switchboard_audio::g711::ULAW_SILENCE;
use switchboard_audio::vad::{Vad, VadConfig, VadEvent};

use crate::caller::Utterance;

/// Silence the detector hears before the utterance, to settle as it would mid-call.
const LEAD_IN_FRAMES: usize = 50;
/// Silence after it: far more than any hangover.
const TAIL_FRAMES: usize = 500;

/// How long after the frame holding `utterance`'s last speech the fake's detector ends the
/// utterance, for a client that asked for `endpointing_ms` and a caller that sends a 20 ms
/// mu-law frame every 20 ms. The final transcript leaves the configured final latency after
/// that. Runs the fake's own detector (as the live session configures it) over the
/// utterance between stretches of line silence; `None` if it never hears an end.
pub fn endpoint_wait(utterance: &Utterance, endpointing_ms: u32) -> Option<Duration> {
    let mut config = VadConfig::new(8000);
    config.hangover_ms = endpointing_ms.max(config.frame_ms);
    let mut vad = Vad::new(config).ok()?;
    let silence = [ULAW_SILENCE; G711_FRAME_LEN];
    let frames = std::iter::repeat_n(&silence[..], LEAD_IN_FRAMES)
        .chain((0..utterance.frame_count()).map(|i| utterance.frame(i)))
        .chain(std::iter::repeat_n(&silence[..], TAIL_FRAMES));
    let last_speech = LEAD_IN_FRAMES + utterance.speech_frames().1;
    let mut ended_at = None;
    for (index, frame) in frames.enumerate() {
        let mut ended = false;
        vad.process_ulaw(frame, |event| {
            ended |= matches!(event, VadEvent::SpeechEnd { .. });
        });
        if ended && index > last_speech {
            ended_at = Some(index);
            break;
        }
    }
    let frames_after = ended_at? - last_speech;
    Some(Duration::from_millis(20 * frames_after as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_about_the_hangover() {
        let tone = Utterance::tone(300.0, Duration::from_millis(600));
        for endpointing in [300, 500] {
            let wait = endpoint_wait(&tone, endpointing).unwrap();
            let hangover = Duration::from_millis(endpointing.into());
            assert!(
                wait >= hangover && wait <= hangover + Duration::from_millis(40),
                "{endpointing}: {wait:?}"
            );
        }
    }
}
