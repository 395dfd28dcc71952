//! The OpenAI-compatible transcription client against the fake.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::error::Phase;
use switchboard_providers::stt::batch::{
    OpenAiTranscriber, OpenAiTranscriptionConfig, ResponseFormat, WavFormat,
};
use switchboard_providers::stt::{BatchAudio, BatchStt};
use switchboard_testkit::fakes::stt::{FakeTranscriptions, TranscriptionsScript};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::support;

const KEY: &str = "sk-test";

fn audio() -> BatchAudio {
    BatchAudio::from_ulaw(8000, &support::caller_audio()[..8000 * 4], WavFormat::Pcm16)
}

async fn fake(texts: &[&str], faults: Faults) -> FakeTranscriptions {
    let script = TranscriptionsScript {
        api_key: Some(KEY.into()),
        texts: texts.iter().map(|s| s.to_string()).collect(),
        faults,
    };
    FakeTranscriptions::start(script).await.unwrap()
}

#[tokio::test]
async fn json_verbose_json_and_text() {
    let fake = fake(&["one", "two words", "three"], Faults::default()).await;
    let mut config = OpenAiTranscriptionConfig::new(fake.base_url(), Some(KEY.into()), "whisper-1");
    config.language = Some("en".into());
    let plain = OpenAiTranscriber::new(config.clone())
        .transcribe(audio())
        .await
        .unwrap();
    assert_eq!(plain.text, "one");
    assert_eq!(plain.usage.audio_ms, 4000);

    config.response_format = ResponseFormat::VerboseJson;
    config.word_timestamps = true;
    let verbose = OpenAiTranscriber::new(config.clone())
        .transcribe(audio())
        .await
        .unwrap();
    assert_eq!(verbose.text, "two words");
    assert_eq!(verbose.duration, Some(Duration::from_secs(4)));
    assert_eq!(verbose.words.len(), 2);
    assert!(verbose.request_id.is_some());

    config.response_format = ResponseFormat::Text;
    config.word_timestamps = false;
    assert_eq!(
        OpenAiTranscriber::new(config)
            .transcribe(audio())
            .await
            .unwrap()
            .text,
        "three"
    );

    // The request: multipart with a WAV file part, the model, the language, Bearer auth.
    let Recorded::Http {
        path,
        headers,
        body,
        ..
    } = &fake.recorder().all()[1]
    else {
        panic!()
    };
    assert_eq!(path, "/v1/audio/transcriptions");
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == &format!("Bearer {KEY}"))
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.starts_with("multipart/form-data; boundary="))
    );
    let body = String::from_utf8_lossy(body);
    for needle in [
        "name=\"file\"; filename=\"audio.wav\"\r\nContent-Type: audio/wav",
        "name=\"model\"\r\n\r\nwhisper-1\r\n",
        "name=\"language\"\r\n\r\nen\r\n",
        "name=\"response_format\"\r\n\r\nverbose_json\r\n",
        "name=\"timestamp_granularities[]\"\r\n\r\nword\r\n",
        "RIFF",
    ] {
        assert!(body.contains(needle), "missing {needle:?}");
    }
}

#[tokio::test]
async fn errors_are_typed_and_retried_only_when_safe() {
    let fake = fake(&[], Faults::default()).await;
    let config =
        OpenAiTranscriptionConfig::new(fake.base_url(), Some("sk-wrong".into()), "whisper-1");
    let error = OpenAiTranscriber::new(config)
        .transcribe(audio())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(
        fake.recorder().all().len(),
        1,
        "auth errors are not retried"
    );

    let mut config =
        OpenAiTranscriptionConfig::new(fake.base_url(), Some(KEY.into()), "gpt-4o-mini-transcribe");
    config.response_format = ResponseFormat::VerboseJson;
    let error = OpenAiTranscriber::new(config)
        .transcribe(audio())
        .await
        .unwrap_err();
    let ProviderError::BadRequest {
        status: 400,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(message.contains("response_format"), "{message}");

    let down = fake_with_error(500).await;
    let config = OpenAiTranscriptionConfig::new(down.base_url(), Some(KEY.into()), "whisper-1");
    let error = OpenAiTranscriber::new(config)
        .transcribe(audio())
        .await
        .unwrap_err();
    assert!(matches!(error, ProviderError::Upstream { .. }), "{error:?}");
    assert_eq!(down.recorder().all().len(), 2, "one retry after a 5xx");
}

async fn fake_with_error(status: u16) -> FakeTranscriptions {
    let body = r#"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#;
    fake(&[], Faults::http_error(status, body)).await
}

#[tokio::test]
async fn slow_server_times_out() {
    let slow = fake(
        &["late"],
        Faults {
            first_byte: Duration::from_millis(800),
            ..Faults::default()
        },
    )
    .await;
    let mut config = OpenAiTranscriptionConfig::new(slow.base_url(), Some(KEY.into()), "whisper-1");
    config.timeouts.first_byte = Duration::from_millis(200);
    config.retries = 0;
    let error = OpenAiTranscriber::new(config)
        .transcribe(audio())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::Timeout {
                phase: Phase::FirstByte,
                ..
            }
        ),
        "{error:?}"
    );
}
