//! Candidate A: a fixed energy threshold. The baseline the adaptive detector is measured
//! against; kept because it is the cheapest possible detector and easy to reason about.

use super::features::analyze;
use super::{FrameDetector, FrameKind};

/// Calls a block voiced when its DC-free RMS level is at or above a fixed threshold.
#[derive(Debug, Clone)]
pub struct EnergyDetector {
    threshold_dbfs: f32,
}

impl EnergyDetector {
    /// Default threshold: -40 dBFS, about 15-20 dB under conversational speech on a phone
    /// line and 8-15 dB over typical line noise.
    pub const DEFAULT_THRESHOLD_DBFS: f32 = -40.0;

    /// A detector with the given threshold in dBFS.
    pub fn new(threshold_dbfs: f32) -> Self {
        Self { threshold_dbfs }
    }
}

impl Default for EnergyDetector {
    fn default() -> Self {
        Self::new(Self::DEFAULT_THRESHOLD_DBFS)
    }
}

impl FrameDetector for EnergyDetector {
    fn classify(&mut self, block: &[i16], sample_rate: u32) -> FrameKind {
        if analyze(block, sample_rate).energy_dbfs >= self.threshold_dbfs {
            FrameKind::Voiced
        } else {
            FrameKind::Background
        }
    }

    fn reset(&mut self) {}
}
