//! Per-block measurements shared by the detectors.

use crate::level::MIN_DBFS;

/// What a detector sees of one analysis block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockFeatures {
    /// RMS level with the block's DC offset removed, in dBFS (floored at [`MIN_DBFS`]).
    pub energy_dbfs: f32,
    /// Zero crossings of the DC-free signal per second. A rough spectral centroid: about
    /// twice the dominant frequency, so voiced speech sits around 300-2500/s, white noise at
    /// the sample rate / 2 (4000/s at 8 kHz) and above.
    pub zero_crossings_per_sec: f32,
}

/// Measures one block. An empty block reads as silence.
pub fn analyze(block: &[i16], sample_rate: u32) -> BlockFeatures {
    let n = block.len() as i64;
    if n == 0 {
        return BlockFeatures {
            energy_dbfs: MIN_DBFS,
            zero_crossings_per_sec: 0.0,
        };
    }
    let (mut sum, mut sum_sq) = (0i64, 0i64);
    for &s in block {
        let v = i64::from(s);
        sum += v;
        sum_sq += v * v;
    }
    // Crossings of the block mean: sample > mean  <=>  sample * n > sum (no division).
    let mut crossings = 0u32;
    let mut above = i64::from(block[0]) * n > sum;
    for &s in &block[1..] {
        let now = i64::from(s) * n > sum;
        crossings += u32::from(now != above);
        above = now;
    }
    let variance = (sum_sq as f64 - (sum as f64 * sum as f64) / n as f64) / n as f64;
    let energy_dbfs = if variance <= 0.0 {
        MIN_DBFS
    } else {
        ((10.0 * (variance / (32768.0 * 32768.0)).log10()) as f32).max(MIN_DBFS)
    };
    BlockFeatures {
        energy_dbfs,
        zero_crossings_per_sec: crossings as f32 * sample_rate as f32 / n as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_level_and_crossings() {
        // 1 kHz square-ish tone at 8 kHz with a DC offset: 2000 crossings/s, offset ignored.
        let block: Vec<i16> = (0..160)
            .map(|i| {
                if (i / 4) % 2 == 0 {
                    1000 + 8000
                } else {
                    1000 - 8000
                }
            })
            .collect();
        let f = analyze(&block, 8000);
        assert!(
            (f.energy_dbfs - 20.0 * (8000.0f32 / 32768.0).log10()).abs() < 0.01,
            "{f:?}"
        );
        assert!((f.zero_crossings_per_sec - 2000.0).abs() < 60.0, "{f:?}");
        let silent = analyze(&[5; 80], 8000);
        assert_eq!(silent.energy_dbfs, MIN_DBFS);
        assert_eq!(silent.zero_crossings_per_sec, 0.0);
        assert_eq!(analyze(&[], 8000).energy_dbfs, MIN_DBFS);
    }
}
