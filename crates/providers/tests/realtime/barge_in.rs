//! Barge-in: the caller talks over the answer; the client truncates the assistant item at
//! what was played and cancels the response.

use std::time::Duration;

use switchboard_providers::realtime::{
    OpenAiRealtime, RealtimeEvent, ResponseStatus, TurnDetection,
};
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::realtime::{FakeRealtime, RealtimeScript, Reply};

use super::support::{self, SAID};

/// Plays the caller's first utterance, lets the answer stream for a while, then plays the
/// second over it. Returns the events from the barge-in on, the item truncated and the
/// `audio_end_ms` sent.
async fn talk_over(
    fake: &FakeRealtime,
    interrupt_response: bool,
) -> (Vec<RealtimeEvent>, String, u64) {
    let config = support::config(fake.url());
    let mut session = support::session(&config);
    session.turn_detection = TurnDetection::ServerVad {
        threshold: 0.5,
        prefix_padding_ms: 300,
        silence_duration_ms: 500,
        create_response: true,
        interrupt_response,
    };
    let stream = OpenAiRealtime::new(config).connect(session).await.unwrap();
    let (input, mut output) = stream.split();
    let caller = support::caller_audio();
    support::pump(&input, &support::slice(&caller, 0, 4758), 10).await;

    // Three deltas (300 ms) of the answer, played as they arrive.
    let mut played = 0usize;
    let mut item = String::new();
    let mut deltas = 0;
    while deltas < 3 {
        match output.next().await.expect("open").expect("no error") {
            RealtimeEvent::AudioDelta { item_id, audio } => {
                played += audio.len();
                item = item_id;
                deltas += 1;
            }
            _ => continue,
        }
    }
    let talker = input.clone();
    let second = support::slice(&caller, 4658, 6616);
    tokio::spawn(async move { support::pump(&talker, &second, 1).await });

    let mut events = Vec::new();
    loop {
        let event = output.next().await.expect("open").expect("no error");
        match &event {
            RealtimeEvent::AudioDelta { audio, .. } => played += audio.len(),
            RealtimeEvent::SpeechStarted { .. } => {
                let audio_end_ms = (played / 8) as u64;
                input.truncate(&item, 0, audio_end_ms).await.unwrap();
                input.cancel_response().await.unwrap();
                events.push(event);
                // The truncation and the cancelled response, in whichever order they come.
                let (mut truncated, mut cancelled) = (false, false);
                let rest = support::until(&mut output, Duration::from_secs(3), |e| {
                    truncated |= matches!(e, RealtimeEvent::Truncated { .. });
                    cancelled |= matches!(e, RealtimeEvent::ResponseDone { .. });
                    truncated && cancelled
                })
                .await;
                events.extend(rest);
                return (events, item, audio_end_ms);
            }
            _ => {}
        }
    }
}

fn script() -> RealtimeScript {
    RealtimeScript {
        caller_said: SAID.iter().map(|s| s.to_string()).collect(),
        // 200 characters: 12 s of audio, paced in real time.
        replies: vec![Reply::say("Certainly. ".repeat(18) + "Thanks.")],
        real_time: true,
        faults: Faults {
            first_byte: Duration::from_millis(20),
            ..Faults::default()
        },
        ..RealtimeScript::default()
    }
}

#[tokio::test]
async fn the_client_truncates_at_what_was_played_and_cancels() {
    let fake = FakeRealtime::start(script()).await.unwrap();
    let (events, item, audio_end_ms) = talk_over(&fake, false).await;

    assert!(audio_end_ms >= 300, "{audio_end_ms}");
    assert!(
        events.iter().any(|e| matches!(e,
        RealtimeEvent::ResponseDone { status: ResponseStatus::Cancelled { reason }, .. }
            if reason.as_deref() == Some("client_cancelled"))),
        "{events:?}"
    );
    assert!(events.iter().any(|e| matches!(e,
        RealtimeEvent::Truncated { item_id, audio_end_ms: at } if *item_id == item && *at == audio_end_ms)));
    let cancelled_at = events
        .iter()
        .position(|e| matches!(e, RealtimeEvent::ResponseDone { .. }))
        .unwrap();
    assert!(
        !events[cancelled_at..]
            .iter()
            .any(|e| matches!(e, RealtimeEvent::AudioDelta { .. })),
        "no audio after the cancel"
    );

    let truncates = fake.client_events_of("conversation.item.truncate");
    assert_eq!(truncates.len(), 1);
    assert_eq!(truncates[0]["item_id"], item.as_str());
    assert_eq!(truncates[0]["content_index"], 0);
    assert_eq!(truncates[0]["audio_end_ms"], audio_end_ms);
    assert_eq!(fake.client_events_of("response.cancel").len(), 1);
}

#[tokio::test]
async fn with_interrupt_response_the_server_cancels_first() {
    let fake = FakeRealtime::start(script()).await.unwrap();
    let (events, item, audio_end_ms) = talk_over(&fake, true).await;

    assert!(
        events.iter().any(|e| matches!(e,
        RealtimeEvent::ResponseDone { status: ResponseStatus::Cancelled { reason }, .. }
            if reason.as_deref() == Some("turn_detected"))),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RealtimeEvent::Truncated { item_id, .. } if *item_id == item))
    );
    assert_eq!(
        fake.client_events_of("conversation.item.truncate")[0]["audio_end_ms"],
        audio_end_ms
    );
}
