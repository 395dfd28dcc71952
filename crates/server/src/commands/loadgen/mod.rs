//! `switchboard loadgen`: many simulated callers against a Switchboard, measuring what a
//! caller feels (voice-to-voice latency, outbound pacing, barge-in) and what the server
//! costs (CPU, memory per call). See docs/loadgen.md.

mod api;
mod metrics;
mod output;
mod plan;
mod procstat;
mod progress;
mod run;
mod stats;
mod svg;
mod target;

use std::time::Duration;

use anyhow::Context;

use crate::cli::LoadgenArgs;

pub async fn run(args: LoadgenArgs) -> anyhow::Result<()> {
    let plan = plan::Plan::new(&args)?;
    let ramp_up = Duration::from_secs_f64(args.ramp_up_secs.max(0.0));
    let steady = Duration::from_secs_f64(args.duration_secs.max(1.0));
    let mut points = Vec::new();
    for &calls in &args.calls {
        let target = target::Target::prepare(&args, &plan.suite).await?;
        eprintln!(
            "{calls} calls: ramp-up {ramp_up:?}, steady state {steady:?}, against {}",
            target.api.media_url()
        );
        let raw = run::point(&target, &plan, calls, ramp_up, steady).await;
        let report = metrics::aggregate(&raw, &plan);
        let troubled = report.failed_calls + report.dropped_calls > 0;
        target.finish(args.keep_server_log || troubled);
        println!("{}", output::summary(&report));
        points.push(report);
    }
    println!("\n{}", output::markdown_table(&points));

    let target = args.url.as_deref().unwrap_or("spawned");
    if let Some(path) = &args.json {
        let report = output::RunReport {
            target,
            ramp_up_secs: ramp_up.as_secs_f64(),
            steady_secs: steady.as_secs_f64(),
            delays: plan.delays,
            points: &points,
        };
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.markdown {
        std::fs::write(path, output::markdown_table(&points))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.svg {
        std::fs::write(path, svg::render(&points))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
