//! The fallback chain switching providers mid-call.

use std::sync::Arc;
use std::time::Duration;

use switchboard_providers::stt::{
    DeepgramLive, FallbackPolicy, FallbackStt, ProviderSwitch, StreamOptions, StreamingStt,
    SttEvent,
};
use switchboard_testkit::fakes::stt::{DeepgramScript, FakeDeepgram};

use super::support::{self, KEY, SCRIPT};

fn script(utterances: &[&str]) -> DeepgramScript {
    DeepgramScript {
        utterances: utterances.iter().map(|s| s.to_string()).collect(),
        final_latency: Duration::from_millis(100),
        ..DeepgramScript::new(KEY)
    }
}

fn live(fake: &FakeDeepgram, name: &str) -> Arc<dyn StreamingStt> {
    Arc::new(DeepgramLive::new(support::deepgram(fake.ws_url())).named(name))
}

/// Runs the caller fixture through `chain`; returns the events.
async fn call(chain: FallbackStt) -> Vec<SttEvent> {
    let (sender, mut events, _guard) = chain
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap()
        .split();
    let reader =
        tokio::spawn(async move { support::collect(&mut events, Duration::from_secs(15)).await });
    let mut audio = support::caller_audio();
    audio.extend(support::silence(1200));
    support::pump(&sender, &audio, 5).await;
    sender.close().await.unwrap();
    let (got, error) = reader.await.unwrap();
    assert!(error.is_none(), "{error:?}");
    got.into_iter().map(|(_, e)| e).collect()
}

fn switches(events: &[SttEvent]) -> Vec<ProviderSwitch> {
    events
        .iter()
        .filter_map(|e| match e {
            SttEvent::ProviderSwitched(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn finals_with_times(events: &[SttEvent]) -> Vec<(String, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            SttEvent::Transcript(t) if t.speech_final => {
                Some((t.text.clone(), t.start.as_millis() as u64))
            }
            _ => None,
        })
        .collect()
}

/// The primary closes with 1011 in the middle of the second utterance; the secondary gets the
/// audio since the last final replayed and finishes the call, in stream time.
#[tokio::test]
async fn an_error_mid_utterance_switches_and_replays() {
    let primary = FakeDeepgram::start(DeepgramScript {
        close_at_audio: Some((Duration::from_millis(5200), 1011, "NET-0000".into())),
        ..script(&SCRIPT)
    })
    .await
    .unwrap();
    let secondary = FakeDeepgram::start(script(&SCRIPT[1..])).await.unwrap();
    let chain = FallbackStt::new(
        vec![
            live(&primary, "dg-primary"),
            live(&secondary, "dg-secondary"),
        ],
        FallbackPolicy::default(),
    );
    let events = call(chain).await;

    let switched = switches(&events);
    assert_eq!(switched.len(), 1, "{switched:?}");
    assert_eq!(switched[0].failed, "dg-primary");
    assert_eq!(switched[0].took_over.as_deref(), Some("dg-secondary"));
    assert!(
        switched[0].reason.contains("NET-0000"),
        "{}",
        switched[0].reason
    );
    assert!(switched[0].at_audio >= Duration::from_millis(5200));

    let finals = finals_with_times(&events);
    let texts: Vec<&str> = finals.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts, SCRIPT);
    for ((_, start), (label, _)) in finals.iter().zip(support::labels()) {
        assert!(
            start.abs_diff(label) <= 100,
            "start {start} vs label {label}: timestamps must be in stream time"
        );
    }
    assert!(matches!(events.last(), Some(SttEvent::Closed { .. })));
}

/// The primary hangs after the first utterance: no final within the budget after the caller
/// stops speaking, so the secondary takes over.
#[tokio::test]
async fn a_blown_latency_budget_switches() {
    let primary = FakeDeepgram::start(DeepgramScript {
        // After the first final (due 20 ms after the audio at ~4.06 s), before the second utterance.
        stall_at_audio: Some(Duration::from_millis(4500)),
        final_latency: Duration::from_millis(20),
        ..script(&SCRIPT)
    })
    .await
    .unwrap();
    let secondary = FakeDeepgram::start(script(&SCRIPT[1..])).await.unwrap();
    let policy = FallbackPolicy {
        final_budget: Some(Duration::from_millis(400)),
        ..FallbackPolicy::default()
    };
    let chain = FallbackStt::new(
        vec![live(&primary, "slow"), live(&secondary, "backup")],
        policy,
    );
    let events = call(chain).await;

    let switched = switches(&events);
    assert_eq!(switched.len(), 1, "{switched:?}");
    assert_eq!(
        (
            switched[0].failed.as_str(),
            switched[0].took_over.as_deref()
        ),
        ("slow", Some("backup"))
    );
    assert!(
        switched[0].reason.contains("no final within 400 ms"),
        "{}",
        switched[0].reason
    );
    let texts: Vec<String> = finals_with_times(&events)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(texts, SCRIPT);
}

/// A provider that refuses the connection is skipped at open, and the skip is recorded.
#[tokio::test]
async fn a_refused_open_falls_through() {
    let good = FakeDeepgram::start(script(&SCRIPT)).await.unwrap();
    let mut bad_config = support::deepgram(good.ws_url());
    bad_config.api_key = "revoked".into();
    let bad: Arc<dyn StreamingStt> = Arc::new(DeepgramLive::new(bad_config).named("revoked"));
    let chain = FallbackStt::new(vec![bad, live(&good, "good")], FallbackPolicy::default());
    let events = call(chain).await;
    let switched = switches(&events);
    assert_eq!(switched.len(), 1);
    assert_eq!(
        (
            switched[0].failed.as_str(),
            switched[0].took_over.as_deref()
        ),
        ("revoked", Some("good"))
    );
    assert!(switched[0].reason.contains("401"));
    assert_eq!(finals_with_times(&events).len(), 3);
}

/// When every provider has failed, the last switch names no successor and the error ends
/// the stream.
#[tokio::test]
async fn an_exhausted_chain_reports_the_error() {
    let only = FakeDeepgram::start(DeepgramScript {
        close_at_audio: Some((Duration::from_millis(300), 1011, "NET-0000".into())),
        ..script(&SCRIPT)
    })
    .await
    .unwrap();
    let chain = FallbackStt::new(vec![live(&only, "only")], FallbackPolicy::default());
    let (sender, mut events, _guard) = chain
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap()
        .split();
    let pusher =
        tokio::spawn(async move { support::pump(&sender, &support::silence(2000), 10).await });
    let (got, error) = support::collect(&mut events, Duration::from_secs(5)).await;
    pusher.abort();
    let switched: Vec<SttEvent> = got.into_iter().map(|(_, e)| e).collect();
    let switched = switches(&switched);
    assert_eq!(switched.len(), 1);
    assert_eq!(
        (
            switched[0].failed.as_str(),
            switched[0].took_over.as_deref()
        ),
        ("only", None)
    );
    assert!(
        error
            .expect("the stream fails")
            .to_string()
            .contains("NET-0000")
    );
}
