//! One point's measurements, aggregated over its calls.

use serde::Serialize;
use switchboard_testkit::caller::CallEnd;

use super::plan::Plan;
use super::run::{Phase, PointRaw};
use super::stats::Percentiles;

/// Outbound frames later than this leave an audible gap (DESIGN §9: p99 under 40 ms).
const LATE_FRAME_MS: f64 = 40.0;

#[derive(Debug, Clone, Serialize)]
pub struct PointReport {
    pub calls: usize,
    /// Answered caller turns that ended in the steady state.
    pub turns: usize,
    /// Caller end of speech to the first agent audio received, ms.
    pub voice_to_voice_ms: Percentiles,
    /// The same minus the fakes' configured delays and the endpointing wait, ms.
    pub server_added_ms: Percentiles,
    /// Lateness of the agent's frames against their segment's schedule (all frames, the
    /// on-time ones as 0), ms.
    pub outbound_pacing_error_ms: Percentiles,
    /// Agent frames more than 40 ms late.
    pub late_outbound_frames: usize,
    /// Caller speech onset over the agent to the agent falling silent in the caller's ear.
    pub barge_in_silence_ms: Percentiles,
    /// Caller speech onset over the agent to the server's `clear` (the agent waits for the
    /// caller's words before clearing: see docs/conversation.md).
    pub barge_in_clear_ms: Percentiles,
    /// Waits for the agent that gave up (10 s without an answer).
    pub unanswered_waits: usize,
    /// Calls that never started (API or WebSocket refused).
    pub failed_calls: usize,
    /// Calls that started and ended other than by the caller (server close, lost).
    pub dropped_calls: usize,
    pub protocol_errors: usize,
    /// Server CPU over the steady state, % of one core (100 = one core busy).
    pub server_cpu_percent: Option<f64>,
    pub server_rss_idle_mib: Option<f64>,
    pub server_rss_steady_mib: Option<f64>,
    /// (steady RSS - idle RSS) / calls.
    pub server_rss_per_call_kib: Option<f64>,
    /// The loadgen's own CPU (callers and, when it started the server, the fakes).
    pub loadgen_cpu_percent: Option<f64>,
    /// Caller frames the loadgen sent more than 20 ms behind schedule: when many are, the
    /// loadgen itself is short of CPU and every timing above is inflated by it.
    pub loadgen_late_sends: u64,
    /// The first few reasons calls failed or dropped, for the operator.
    pub failure_examples: Vec<String>,
    /// Every steady turn's voice-to-voice latency, sorted, for the distribution plot.
    #[serde(skip)]
    pub voice_to_voice_samples: Vec<f64>,
}

pub fn aggregate(raw: &PointRaw, plan: &Plan) -> PointReport {
    let mut v2v = Vec::new();
    let mut added = Vec::new();
    let mut late = Vec::new();
    let mut frames = 0usize;
    let mut silence = Vec::new();
    let mut clear = Vec::new();
    let (mut unanswered, mut failed, mut dropped, mut protocol) = (0, 0, 0, 0);
    let mut late_sends = 0;
    let mut failure_examples = Vec::new();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    for outcome in &raw.outcomes {
        let report = match &outcome.result {
            Ok(report) => report,
            Err(reason) => {
                failed += 1;
                if failure_examples.len() < 5 {
                    failure_examples.push(format!("failed: {reason}"));
                }
                continue;
            }
        };
        if !matches!(report.ended_by, CallEnd::HungUp | CallEnd::Stopped) {
            dropped += 1;
            if failure_examples.len() < 5 {
                failure_examples.push(format!(
                    "dropped: {:?} {:?}",
                    report.ended_by, report.server_close
                ));
            }
        }
        protocol += report.protocol_errors.len();
        late_sends += report.pacing.late_frames;
        unanswered += report.timed_out_steps.len();
        frames += report.outbound.frames as usize;
        late.extend(report.outbound.late.iter().map(|&d| ms(d)));
        let connected = outcome.dialled_at + report.connect_time;
        let steady = |at: std::time::Duration| {
            let at = connected + at;
            at >= raw.steady_start && at <= raw.steady_end
        };
        for turn in &report.turns {
            let Some(latency) = turn.latency() else {
                continue;
            };
            if !steady(turn.speech_end_at) {
                continue;
            }
            v2v.push(ms(latency));
            if let Some(expected) = plan.expected(turn.step) {
                added.push(ms(latency) - ms(expected));
            }
        }
        for barge_in in report.barge_ins.iter().filter(|b| steady(b.onset_at)) {
            silence.extend(barge_in.silence_latency().map(ms));
            clear.extend(barge_in.latency().map(ms));
        }
    }
    let late_outbound_frames = late.iter().filter(|&&l| l > LATE_FRAME_MS).count();
    let on_time = frames.saturating_sub(late.len());

    let find = |samples: &[(Phase, super::procstat::Sample)], phase| {
        samples.iter().find(|(p, _)| *p == phase).map(|(_, s)| *s)
    };
    let cpu = |samples: &[(Phase, super::procstat::Sample)]| {
        Some(
            find(samples, Phase::SteadyEnd)?.cpu_percent_since(&find(samples, Phase::SteadyStart)?),
        )
    };
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let idle = find(&raw.server, Phase::Idle).map(|s| s.rss_bytes);
    // The largest steady reading: memory per call is what a machine must have room for.
    let steady_rss = raw
        .server
        .iter()
        .filter(|(p, _)| *p != Phase::Idle)
        .map(|(_, s)| s.rss_bytes)
        .max();
    let per_call = match (idle, steady_rss) {
        (Some(idle), Some(steady)) if raw.calls > 0 => {
            Some(steady.saturating_sub(idle) as f64 / 1024.0 / raw.calls as f64)
        }
        _ => None,
    };
    let voice_to_voice_ms = Percentiles::of(&mut v2v, 0);
    PointReport {
        calls: raw.calls,
        turns: v2v.len(),
        voice_to_voice_ms,
        server_added_ms: Percentiles::of(&mut added, 0),
        outbound_pacing_error_ms: Percentiles::of(&mut late, on_time),
        late_outbound_frames,
        barge_in_silence_ms: Percentiles::of(&mut silence, 0),
        barge_in_clear_ms: Percentiles::of(&mut clear, 0),
        unanswered_waits: unanswered,
        failed_calls: failed,
        dropped_calls: dropped,
        protocol_errors: protocol,
        server_cpu_percent: cpu(&raw.server),
        server_rss_idle_mib: idle.map(mib),
        server_rss_steady_mib: steady_rss.map(mib),
        server_rss_per_call_kib: per_call,
        loadgen_cpu_percent: cpu(&raw.loadgen),
        loadgen_late_sends: late_sends,
        failure_examples,
        voice_to_voice_samples: v2v,
    }
}
