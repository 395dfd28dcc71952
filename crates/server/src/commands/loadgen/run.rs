//! One load point: `calls` simulated callers ramped up, held for the steady state, stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use switchboard_testkit::caller::{CallReport, CallerConfig, SimulatedCaller, TurnTap};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::plan::Plan;
use super::procstat::Sample;
use super::progress::Progress;
use super::target::Target;

/// After the steady state, how long stopped calls get to hang up.
const WIND_DOWN: Duration = Duration::from_secs(30);

/// How one call went.
pub struct CallOutcome {
    /// When its caller was started (after the API call).
    pub dialled_at: Instant,
    /// The report, or why the call never started.
    pub result: Result<CallReport, String>,
}

/// Everything measured at one point, before aggregation.
pub struct PointRaw {
    pub calls: usize,
    pub steady_start: Instant,
    pub steady_end: Instant,
    pub outcomes: Vec<CallOutcome>,
    /// The server before the first call, and at the steady state's start, middle and end.
    pub server: Vec<(Phase, Sample)>,
    pub loadgen: Vec<(Phase, Sample)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    SteadyStart,
    SteadyMiddle,
    SteadyEnd,
}

pub async fn point(
    target: &Target,
    plan: &Plan,
    calls: usize,
    ramp_up: Duration,
    steady: Duration,
) -> PointRaw {
    let mut server = Vec::new();
    let mut loadgen = Vec::new();
    let mut sample = |phase: Phase| {
        server.extend(Sample::read(target.pid).map(|s| (phase, s)));
        loadgen.extend(Sample::read(None).map(|s| (phase, s)));
    };
    sample(Phase::Idle);

    let start = Instant::now();
    let steady_start = start + ramp_up;
    let steady_end = steady_start + steady;
    let stop = CancellationToken::new();
    let tap = TurnTap::default();
    let up = Arc::new(AtomicUsize::new(0));
    let mut callers = JoinSet::new();
    for index in 0..calls {
        let offset = ramp_up.mul_f64(index as f64 / calls as f64);
        let config = CallerConfig::new(target.api.media_url())
            .record_audio(false)
            .call_timeout(ramp_up + steady + WIND_DOWN)
            .stop_on(stop.clone())
            .tap(tap.clone());
        let (api, agent, script, up) = (
            target.api.clone(),
            target.agent_id.clone(),
            plan.script.clone(),
            up.clone(),
        );
        callers.spawn(async move {
            tokio::time::sleep_until(start + offset).await;
            let call = match api.start_web_call(&agent).await {
                Ok(call) => call,
                Err(e) => {
                    return CallOutcome {
                        dialled_at: Instant::now(),
                        result: Err(format!("{e:#}")),
                    };
                }
            };
            let dialled_at = Instant::now();
            up.fetch_add(1, Ordering::Relaxed);
            let config = config.parameter("stream_token", call.stream_token);
            let result = SimulatedCaller::new(config).run(script).await;
            up.fetch_sub(1, Ordering::Relaxed);
            CallOutcome {
                dialled_at,
                result: result.map_err(|e| e.to_string()),
            }
        });
    }

    let mut progress = Progress::new(calls, start);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut middle_taken = false;
    let mut steady_started = false;
    loop {
        tick.tick().await;
        let now = Instant::now();
        progress.update(up.load(Ordering::Relaxed), tap.take(), plan);
        if !steady_started && now >= steady_start {
            steady_started = true;
            sample(Phase::SteadyStart);
        }
        if !middle_taken && now >= steady_start + steady / 2 {
            middle_taken = true;
            sample(Phase::SteadyMiddle);
        }
        if now >= steady_end {
            sample(Phase::SteadyEnd);
            break;
        }
    }
    stop.cancel();
    progress.finish();

    let mut outcomes = Vec::with_capacity(calls);
    while let Some(joined) = callers.join_next().await {
        outcomes.push(joined.unwrap_or_else(|e| CallOutcome {
            dialled_at: Instant::now(),
            result: Err(format!("the caller task failed: {e}")),
        }));
    }
    PointRaw {
        calls,
        steady_start,
        steady_end,
        outcomes,
        server,
        loadgen,
    }
}
