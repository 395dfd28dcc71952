//! Candidate B (the default): energy over an adaptive noise floor, gated by a voicing cue.
//!
//! * **Noise floor** by minimum statistics: the lowest block energy seen over the last
//!   `floor_window_ms` (kept as the minima of eight sub-windows, so it costs O(1) per block
//!   and no allocation). It follows a rising noise level within one window and a falling
//!   one at once, and is not pulled up by speech, which always has quieter moments between
//!   words. Until one window has passed the floor is the higher of the minimum so far and
//!   `initial_floor_dbfs`, so a noisy line does not trigger in its first second, while speech
//!   that begins after the first block or two of a call is still heard.
//! * **Voiced**: energy at least `snr_db` over the floor and over `min_speech_dbfs`, with a
//!   zero-crossing rate under `max_voiced_zcr` (a vowel-like, low-frequency dominated
//!   spectrum).
//! * **Unvoiced**: loud enough but noise-like (high zero-crossing rate): a fricative, a
//!   breath, a cough, a click. It never starts speech on its own, but the segmenter extends
//!   a segment over it (see [`FrameKind::Unvoiced`]).

use super::features::analyze;
use super::{FrameDetector, FrameKind};

const SUB_WINDOWS: usize = 8;

/// Tuning of [`AdaptiveDetector`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdaptiveConfig {
    /// How far above the noise floor a block must be, in dB.
    pub snr_db: f32,
    /// Blocks quieter than this are never speech.
    pub min_speech_dbfs: f32,
    /// Lowest floor assumed before one window of audio has been seen.
    pub initial_floor_dbfs: f32,
    /// Span of the minimum-statistics window.
    pub floor_window_ms: u32,
    /// Zero crossings per second above which a block is noise-like.
    pub max_voiced_zcr: f32,
}

impl Default for AdaptiveConfig {
    fn default() -> Self {
        Self {
            snr_db: 10.0,
            min_speech_dbfs: -55.0,
            initial_floor_dbfs: -60.0,
            floor_window_ms: 1600,
            max_voiced_zcr: 3000.0,
        }
    }
}

/// The adaptive noise-floor detector.
#[derive(Debug, Clone)]
pub struct AdaptiveDetector {
    config: AdaptiveConfig,
    /// Minimum block energy of each finished sub-window (oldest overwritten first).
    minima: [f32; SUB_WINDOWS],
    next: usize,
    /// Finished sub-windows so far, up to `SUB_WINDOWS` (warm-up while fewer).
    filled: usize,
    /// Minimum of the running sub-window.
    current_min: f32,
    /// Microseconds elapsed in the running sub-window.
    current_us: u64,
}

impl AdaptiveDetector {
    /// A detector with the given tuning.
    pub fn new(config: AdaptiveConfig) -> Self {
        Self {
            config,
            minima: [f32::INFINITY; SUB_WINDOWS],
            next: 0,
            filled: 0,
            current_min: f32::INFINITY,
            current_us: 0,
        }
    }

    /// The current noise-floor estimate in dBFS.
    pub fn noise_floor_dbfs(&self) -> f32 {
        let observed = self.minima.iter().copied().fold(self.current_min, f32::min);
        if observed == f32::INFINITY {
            self.config.initial_floor_dbfs
        } else if self.filled < SUB_WINDOWS {
            observed.max(self.config.initial_floor_dbfs)
        } else {
            observed
        }
    }

    fn track(&mut self, energy: f32, block_us: u64) {
        self.current_min = self.current_min.min(energy);
        self.current_us += block_us;
        let sub_us = u64::from(self.config.floor_window_ms) * 1000 / SUB_WINDOWS as u64;
        if self.current_us >= sub_us {
            self.minima[self.next] = self.current_min;
            self.next = (self.next + 1) % SUB_WINDOWS;
            self.filled = (self.filled + 1).min(SUB_WINDOWS);
            self.current_min = f32::INFINITY;
            self.current_us = 0;
        }
    }
}

impl Default for AdaptiveDetector {
    fn default() -> Self {
        Self::new(AdaptiveConfig::default())
    }
}

impl FrameDetector for AdaptiveDetector {
    fn classify(&mut self, block: &[i16], sample_rate: u32) -> FrameKind {
        let f = analyze(block, sample_rate);
        // Judge against the floor as it was before this block.
        let floor = self.noise_floor_dbfs();
        self.track(
            f.energy_dbfs,
            block.len() as u64 * 1_000_000 / u64::from(sample_rate),
        );
        let loud = f.energy_dbfs >= floor + self.config.snr_db
            && f.energy_dbfs >= self.config.min_speech_dbfs;
        if !loud {
            FrameKind::Background
        } else if f.zero_crossings_per_sec <= self.config.max_voiced_zcr {
            FrameKind::Voiced
        } else {
            FrameKind::Unvoiced
        }
    }

    fn reset(&mut self) {
        *self = Self::new(self.config);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(level: f64, freq: f64, n: usize) -> Vec<i16> {
        (0..n)
            .map(|i| (level * (2.0 * std::f64::consts::PI * freq * i as f64 / 8000.0).sin()) as i16)
            .collect()
    }

    #[test]
    fn floor_follows_a_steady_level_within_one_window() {
        let mut d = AdaptiveDetector::default();
        assert_eq!(d.noise_floor_dbfs(), -60.0);
        let hum = tone(3000.0, 300.0, 160);
        // A steady tone is voiced at first, then becomes the floor.
        assert_eq!(d.classify(&hum, 8000), FrameKind::Voiced);
        for _ in 0..80 {
            d.classify(&hum, 8000);
        }
        assert!(
            (d.noise_floor_dbfs() - -23.8).abs() < 0.5,
            "{}",
            d.noise_floor_dbfs()
        );
        assert_eq!(d.classify(&hum, 8000), FrameKind::Background);
        // It drops at once when the line gets quieter.
        d.classify(&tone(30.0, 300.0, 160), 8000);
        assert!(d.noise_floor_dbfs() < -60.0);
        // During warm-up a loud line raises the floor above the initial value at once.
        d.reset();
        d.classify(&hum, 8000);
        assert!((d.noise_floor_dbfs() - -23.8).abs() < 0.5);
        assert_eq!(d.classify(&hum, 8000), FrameKind::Background);
        d.reset();
        assert_eq!(d.noise_floor_dbfs(), -60.0);
    }

    #[test]
    fn noise_like_blocks_are_unvoiced() {
        let mut d = AdaptiveDetector::default();
        // Alternating samples: 4000 crossings/s at 8 kHz.
        let hiss: Vec<i16> = (0..160)
            .map(|i| if i % 2 == 0 { 5000 } else { -5000 })
            .collect();
        assert_eq!(d.classify(&hiss, 8000), FrameKind::Unvoiced);
        let mut d = AdaptiveDetector::default();
        assert_eq!(
            d.classify(&tone(5000.0, 500.0, 160), 8000),
            FrameKind::Voiced
        );
        let mut d = AdaptiveDetector::default();
        assert_eq!(
            d.classify(&tone(50.0, 500.0, 160), 8000),
            FrameKind::Background
        );
    }
}
