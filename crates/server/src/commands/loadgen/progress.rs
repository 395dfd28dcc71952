//! The live progress line on standard error.

use std::io::Write;

use switchboard_testkit::caller::TurnTiming;
use tokio::time::Instant;

use super::plan::Plan;
use super::stats::Percentiles;

pub struct Progress {
    calls: usize,
    start: Instant,
    latencies: Vec<f64>,
    added: Vec<f64>,
}

impl Progress {
    pub fn new(calls: usize, start: Instant) -> Self {
        Progress {
            calls,
            start,
            latencies: Vec::new(),
            added: Vec::new(),
        }
    }

    /// Redraws the line with the calls up now and the turns answered since the last update.
    pub fn update(&mut self, up: usize, answered: Vec<TurnTiming>, plan: &Plan) {
        for turn in answered {
            let Some(latency) = turn.latency() else {
                continue;
            };
            self.latencies.push(latency.as_secs_f64() * 1000.0);
            if let Some(expected) = plan.expected(turn.step) {
                self.added
                    .push((latency.as_secs_f64() - expected.as_secs_f64()) * 1000.0);
            }
        }
        let total = Percentiles::of(&mut self.latencies, 0);
        let added = Percentiles::of(&mut self.added, 0);
        eprint!(
            "\r[{:>5.1} s] calls up {up:>4}/{}  turns {:>6}  voice-to-voice p50 {:>6.1} ms p99 {:>6.1} ms  server-added p50 {:>6.1} ms p99 {:>6.1} ms ",
            self.start.elapsed().as_secs_f64(),
            self.calls,
            total.count,
            total.p50,
            total.p99,
            added.p50,
            added.p99,
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&self) {
        eprintln!();
    }
}
