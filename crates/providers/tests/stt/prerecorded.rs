//! Deepgram prerecorded POST against the fake.

use bytes::Bytes;
use switchboard_providers::ProviderError;
use switchboard_providers::stt::deepgram::PrerecordedOptions;
use switchboard_providers::stt::{BatchAudio, BatchStt, DeepgramPrerecorded};
use switchboard_testkit::fakes::stt::{DeepgramScript, FakeDeepgram};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::support::{self, KEY, SCRIPT};

fn wav() -> BatchAudio {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audio/fixtures/speech_8k_ulaw.wav"
    );
    BatchAudio::from_wav(Bytes::from(std::fs::read(path).unwrap()))
}

#[tokio::test]
async fn transcribes_a_wav_file() {
    let script = DeepgramScript {
        utterances: SCRIPT.iter().map(|s| s.to_string()).collect(),
        ..DeepgramScript::new(KEY)
    };
    let fake = FakeDeepgram::start(script).await.unwrap();
    let client = DeepgramPrerecorded::new(
        support::deepgram(fake.http_url()),
        PrerecordedOptions::new("nova-3"),
    );
    let audio = wav();
    let result = client.transcribe(audio.clone()).await.unwrap();
    assert_eq!(result.text, SCRIPT.join(" "));
    assert_eq!(result.words.len(), result.text.split_whitespace().count());
    assert!(result.request_id.is_some());
    assert_eq!(result.usage.audio_ms, audio.duration.as_millis() as u64);
    let Recorded::Http {
        method,
        path,
        query,
        headers,
        body,
    } = &fake.recorder().all()[0]
    else {
        panic!()
    };
    assert_eq!((method.as_str(), path.as_str()), ("POST", "/v1/listen"));
    assert!(
        query.contains("model=nova-3") && !query.contains("encoding"),
        "{query}"
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "audio/wav")
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == &format!("Token {KEY}"))
    );
    assert_eq!(body.len(), audio.wav.len());
}

#[tokio::test]
async fn refusals_are_typed() {
    let fake = FakeDeepgram::start(DeepgramScript::new(KEY)).await.unwrap();
    let mut config = support::deepgram(fake.http_url());
    config.api_key = "nope".into();
    let error = DeepgramPrerecorded::new(config, PrerecordedOptions::new("nova-3"))
        .transcribe(wav())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );

    let client = DeepgramPrerecorded::new(
        support::deepgram(fake.http_url()),
        PrerecordedOptions::new("nova-3"),
    );
    let empty = BatchAudio {
        wav: Bytes::new(),
        duration: Default::default(),
    };
    let error = client.transcribe(empty).await.unwrap_err();
    let ProviderError::BadRequest {
        status: 400,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(message.contains("corrupt"), "{message}");

    let busy = DeepgramScript {
        faults: Faults::http_error(429, "{}"),
        ..DeepgramScript::new(KEY)
    };
    let fake = FakeDeepgram::start(busy).await.unwrap();
    let client = DeepgramPrerecorded::new(
        support::deepgram(fake.http_url()),
        PrerecordedOptions::new("nova-3"),
    );
    assert!(matches!(
        client.transcribe(wav()).await,
        Err(ProviderError::RateLimited { .. })
    ));
}
