//! Percentiles of latency samples, in milliseconds.

use serde::Serialize;

/// p50 / p95 / p99 / max of a set of samples (milliseconds), and how many there were.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Percentiles {
    pub count: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles; `zeros` extra samples of 0 count too (on-time frames,
    /// which are not stored one by one), below every sample (which must then be positive).
    pub fn of(samples: &mut [f64], zeros: usize) -> Percentiles {
        samples.sort_by(f64::total_cmp);
        let count = samples.len() + zeros;
        if count == 0 {
            return Percentiles::default();
        }
        let at = |q: f64| -> f64 {
            let rank = ((q * count as f64).ceil() as usize).clamp(1, count);
            rank.checked_sub(zeros + 1)
                .map_or(0.0, |index| samples[index])
        };
        Percentiles {
            count,
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: match (samples.last(), zeros) {
                (Some(&last), 0) => last,
                (last, _) => last.copied().unwrap_or(0.0).max(0.0),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let mut samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(&mut samples, 0);
        assert_eq!(
            (p.count, p.p50, p.p95, p.p99, p.max),
            (100, 50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(Percentiles::of(&mut [], 0).count, 0);
    }

    #[test]
    fn implicit_zeros_sit_below_the_samples() {
        // 98 on-time frames and two late ones: p50 is 0, p99 the smaller late one.
        let p = Percentiles::of(&mut [30.0, 10.0], 98);
        assert_eq!((p.count, p.p50, p.p99, p.max), (100, 0.0, 10.0, 30.0));
    }
}
