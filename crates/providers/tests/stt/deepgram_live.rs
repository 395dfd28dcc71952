//! The live client against the fake, driven by the caller fixture.

use std::time::Duration;

use switchboard_providers::stt::{DeepgramLive, StreamOptions, StreamingStt, SttEvent};
use switchboard_testkit::fakes::Recorded;
use switchboard_testkit::fakes::stt::{DeepgramScript, FakeDeepgram};

use super::support::{self, KEY, SCRIPT};

fn script() -> DeepgramScript {
    DeepgramScript {
        utterances: SCRIPT.iter().map(|s| s.to_string()).collect(),
        final_latency: Duration::from_millis(150),
        interim_every: Duration::from_millis(300),
        ..DeepgramScript::new(KEY)
    }
}

/// Each utterance arrives as SpeechStarted, interims, a speech_final final and UtteranceEnd,
/// in that order, with audio times matching the labels and the final exactly the configured
/// latency after the endpointing silence was sent.
#[tokio::test]
async fn caller_wav_gives_ordered_events_at_the_right_times() {
    let fake = FakeDeepgram::start(script()).await.unwrap();
    let client = DeepgramLive::new(support::deepgram(fake.ws_url()));
    let options = StreamOptions::phone("nova-3");
    let stream = client.open(options).await.unwrap();
    let (sender, mut events, _guard) = stream.split();
    let mut audio = support::caller_audio();
    audio.extend(support::silence(1500));
    let speedup = 4;
    let reader =
        tokio::spawn(async move { support::collect(&mut events, Duration::from_secs(10)).await });
    let sent = support::pump(&sender, &audio, speedup).await;
    sender.close().await.unwrap();
    let (events, error) = reader.await.unwrap();
    assert!(error.is_none(), "{error:?}");

    // Order per utterance: SpeechStarted < interim(s) < speech_final < UtteranceEnd.
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|(_, e)| match e {
            SttEvent::SpeechStarted { .. } => Some("start"),
            SttEvent::Transcript(t) if !t.is_final => Some("interim"),
            SttEvent::Transcript(t) if t.speech_final => Some("final"),
            SttEvent::UtteranceEnd { .. } => Some("end"),
            _ => None,
        })
        .collect();
    let mut compact: Vec<&str> = kinds.clone();
    compact.dedup();
    assert_eq!(
        compact,
        ["start", "interim", "final", "end"].repeat(3),
        "{kinds:?}"
    );
    assert_eq!(support::speech_finals(&events), SCRIPT);

    // Audio times match the labels; the final comes 150 ms after the endpointing audio.
    let finals: Vec<_> = events
        .iter()
        .filter_map(|(at, e)| match e {
            SttEvent::Transcript(t) if t.speech_final => Some((*at, t.clone())),
            _ => None,
        })
        .collect();
    for ((arrived, t), (start_ms, end_ms)) in finals.iter().zip(support::labels()) {
        let start = t.start.as_millis() as i64;
        let end = (t.start + t.duration).as_millis() as i64;
        assert!(
            (start - start_ms as i64).abs() <= 100,
            "start {start} vs {start_ms}"
        );
        assert!((end - end_ms as i64).abs() <= 150, "end {end} vs {end_ms}");
        assert_eq!(t.words.len(), t.text.split_whitespace().count());
        // The fake's VAD ends speech with the frame that completes 300 ms (the endpointing) of
        // silence after `end`; the final leaves the fake exactly 150 ms after that frame
        // arrived (the upper bound only allows for a loaded machine).
        let frame = ((end as usize + 300) / 20 - 1).min(sent.len() - 1);
        let latency = arrived.duration_since(sent[frame]);
        assert!(
            latency >= Duration::from_millis(150) && latency <= Duration::from_millis(300),
            "final latency {latency:?}"
        );
    }
    for (_, e) in &events {
        if let SttEvent::UtteranceEnd { last_word_end, .. } = e {
            assert!(last_word_end.as_millis() > 0);
        }
    }

    // CloseStream: Metadata, then Closed with the audio we sent.
    let n = events.len();
    let SttEvent::Metadata(meta) = &events[n - 2].1 else {
        panic!("{:?}", events[n - 2])
    };
    assert_eq!(meta.channels, 1);
    let audio_ms = audio.len() as u64 / 8;
    assert!(meta.duration.as_millis().abs_diff(u128::from(audio_ms)) <= 1);
    assert!(matches!(&events[n - 1].1, SttEvent::Closed { usage } if usage.audio_ms == audio_ms));

    // The upgrade carried the digest's query and the Token header.
    let Recorded::Http { query, headers, .. } = &fake.recorder().all()[0] else {
        panic!()
    };
    for pair in [
        "model=nova-3",
        "encoding=mulaw",
        "sample_rate=8000",
        "channels=1",
        "interim_results=true",
    ] {
        assert!(query.contains(pair), "{query}");
    }
    for pair in [
        "endpointing=300",
        "utterance_end_ms=1000",
        "vad_events=true",
    ] {
        assert!(query.contains(pair), "{query}");
    }
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == &format!("Token {KEY}"))
    );
    assert!(fake.recorder().all().iter().any(
        |r| matches!(r, Recorded::WsText { text, .. } if text == r#"{"type":"CloseStream"}"#)
    ));
}

/// `Finalize` in the middle of speech flushes a final marked `from_finalize`.
#[tokio::test]
async fn finalize_flushes_what_was_heard() {
    let fake = FakeDeepgram::start(script()).await.unwrap();
    let client = DeepgramLive::new(support::deepgram(fake.ws_url()));
    let (sender, mut events, _guard) = client
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap()
        .split();
    let audio = support::caller_audio();
    support::pump(&sender, &audio[..8 * 2000], 20).await; // into the first utterance
    sender.finalize().await.unwrap();
    let flushed = loop {
        match tokio::time::timeout(Duration::from_secs(3), events.recv())
            .await
            .unwrap()
        {
            Some(Ok(SttEvent::Transcript(t))) if t.from_finalize => break t,
            Some(Ok(_)) => continue,
            other => panic!("{other:?}"),
        }
    };
    assert!(flushed.is_final && !flushed.speech_final);
    assert_eq!(flushed.text, SCRIPT[0]);
}

/// With no audio flowing, the client keeps the connection open with KeepAlive on its own
/// (the fake closes after its inactivity limit otherwise).
#[tokio::test]
async fn keepalive_keeps_an_idle_stream_open() {
    let fake = FakeDeepgram::start(DeepgramScript {
        inactivity_timeout: Duration::from_millis(400),
        ..script()
    })
    .await
    .unwrap();
    let mut config = support::deepgram(fake.ws_url());
    config.keepalive_every = Duration::from_millis(100);
    let (sender, mut events, _guard) = DeepgramLive::new(config)
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap()
        .split();
    tokio::time::sleep(Duration::from_millis(900)).await;
    sender.close().await.unwrap();
    let (got, error) = support::collect(&mut events, Duration::from_secs(3)).await;
    assert!(error.is_none(), "{error:?}");
    assert!(matches!(got.last().unwrap().1, SttEvent::Closed { .. }));
    let keepalives = fake
        .recorder()
        .all()
        .iter()
        .filter(|r| matches!(r, Recorded::WsText { text, .. } if text == r#"{"type":"KeepAlive"}"#))
        .count();
    assert!(keepalives >= 5, "{keepalives} KeepAlives");
}
