//! How punctually the server's audio arrives: its outbound pacing, as the earpiece feels it.
//!
//! The server's audio comes in segments, one per chunk of speech, each followed by a `mark`.
//! Within a segment the frames should arrive no later than they are needed: frame `k`
//! (counting samples) is due when the segment's first frame arrived plus the audio before
//! it. A frame arriving after that leaves a gap in what the caller hears; how long after is
//! its lateness. Gaps *between* segments are the speech being prepared (LLM, TTS), not
//! pacing, so a `mark`, a `clear` or caller speech (which may pause the agent) starts a new
//! segment.

use std::time::Duration;

use super::report::OutboundPacing;

/// Line samples per millisecond.
const SAMPLES_PER_MS: u64 = 8;

#[derive(Debug, Default)]
pub(crate) struct OutboundClock {
    /// Call-clock position of the segment's first frame, and the samples received since.
    segment: Option<(u64, u64)>,
    pacing: OutboundPacing,
}

impl OutboundClock {
    /// A media frame of `samples` arrived at call-clock position `now`.
    pub(crate) fn media(&mut self, now: u64, samples: u64) {
        self.pacing.frames += 1;
        match &mut self.segment {
            None => self.segment = Some((now, samples)),
            Some((start, queued)) => {
                let late = now.saturating_sub(*start + *queued);
                if late > 0 {
                    self.pacing
                        .late
                        .push(Duration::from_micros(late * 1000 / SAMPLES_PER_MS));
                }
                *queued += samples;
            }
        }
    }

    /// A mark, a clear or caller speech: the next frame starts a new segment.
    pub(crate) fn segment_end(&mut self) {
        self.segment = None;
    }

    pub(crate) fn into_pacing(self) -> OutboundPacing {
        self.pacing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_ahead_are_on_time_and_a_gap_is_late() {
        let mut clock = OutboundClock::default();
        clock.media(1000, 160); // plays 1000..1160
        clock.media(1000, 160); // sent ahead: fine
        clock.media(1200, 160); // due at 1320: fine
        clock.media(1640, 160); // due at 1480: 160 samples (20 ms) late
        clock.segment_end();
        clock.media(9000, 160); // a new segment: the wait is not pacing
        clock.media(9160, 160); // exactly due
        let pacing = clock.into_pacing();
        assert_eq!(pacing.frames, 6);
        assert_eq!(pacing.late, [Duration::from_millis(20)]);
    }
}
