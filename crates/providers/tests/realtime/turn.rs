//! A whole turn: caller audio in, the server's VAD events, the answer's audio and transcript,
//! usage, and a clean close.

use std::time::Duration;

use switchboard_providers::realtime::{OpenAiRealtime, RealtimeEvent, ResponseStatus};
use switchboard_testkit::fakes::realtime::{FakeRealtime, RealtimeScript, Reply};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::support::{self, SAID};

const ANSWER: &str = "For how many people?";

#[tokio::test]
async fn a_turn_goes_from_caller_audio_to_answer_audio_with_usage() {
    let fake = FakeRealtime::start(RealtimeScript {
        caller_said: vec![SAID[0].into()],
        replies: vec![Reply::say(ANSWER)],
        ms_per_char: 20,
        faults: Faults {
            first_byte: Duration::from_millis(30),
            per_chunk: Duration::from_millis(2),
            ..Faults::default()
        },
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let config = support::config(fake.url());
    let client = OpenAiRealtime::new(config.clone());
    let stream = client.connect(support::session(&config)).await.unwrap();
    let (input, mut output) = stream.split();

    // The first utterance (500-3758 ms) and a second of silence, ten times real time.
    let audio = support::slice(&support::caller_audio(), 0, 4758);
    support::pump(&input, &audio, 10).await;
    let events = support::until(
        &mut output,
        Duration::from_secs(5),
        support::is_response_done,
    )
    .await;

    let started = events.iter().find_map(|e| match e {
        RealtimeEvent::SpeechStarted {
            audio_start_ms,
            item_id,
        } => Some((*audio_start_ms, item_id.clone())),
        _ => None,
    });
    let (start_ms, caller_item) = started.expect("speech started");
    // Speech begins at 500 ms; the service reports it with 300 ms of prefix padding.
    assert!((140..=260).contains(&start_ms), "audio_start_ms {start_ms}");
    let stopped = events.iter().find_map(|e| match e {
        RealtimeEvent::SpeechStopped {
            audio_end_ms,
            item_id,
        } => Some((*audio_end_ms, item_id.clone())),
        _ => None,
    });
    let (end_ms, stopped_item) = stopped.expect("speech stopped");
    // Speech ends at 3758 ms; the report includes the 500 ms of silence that ended the turn.
    assert!((4108..=4408).contains(&end_ms), "audio_end_ms {end_ms}");
    assert_eq!(stopped_item, caller_item);
    assert!(events.iter().any(|e| matches!(e,
        RealtimeEvent::InputTranscript { item_id, text } if *item_id == caller_item && text == SAID[0])));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RealtimeEvent::ResponseStarted { .. }))
    );

    // 20 characters at 20 ms each: 400 ms of mu-law, 3200 bytes, all for one item.
    let audio_out = support::audio_of(&events);
    assert_eq!(audio_out.len(), 3200);
    let items: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| match e {
            RealtimeEvent::AudioDelta { item_id, .. } => Some(item_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(items.len(), 1);
    let transcript: String = events
        .iter()
        .filter_map(|e| match e {
            RealtimeEvent::OutputTranscriptDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(transcript, ANSWER);
    assert!(
        events.iter().any(
            |e| matches!(e, RealtimeEvent::OutputTranscriptDone { text, .. } if text == ANSWER)
        )
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RealtimeEvent::AudioDone { .. }))
    );

    let Some(RealtimeEvent::ResponseDone { status, usage, .. }) = events.last() else {
        unreachable!()
    };
    assert_eq!(*status, ResponseStatus::Completed);
    assert_eq!(
        usage.output_audio_tokens, 8,
        "400 ms at one token per 50 ms"
    );
    assert!(usage.input_audio_tokens >= 40, "{usage:?}");
    assert_eq!(
        usage.input_tokens,
        usage.input_text_tokens + usage.input_audio_tokens
    );
    let response_usage = *usage;

    input.close().await.unwrap();
    let tail = support::until(&mut output, Duration::from_secs(3), |e| {
        matches!(e, RealtimeEvent::Closed { .. })
    })
    .await;
    let Some(RealtimeEvent::Closed { usage }) = tail.last() else {
        unreachable!()
    };
    assert_eq!(usage.audio_ms, 4758);
    assert_eq!(usage.input_tokens, response_usage.input_tokens);
    assert_eq!(usage.output_tokens, response_usage.output_tokens);
    assert!(output.next().await.is_none());
    assert!(support::eventually(Duration::from_secs(1), || fake.closed_sessions() == 1).await);

    // On the wire: the key as a Bearer token, GA (no beta header), the model in the query,
    // mu-law both ways, and the audio unchanged.
    let upgrade = fake.recorder().all().into_iter().find_map(|r| match r {
        Recorded::Http {
            path,
            query,
            headers,
            ..
        } => Some((path, query, headers)),
        _ => None,
    });
    let (path, query, headers) = upgrade.expect("upgrade recorded");
    assert_eq!(
        (path.as_str(), query.as_str()),
        ("/v1/realtime", "model=gpt-realtime")
    );
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("authorization"),
        Some(format!(
            "Bearer {}",
            switchboard_testkit::fakes::realtime::FAKE_REALTIME_KEY
        ))
    );
    assert_eq!(header("openai-beta"), None);
    let update = &fake.client_events_of("session.update")[0]["session"];
    assert_eq!(update["audio"]["input"]["format"]["type"], "audio/pcmu");
    assert_eq!(update["audio"]["output"]["format"]["type"], "audio/pcmu");
    assert_eq!(update["instructions"], "You take table bookings.");
    let appends = fake.client_events_of("input_audio_buffer.append");
    assert_eq!(appends.len(), audio.len().div_ceil(support::FRAME));
    use base64::Engine;
    let sent: Vec<u8> = appends
        .iter()
        .flat_map(|a| {
            base64::engine::general_purpose::STANDARD
                .decode(a["audio"].as_str().unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(sent, audio);
}

#[tokio::test]
async fn twilio_payloads_pass_through_and_are_metered() {
    let fake = FakeRealtime::start(RealtimeScript::default())
        .await
        .unwrap();
    let config = support::config(fake.url());
    let stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    // 160 bytes of mu-law silence, as a Twilio media payload carries them.
    use base64::Engine;
    let payload = base64::engine::general_purpose::STANDARD.encode([0xFFu8; 160]);
    for _ in 0..50 {
        stream.input.send_audio_base64(&payload).await.unwrap();
    }
    assert_eq!(stream.input.audio_sent(), Duration::from_secs(1));
    assert!(
        support::eventually(Duration::from_secs(1), || {
            fake.client_events_of("input_audio_buffer.append").len() == 50
        })
        .await
    );
    assert!(
        fake.client_events_of("input_audio_buffer.append")
            .iter()
            .all(|a| a["audio"] == payload)
    );
}
