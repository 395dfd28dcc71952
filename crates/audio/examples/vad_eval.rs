//! Prints the VAD evaluation table: each candidate on each fixture (and derived variant).
//!
//! `cargo run --release -p switchboard-audio --example vad_eval [ONSET_MS]` (release for
//! meaningful ns/frame; the quality columns do not depend on the build). ONSET_MS overrides
//! the default onset time.

#[path = "../tests/support/vad_eval.rs"]
mod vad_eval;

use vad_eval::{CANDIDATES, cases, run_candidate, score};

fn fmt_list(v: &[i64]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.iter()
        .map(|x| format!("{x:+}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let onset: Option<u32> = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("onset in ms"));
    let cases = cases();
    println!(
        "| candidate | fixture | utterances | onset err ms | offset err ms | start emitted after ms | missed | splits | false triggers | false speech ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut summary = Vec::new();
    for (i, name) in CANDIDATES.iter().enumerate() {
        let (mut worst_onset, mut false_triggers, mut missed, mut ns, mut frames) =
            (0i64, 0, 0, 0.0, 0.0);
        for case in &cases {
            let (detected, ns_per_frame) = run_candidate(i, case, onset);
            let s = score(case, &detected);
            let n = case.samples.len() as f64 / (case.rate as f64 / 50.0);
            ns += ns_per_frame * n;
            frames += n;
            worst_onset = s
                .onset_errors
                .iter()
                .fold(worst_onset, |m, &e| m.max(e.abs()));
            false_triggers += s.false_triggers;
            missed += s.missed;
            println!(
                "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                case.name,
                case.truth.len(),
                fmt_list(&s.onset_errors),
                fmt_list(&s.offset_errors),
                fmt_list(&s.latencies),
                s.missed,
                s.splits,
                s.false_triggers,
                s.false_ms
            );
        }
        summary.push((name, worst_onset, missed, false_triggers, ns / frames));
    }
    println!();
    println!(
        "| candidate | worst abs onset err ms | missed | false triggers | ns per 20 ms frame (this run) |"
    );
    println!("|---|---|---|---|---|");
    for (name, onset, missed, ft, ns) in summary {
        println!("| {name} | {onset} | {missed} | {ft} | {ns:.0} |");
    }
}
