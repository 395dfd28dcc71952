//! The call clock and the schedule of outgoing frames.
//!
//! Positions on the call clock are counted in samples of the 8 kHz line (8 per ms), the
//! unit in which the playback queue measures audio, so "has this audio played yet" is an
//! integer comparison.

use std::time::Duration;

use tokio::time::Instant;

use super::config::Pace;
use super::report::PacingStats;

/// Line samples per second.
pub(crate) const RATE: u64 = 8000;
/// Samples in one 20 ms frame.
pub(crate) const FRAME_SAMPLES: u64 = 160;
const FRAME: Duration = Duration::from_millis(20);

/// Samples in `duration` of call time.
pub(crate) fn samples(duration: Duration) -> u64 {
    (duration.as_micros() * u128::from(RATE) / 1_000_000) as u64
}

/// Maps wall time (tokio's monotonic clock, so paused-time tests work) to call time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    start: Instant,
    speed: f64,
}

impl Clock {
    pub(crate) fn new(start: Instant, pace: Pace) -> Self {
        Clock {
            start,
            speed: pace.speed(),
        }
    }

    /// Wall time since the call started.
    pub(crate) fn elapsed(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.start)
    }

    /// Call-clock position of `now`, in line samples.
    pub(crate) fn position(&self, now: Instant) -> u64 {
        (self.elapsed(now).as_secs_f64() * self.speed * RATE as f64) as u64
    }

    /// The first instant at which [`position`](Self::position) reaches `position`. Rounded
    /// up by a microsecond so that a timer set for it never wakes a hair too early.
    pub(crate) fn instant_at(&self, position: u64) -> Instant {
        let secs = position as f64 / (RATE as f64 * self.speed);
        self.start + Duration::from_secs_f64(secs) + Duration::from_micros(1)
    }
}

/// When the next media frame goes out, and how punctual the caller has been.
///
/// Paced modes use an absolute schedule (frame `n` is due at call time `n * 20 ms`), so
/// lateness never accumulates into drift. `Unpaced` sends scripted frames immediately and
/// filler silence every 20 ms of wall time.
#[derive(Debug)]
pub(crate) struct Pacer {
    clock: Clock,
    unpaced: bool,
    sent: u64,
    last_sent: Instant,
    stats: PacingStats,
    lateness_total: Duration,
}

impl Pacer {
    pub(crate) fn new(clock: Clock, pace: Pace) -> Self {
        Pacer {
            clock,
            unpaced: pace == Pace::Unpaced,
            sent: 0,
            last_sent: clock.start,
            stats: PacingStats::default(),
            lateness_total: Duration::ZERO,
        }
    }

    /// When the next frame is due. `scripted` says whether it carries scripted audio
    /// (utterance or pause) rather than filler while waiting for the agent.
    pub(crate) fn next_due(&self, scripted: bool) -> Instant {
        match (self.unpaced, scripted) {
            (true, true) => self.last_sent,
            (true, false) => self.last_sent + FRAME,
            (false, _) => self.clock.instant_at(self.sent * FRAME_SAMPLES),
        }
    }

    /// Media time of the next frame: its `timestamp` in milliseconds.
    pub(crate) fn next_timestamp_ms(&self) -> u64 {
        self.sent * 20
    }

    /// Records that the frame due at `due` went out at `at`.
    pub(crate) fn sent(&mut self, due: Instant, at: Instant) {
        self.sent += 1;
        self.last_sent = at;
        if self.unpaced {
            return;
        }
        let late = at.saturating_duration_since(due);
        self.lateness_total += late;
        self.stats.max_lateness = self.stats.max_lateness.max(late);
        if late > FRAME {
            self.stats.late_frames += 1;
        }
    }

    pub(crate) fn frames_sent(&self) -> u64 {
        self.sent
    }

    pub(crate) fn stats(&self) -> PacingStats {
        let mut stats = self.stats;
        if self.sent > 0 && !self.unpaced {
            stats.mean_lateness = self.lateness_total / self.sent as u32;
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_instants_agree() {
        let start = Instant::now();
        for pace in [Pace::RealTime, Pace::Speed(3.0), Pace::Speed(0.5)] {
            let clock = Clock::new(start, pace);
            for position in [0, 1, 159, 160, 8000, 123_457] {
                let at = clock.instant_at(position);
                assert!(clock.position(at) >= position, "{pace:?} {position}");
                assert!(clock.position(at) <= position + 1, "{pace:?} {position}");
            }
        }
        let fast = Clock::new(start, Pace::Speed(4.0));
        assert_eq!(fast.position(start + Duration::from_millis(250)), 8000);
        assert_eq!(samples(Duration::from_millis(20)), FRAME_SAMPLES);
    }

    #[test]
    fn paced_schedule_is_absolute() {
        let start = Instant::now();
        let clock = Clock::new(start, Pace::RealTime);
        let mut pacer = Pacer::new(clock, Pace::RealTime);
        // The first frame is very late; the next is still due at 20 ms, not 20 ms after it.
        let first = pacer.next_due(true);
        pacer.sent(first, start + Duration::from_millis(50));
        let second = pacer.next_due(false);
        assert!(second.duration_since(start) < Duration::from_millis(21));
        assert_eq!(pacer.next_timestamp_ms(), 20);
        let stats = pacer.stats();
        assert!(stats.max_lateness >= Duration::from_millis(49));
        assert_eq!(stats.late_frames, 1);
    }

    #[test]
    fn unpaced_bursts_scripted_audio_only() {
        let start = Instant::now();
        let mut pacer = Pacer::new(Clock::new(start, Pace::Unpaced), Pace::Unpaced);
        let at = start + Duration::from_millis(5);
        pacer.sent(pacer.next_due(true), at);
        assert_eq!(pacer.next_due(true), at);
        assert_eq!(pacer.next_due(false), at + FRAME);
        assert_eq!(pacer.stats(), PacingStats::default());
    }
}
