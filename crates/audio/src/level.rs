//! Level metering: RMS and peak in dBFS over a frame.
//!
//! Full scale is 32768 (so a full-scale square wave reads 0 dBFS RMS and a full-scale sine
//! -3.01 dBFS RMS). Digital silence reads [`MIN_DBFS`] rather than minus infinity, so levels
//! can go straight into metrics and comparisons.

use crate::g711::ULAW_TABLE;

/// The floor reported for silence (well below the -96 dB of one 16-bit LSB).
pub const MIN_DBFS: f32 = -120.0;

/// Level of one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Root-mean-square level in dBFS.
    pub rms_dbfs: f32,
    /// Largest absolute sample in dBFS.
    pub peak_dbfs: f32,
}

impl Level {
    /// The level of silence.
    pub const SILENCE: Level = Level {
        rms_dbfs: MIN_DBFS,
        peak_dbfs: MIN_DBFS,
    };
}

/// Measures 16-bit linear samples. An empty slice reads as silence.
pub fn measure(samples: &[i16]) -> Level {
    let mut energy: u64 = 0;
    let mut peak: u32 = 0;
    for &s in samples {
        let v = i32::from(s);
        energy += (v * v) as u64;
        peak = peak.max(v.unsigned_abs());
    }
    from_sums(energy, peak, samples.len())
}

/// Measures mu-law bytes directly (decoding through the table, no intermediate buffer).
pub fn measure_ulaw(bytes: &[u8]) -> Level {
    let mut energy: u64 = 0;
    let mut peak: u32 = 0;
    for &b in bytes {
        let v = i32::from(ULAW_TABLE[b as usize]);
        energy += (v * v) as u64;
        peak = peak.max(v.unsigned_abs());
    }
    from_sums(energy, peak, bytes.len())
}

/// Converts a linear amplitude (full scale 32768) to dBFS, floored at [`MIN_DBFS`].
pub fn amplitude_to_dbfs(amplitude: f64) -> f32 {
    if amplitude <= 0.0 {
        return MIN_DBFS;
    }
    ((20.0 * (amplitude / 32768.0).log10()) as f32).max(MIN_DBFS)
}

/// Converts dBFS to a linear amplitude (full scale 32768).
pub fn dbfs_to_amplitude(dbfs: f32) -> f64 {
    32768.0 * 10f64.powf(f64::from(dbfs) / 20.0)
}

fn from_sums(energy: u64, peak: u32, n: usize) -> Level {
    if n == 0 {
        return Level::SILENCE;
    }
    Level {
        rms_dbfs: amplitude_to_dbfs((energy as f64 / n as f64).sqrt()),
        peak_dbfs: amplitude_to_dbfs(f64::from(peak)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::g711::encode_ulaw;

    #[test]
    fn full_scale_square_is_zero_dbfs() {
        let frame: Vec<i16> = (0..160)
            .map(|i| if i % 2 == 0 { i16::MIN } else { i16::MIN + 1 })
            .collect();
        let l = measure(&frame);
        assert!(l.rms_dbfs.abs() < 0.01 && l.peak_dbfs.abs() < 0.01, "{l:?}");
    }

    #[test]
    fn sine_reads_minus_three_db_below_its_peak() {
        let frame: Vec<i16> = (0..160)
            .map(|i| (16384.0 * (2.0 * std::f64::consts::PI * i as f64 / 16.0).sin()) as i16)
            .collect();
        let l = measure(&frame);
        assert!((l.peak_dbfs - -6.02).abs() < 0.01, "{l:?}");
        assert!((l.rms_dbfs - -9.03).abs() < 0.02, "{l:?}");
    }

    #[test]
    fn silence_and_empty_read_the_floor() {
        assert_eq!(measure(&[0; 160]), Level::SILENCE);
        assert_eq!(measure(&[]), Level::SILENCE);
        assert_eq!(measure_ulaw(&[0xFF; 160]), Level::SILENCE);
        assert_eq!(amplitude_to_dbfs(-1.0), MIN_DBFS);
    }

    #[test]
    fn ulaw_measure_matches_decoded_measure() {
        let pcm: Vec<i16> = (0..160).map(|i| (i * 200 - 16000) as i16).collect();
        let mut bytes = [0u8; 160];
        encode_ulaw(&pcm, &mut bytes);
        let mut decoded = [0i16; 160];
        crate::g711::decode_ulaw(&bytes, &mut decoded);
        assert_eq!(measure_ulaw(&bytes), measure(&decoded));
    }

    #[test]
    fn db_conversions_invert() {
        for db in [-60.0f32, -20.0, -3.0, 0.0] {
            assert!((amplitude_to_dbfs(dbfs_to_amplitude(db)) - db).abs() < 1e-4);
        }
    }
}
