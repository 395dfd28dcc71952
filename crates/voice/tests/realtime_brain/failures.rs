use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::realtime::Reply;
use switchboard_voice::EndReason;
use switchboard_voice::records::Speaker;

use crate::harness::{S2sCall, script, short_utterance, spec};

const GREETING: &str = "Hi there.";

#[tokio::test]
async fn a_server_error_gets_an_apology_and_a_hang_up() {
    let spec = {
        let mut spec = spec();
        spec.first_message = Some(GREETING.into());
        spec.apology = "Sorry, we have trouble. Goodbye.".into();
        spec
    };
    let mut script = script();
    script.caller_said = vec!["Hello?".into()];
    script.replies = vec![
        Reply::say(GREETING),
        Reply::error("server_error", "server_error", "The server had an error."),
        Reply::say(spec.apology.clone()),
    ];
    let mut s2s = S2sCall::start(script, spec.clone()).await;

    s2s.until("the greeting", |s| s.has_entry(Speaker::Agent, GREETING))
        .await;
    s2s.say(&short_utterance()).await;
    let report = s2s.call.finish().await;
    s2s.drain().await;

    assert_eq!(
        report.end_reason,
        EndReason::HungUp {
            reason: "provider failed".into()
        }
    );
    let failed = s2s.events("s2s_failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].data.contains("The server had an error."),
        "{failed:?}"
    );
    let asked = s2s.fake.client_events_of("response.create");
    let apology = asked.last().unwrap()["response"]["instructions"]
        .as_str()
        .unwrap();
    assert!(apology.contains(&spec.apology), "{apology}");
    assert_eq!(
        s2s.transcript().last().map(|e| (e.speaker, e.text.clone())),
        Some((Speaker::Agent, spec.apology.clone()))
    );
}

#[tokio::test]
async fn a_dropped_connection_ends_the_call_with_a_timeline_event() {
    let mut spec = spec();
    spec.first_message = Some("Welcome to the Blue Door, how can I help you tonight?".into());
    let mut script = script();
    script.replies = vec![Reply::say(spec.first_message.clone().unwrap())];
    script.faults = Faults {
        drop_after_chunks: Some(3),
        ..Faults::default()
    };
    let mut s2s = S2sCall::start(script, spec).await;

    let report = s2s.call.finish().await;
    s2s.drain().await;

    assert_eq!(
        report.end_reason,
        EndReason::HungUp {
            reason: "speech-to-speech provider failed".into()
        }
    );
    assert_eq!(s2s.events("s2s_failed").len(), 1);
    assert_eq!(s2s.events("hang_up").len(), 1);
}
