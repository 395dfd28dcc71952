//! The results as a table (standard output), JSON and a Markdown section.

use std::fmt::Write;

use serde::Serialize;

use super::metrics::PointReport;
use super::plan::Delays;

/// What a run writes as JSON.
#[derive(Serialize)]
pub struct RunReport<'a> {
    pub target: &'a str,
    pub ramp_up_secs: f64,
    pub steady_secs: f64,
    pub delays: Delays,
    pub points: &'a [PointReport],
}

fn opt(value: Option<f64>, digits: usize) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.digits$}"))
}

/// One Markdown table: a row per point.
pub fn markdown_table(points: &[PointReport]) -> String {
    let mut out = String::from(
        "| calls | turns | voice-to-voice p50 / p95 / p99 ms | server-added p50 / p95 / p99 ms | pacing error p50 / p99 / max ms | late frames (>40 ms) | barge-in silence p50 / p99 ms | barge-in clear p50 / p99 ms | unanswered | failed | dropped | server CPU % | server RSS idle / steady MiB | RSS per call KiB | loadgen CPU % | loadgen late sends |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for p in points {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} / {:.0} / {:.0} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} / {:.1} | {} | {:.0} / {:.0} | {:.0} / {:.0} | {} | {} | {} | {} | {} / {} | {} | {} | {} |",
            p.calls,
            p.turns,
            p.voice_to_voice_ms.p50,
            p.voice_to_voice_ms.p95,
            p.voice_to_voice_ms.p99,
            p.server_added_ms.p50,
            p.server_added_ms.p95,
            p.server_added_ms.p99,
            p.outbound_pacing_error_ms.p50,
            p.outbound_pacing_error_ms.p99,
            p.outbound_pacing_error_ms.max,
            p.late_outbound_frames,
            p.barge_in_silence_ms.p50,
            p.barge_in_silence_ms.p99,
            p.barge_in_clear_ms.p50,
            p.barge_in_clear_ms.p99,
            p.unanswered_waits,
            p.failed_calls,
            p.dropped_calls,
            opt(p.server_cpu_percent, 0),
            opt(p.server_rss_idle_mib, 1),
            opt(p.server_rss_steady_mib, 1),
            opt(p.server_rss_per_call_kib, 0),
            opt(p.loadgen_cpu_percent, 0),
            p.loadgen_late_sends,
        );
    }
    out
}

/// A short human summary of one point, for the terminal.
pub fn summary(p: &PointReport) -> String {
    let mut out = format!(
        "{} calls: {} turns; voice-to-voice p50 {:.0} / p95 {:.0} / p99 {:.0} ms; server-added p50 {:.1} / p95 {:.1} / p99 {:.1} ms\n  \
         outbound pacing error p99 {:.1} ms (max {:.1}), {} frames > 40 ms late; barge-in: silent after p50 {:.0} / p99 {:.0} ms, clear after p50 {:.0} / p99 {:.0} ms\n  \
         unanswered waits {}, failed calls {}, dropped calls {}, protocol errors {}; server CPU {} %, RSS {} -> {} MiB ({} KiB per call); loadgen CPU {} %, {} caller frames sent late",
        p.calls,
        p.turns,
        p.voice_to_voice_ms.p50,
        p.voice_to_voice_ms.p95,
        p.voice_to_voice_ms.p99,
        p.server_added_ms.p50,
        p.server_added_ms.p95,
        p.server_added_ms.p99,
        p.outbound_pacing_error_ms.p99,
        p.outbound_pacing_error_ms.max,
        p.late_outbound_frames,
        p.barge_in_silence_ms.p50,
        p.barge_in_silence_ms.p99,
        p.barge_in_clear_ms.p50,
        p.barge_in_clear_ms.p99,
        p.unanswered_waits,
        p.failed_calls,
        p.dropped_calls,
        p.protocol_errors,
        opt(p.server_cpu_percent, 0),
        opt(p.server_rss_idle_mib, 1),
        opt(p.server_rss_steady_mib, 1),
        opt(p.server_rss_per_call_kib, 0),
        opt(p.loadgen_cpu_percent, 0),
        p.loadgen_late_sends,
    );
    for example in &p.failure_examples {
        let _ = write!(out, "\n  {example}");
    }
    out
}
