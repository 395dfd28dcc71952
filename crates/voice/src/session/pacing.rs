//! Real-time pacing of outbound audio.
//!
//! The carrier plays what it receives at real time and buffers the rest. The pacer models
//! that buffer: `play_end` is when everything sent so far will have finished playing. A
//! frame may go out once sending it leaves no more than `lead` of audio ahead of the wall
//! clock. So a talk spurt starts with a burst of `lead` worth of frames, then one frame
//! every 20 ms; after a stall (a late wake-up, a slow producer) the buffer has run dry and
//! the next frame goes at once. Never more than `lead` ahead is the invariant the tests hold.

use std::time::Duration;

use tokio::time::Instant;

/// Duration of one outbound frame.
pub(crate) const FRAME: Duration = Duration::from_millis(20);

#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    lead: Duration,
    /// When the carrier will have played everything sent; `None` before the first frame.
    play_end: Option<Instant>,
}

impl Pacer {
    /// `lead` must be at least one frame (checked by the config).
    pub(crate) fn new(lead: Duration) -> Self {
        Pacer {
            lead: lead.max(FRAME),
            play_end: None,
        }
    }

    /// When the next frame may be sent (`now` if it may be sent at once).
    pub(crate) fn send_at(&self, now: Instant) -> Instant {
        match self.play_end {
            Some(end) => (end + FRAME)
                .checked_sub(self.lead)
                .map_or(now, |at| at.max(now)),
            None => now,
        }
    }

    /// Records a frame sent at `now`.
    pub(crate) fn sent(&mut self, now: Instant) {
        let start = self.play_end.map_or(now, |end| end.max(now));
        self.play_end = Some(start + FRAME);
    }

    /// Audio sent but not yet played at `now`, by this model.
    pub(crate) fn ahead(&self, now: Instant) -> Duration {
        self.play_end
            .map_or(Duration::ZERO, |end| end.saturating_duration_since(now))
    }

    /// When the audio sent so far will have played (`now` if nothing is queued).
    pub(crate) fn play_end(&self, now: Instant) -> Instant {
        self.play_end.map_or(now, |end| end.max(now))
    }

    /// The carrier dropped its queue (`clear`).
    pub(crate) fn reset(&mut self) {
        self.play_end = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Sends `n` frames as soon as the pacer allows, with the clock jumping to each send
    /// time; returns the send offsets in ms.
    fn run(pacer: &mut Pacer, start: Instant, n: usize) -> Vec<u64> {
        let mut now = start;
        (0..n)
            .map(|_| {
                now = pacer.send_at(now);
                pacer.sent(now);
                assert!(
                    pacer.ahead(now) <= pacer.lead,
                    "ahead {:?}",
                    pacer.ahead(now)
                );
                (now - start).as_millis() as u64
            })
            .collect()
    }

    #[test]
    fn bursts_the_lead_then_keeps_real_time() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(80 * MS);
        let times = run(&mut pacer, t0, 8);
        assert_eq!(times, [0, 0, 0, 0, 20, 40, 60, 80]);
        assert_eq!(pacer.ahead(t0 + 80 * MS), 80 * MS);
    }

    #[test]
    fn a_stall_lets_the_buffer_drain_then_restarts_with_a_burst() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(60 * MS);
        run(&mut pacer, t0, 3); // play_end = t0 + 60
        let later = t0 + 500 * MS;
        assert_eq!(pacer.send_at(later), later);
        assert_eq!(pacer.ahead(later), Duration::ZERO);
        let times = run(&mut pacer, later, 4);
        assert_eq!(times, [0, 0, 0, 20]);
    }

    #[test]
    fn reset_forgets_the_queue() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(40 * MS);
        run(&mut pacer, t0, 2);
        assert_eq!(pacer.send_at(t0), t0 + 20 * MS);
        pacer.reset();
        assert_eq!(pacer.send_at(t0), t0);
        assert_eq!(pacer.play_end(t0), t0);
    }
}
