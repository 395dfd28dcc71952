use std::time::Duration;

use switchboard_testkit::fakes::realtime::Reply;
use switchboard_voice::EndReason;
use switchboard_voice::records::Speaker;

use crate::harness::{S2sCall, script, spec};

#[tokio::test]
async fn a_silent_caller_is_reprompted_then_hung_up_on_counting_from_the_first_silence() {
    let mut spec = spec();
    spec.silence.reprompt_after = Duration::from_millis(800);
    spec.silence.hangup_after = Duration::from_millis(1600);
    spec.silence.reprompt_message = "Are you still there?".into();
    spec.silence.goodbye_message = "Goodbye for now.".into();
    let mut script = script();
    script.replies = vec![
        Reply::say(spec.silence.reprompt_message.clone()),
        Reply::say(spec.silence.goodbye_message.clone()),
    ];
    let mut s2s = S2sCall::start(script, spec.clone()).await;

    let report = s2s.call.finish().await;
    s2s.drain().await;

    assert_eq!(
        report.end_reason,
        EndReason::HungUp {
            reason: "no answer from the caller".into()
        }
    );
    let reprompt = s2s.events("reprompt");
    let hang_up = s2s.events("silence_hangup");
    assert_eq!((reprompt.len(), hang_up.len()), (1, 1));
    assert!(reprompt[0].at_ms >= 800, "{reprompt:?}");
    // From the silence's start, not from the end of the reprompt (about 1300 ms).
    assert!((1600..2500).contains(&hang_up[0].at_ms), "{hang_up:?}");
    let asked: Vec<String> = s2s
        .fake
        .client_events_of("response.create")
        .iter()
        .map(|e| e["response"]["instructions"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(asked.len(), 2);
    assert!(asked[0].contains(&spec.silence.reprompt_message));
    assert!(asked[1].contains(&spec.silence.goodbye_message));
    assert_eq!(
        s2s.said(),
        vec![
            (Speaker::Agent, spec.silence.reprompt_message.clone()),
            (Speaker::Agent, spec.silence.goodbye_message.clone()),
        ]
    );
}

#[tokio::test]
async fn the_time_limit_warns_then_ends_the_call_with_the_last_words() {
    let mut spec = spec();
    spec.duration.max = Duration::from_millis(1500);
    spec.duration.warning_before = Duration::from_millis(1000);
    spec.duration.warning_message = "One minute left.".into();
    spec.duration.end_message = "Time is up, goodbye.".into();
    let mut script = script();
    script.replies = vec![
        Reply::say(spec.duration.warning_message.clone()),
        Reply::say(spec.duration.end_message.clone()),
    ];
    let mut s2s = S2sCall::start(script, spec.clone()).await;

    let report = s2s.call.finish().await;
    s2s.drain().await;

    assert_eq!(
        report.end_reason,
        EndReason::HungUp {
            reason: "time limit reached".into()
        }
    );
    assert_eq!(s2s.events("duration_warning").len(), 1);
    let limit = s2s.events("duration_limit");
    assert_eq!(limit.len(), 1);
    assert!(limit[0].at_ms >= 1500, "{limit:?}");
    assert!(s2s.has_entry(Speaker::Agent, &spec.duration.end_message));
}
