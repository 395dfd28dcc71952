//! A batch provider serving a live call through VAD segmentation.

use std::sync::Arc;
use std::time::Duration;

use switchboard_providers::stt::batch::{
    OpenAiTranscriber, OpenAiTranscriptionConfig, SegmenterConfig,
};
use switchboard_providers::stt::{StreamOptions, StreamingStt, SttEvent, VadSegmented};
use switchboard_testkit::fakes::Recorded;
use switchboard_testkit::fakes::stt::{FakeTranscriptions, TranscriptionsScript};

use super::support::{self, SCRIPT};

#[tokio::test]
async fn each_utterance_is_transcribed_in_order() {
    let script = TranscriptionsScript {
        texts: SCRIPT.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let fake = FakeTranscriptions::start(script).await.unwrap();
    let whisper = OpenAiTranscriber::new(OpenAiTranscriptionConfig::new(
        fake.base_url(),
        None,
        "whisper-1",
    ))
    .named("whisper-local");
    let stt = VadSegmented::new(Arc::new(whisper), SegmenterConfig::default());
    assert_eq!(stt.name(), "whisper-local+vad");
    let (sender, mut events, _guard) = stt
        .open(StreamOptions::phone("whisper-1"))
        .await
        .unwrap()
        .split();
    let mut audio = support::caller_audio();
    audio.extend(support::silence(600));
    support::pump(&sender, &audio, 50).await;
    sender.close().await.unwrap();
    let (got, error) = support::collect(&mut events, Duration::from_secs(5)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(support::speech_finals(&got), SCRIPT);
    let starts = got
        .iter()
        .filter(|(_, e)| matches!(e, SttEvent::SpeechStarted { .. }))
        .count();
    let ends = got
        .iter()
        .filter(|(_, e)| matches!(e, SttEvent::UtteranceEnd { .. }))
        .count();
    assert_eq!((starts, ends), (3, 3));
    for ((_, e), (start_ms, end_ms)) in got
        .iter()
        .filter(|(_, e)| matches!(e, SttEvent::Transcript(t) if t.speech_final))
        .zip(support::labels())
    {
        let SttEvent::Transcript(t) = e else {
            unreachable!()
        };
        let start = t.start.as_millis() as u64;
        let end = (t.start + t.duration).as_millis() as u64;
        assert!(
            start.abs_diff(start_ms) <= 200 && end.abs_diff(end_ms) <= 200,
            "{start}-{end} vs {start_ms}-{end_ms}"
        );
    }
    assert!(
        matches!(got.last().unwrap().1, SttEvent::Closed { usage } if usage.audio_ms == audio.len() as u64 / 8)
    );
    // Three uploads, each a WAV of one utterance.
    let uploads = fake.recorder().all();
    assert_eq!(uploads.len(), 3);
    for upload in uploads {
        let Recorded::Http { body, .. } = upload else {
            panic!()
        };
        let start = body
            .windows(4)
            .position(|w| w == b"RIFF")
            .expect("a WAV part");
        assert!(body.len() - start > 8000, "at least half a second of audio");
    }
}

/// A failing batch provider ends the stream with its error (so a fallback chain can switch).
#[tokio::test]
async fn a_failing_batch_provider_ends_the_stream() {
    let body = r#"{"error":{"message":"boom","type":"server_error","param":null,"code":null}}"#;
    let script = TranscriptionsScript {
        faults: switchboard_testkit::fakes::Faults::http_error(500, body),
        ..Default::default()
    };
    let fake = FakeTranscriptions::start(script).await.unwrap();
    let mut config = OpenAiTranscriptionConfig::new(fake.base_url(), None, "whisper-1");
    config.retries = 0;
    let stt = VadSegmented::new(
        Arc::new(OpenAiTranscriber::new(config)),
        SegmenterConfig::default(),
    );
    let (sender, mut events, _guard) = stt
        .open(StreamOptions::phone("whisper-1"))
        .await
        .unwrap()
        .split();
    let audio = support::caller_audio();
    let pusher = tokio::spawn(async move { support::pump(&sender, &audio, 50).await });
    let (_, error) = support::collect(&mut events, Duration::from_secs(5)).await;
    pusher.abort();
    let error = error.expect("the stream fails");
    assert!(error.to_string().contains("boom"), "{error}");
}
