//! OpenAI `/audio/speech`: 24 kHz PCM to mu-law 8 kHz, errors, cancellation.

use std::time::Duration;

use switchboard_audio::g711;
use switchboard_providers::ProviderError;
use switchboard_providers::error::Phase;
use switchboard_providers::tts::openai::{OpenAiSpeech, OpenAiSpeechConfig};
use switchboard_providers::tts::{ApiKey, PcmToMulaw, StreamingTts, TtsEvent, VoiceConfig};
use switchboard_testkit::fakes::tts::{FAKE_KEY, FakeTts, FakeTtsConfig, tone};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::support::{assert_no_secret, eventually, frequency_hz, quick_timeouts};

pub fn config(fake: &FakeTts) -> OpenAiSpeechConfig {
    let mut config =
        OpenAiSpeechConfig::new(ApiKey::new(FAKE_KEY)).with_base(format!("{}/v1", fake.http_url()));
    config.timeouts = quick_timeouts();
    config
}

fn pcm_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

#[test]
fn pcm_conversion_is_the_same_for_any_chunking() {
    let bytes = pcm_bytes(&tone(24_000, 300, 1_000.0));
    let mut whole = Vec::new();
    PcmToMulaw::openai().push(&bytes, &mut whole);
    assert_eq!(
        whole.len(),
        bytes.len() / 2 / 3,
        "exactly a third of the samples"
    );
    for split in [1, 3, 7, 101, 1_001] {
        let mut converter = PcmToMulaw::openai();
        let mut out = Vec::new();
        for chunk in bytes.chunks(split) {
            converter.push(chunk, &mut out);
        }
        assert_eq!(out, whole, "split every {split} bytes");
    }
    // A 1 kHz tone stays 1 kHz; a 3 kHz one too (below the 4 kHz Nyquist of 8 kHz).
    assert!(
        (frequency_hz(&whole[40..]) - 1_000.0).abs() < 15.0,
        "{}",
        frequency_hz(&whole)
    );
    let mut high = Vec::new();
    PcmToMulaw::openai().push(&pcm_bytes(&tone(24_000, 300, 3_000.0)), &mut high);
    assert!(
        (frequency_hz(&high[40..]) - 3_000.0).abs() < 30.0,
        "{}",
        frequency_hz(&high)
    );
    // The tail comes out at the end: the filter's delay, nothing more.
    let mut converter = PcmToMulaw::openai();
    let mut tail = Vec::new();
    converter.push(&bytes, &mut tail);
    converter.finish(&mut tail);
    assert!(
        tail.len() > whole.len() && tail.len() <= whole.len() + 24,
        "{}",
        tail.len()
    );
}

#[test]
fn an_odd_byte_is_carried_to_the_next_chunk() {
    let samples = [1000i16, -1000, 2000];
    let bytes = pcm_bytes(&samples);
    let (mut a, mut b) = (PcmToMulaw::openai(), PcmToMulaw::openai());
    let (mut one, mut two) = (Vec::new(), Vec::new());
    a.push(&bytes, &mut one);
    b.push(&bytes[..1], &mut two);
    b.push(&bytes[1..5], &mut two);
    b.push(&bytes[5..], &mut two);
    assert_eq!(one, two);
    assert_eq!(one.len(), 1);
}

#[tokio::test]
async fn speech_streams_as_mulaw_8k() {
    let fake = FakeTts::openai_speech(FakeTtsConfig::default())
        .await
        .unwrap();
    let voice = VoiceConfig {
        instructions: Some("Warm.".into()),
        ..VoiceConfig::new("marin")
    };
    let output = OpenAiSpeech::new(config(&fake))
        .synthesize(voice, "Thirty characters of speech!!".into())
        .await
        .unwrap();
    let (audio, usage) = output.collect().await.unwrap();
    // 29 characters x 10 ms = 290 ms; 8 bytes per ms plus the resampler's tail.
    assert!(
        audio.len() >= 290 * 8 && audio.len() <= 290 * 8 + 24,
        "{}",
        audio.len()
    );
    assert_eq!(usage.characters, 29);
    let mut pcm = vec![0i16; audio.len()];
    g711::decode_ulaw(&audio, &mut pcm);
    assert!(pcm.iter().any(|&s| s.abs() > 5_000), "the tone is audible");
    assert!((frequency_hz(&audio[40..audio.len() - 40]) - 440.0).abs() < 10.0);

    let Recorded::Http {
        method,
        path,
        headers,
        body,
        ..
    } = &fake.recorder().all()[0]
    else {
        panic!()
    };
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v1/audio/speech")
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == &format!("Bearer {FAKE_KEY}"))
    );
    let body: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(body["response_format"], "pcm");
    assert_eq!(body["voice"], "marin");
    assert_eq!(body["model"], "gpt-4o-mini-tts");
    assert_eq!(body["instructions"], "Warm.");
}

#[tokio::test]
async fn long_input_is_split_into_requests() {
    let fake = FakeTts::openai_speech(FakeTtsConfig {
        ms_per_char: 1,
        ..FakeTtsConfig::default()
    })
    .await
    .unwrap();
    let text = "word ".repeat(1_000); // 5000 characters, over the 4096 limit
    let output = OpenAiSpeech::new(config(&fake))
        .synthesize(VoiceConfig::new("alloy"), text)
        .await
        .unwrap();
    let (_, usage) = output.collect().await.unwrap();
    assert_eq!(fake.requests(), 2);
    assert_eq!(usage.characters, 4_999 - 1); // trimmed, and the space at the cut is dropped
}

#[tokio::test]
async fn errors_are_typed_and_carry_no_secret() {
    let fake = FakeTts::openai_speech(FakeTtsConfig::default())
        .await
        .unwrap();
    let secret = "sk-proj-very-secret-000111";
    let mut wrong = config(&fake);
    wrong.api_key = ApiKey::new(secret);
    let error = OpenAiSpeech::new(wrong)
        .synthesize(VoiceConfig::new("alloy"), "Hi.".into())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );
    assert_no_secret(&error, secret);

    let error = OpenAiSpeech::new(config(&fake))
        .synthesize(VoiceConfig::new("nobody"), "Hi.".into())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ProviderError::BadRequest { status: 400, message, .. } if message.contains("voice")),
        "{error:?}"
    );

    // A provider message that echoes the key is redacted.
    let body = format!(
        r#"{{"error":{{"message":"quota for key {FAKE_KEY} exhausted","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}}}"#
    );
    let fake =
        FakeTts::openai_speech(FakeTtsConfig::default().with_faults(Faults::http_error(400, body)))
            .await
            .unwrap();
    let error = OpenAiSpeech::new(config(&fake))
        .synthesize(VoiceConfig::new("alloy"), "Hi.".into())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ProviderError::BadRequest { message, .. } if message.contains("[redacted]")),
        "{error:?}"
    );
    assert_no_secret(&error, FAKE_KEY);
}

#[tokio::test]
async fn a_slow_first_byte_times_out() {
    let fake =
        FakeTts::openai_speech(FakeTtsConfig::default().first_byte(Duration::from_millis(800)))
            .await
            .unwrap();
    let mut config = config(&fake);
    config.timeouts.first_byte = Duration::from_millis(150);
    config.retry = switchboard_providers::tts::RetryPolicy::never();
    let error = OpenAiSpeech::new(config)
        .synthesize(VoiceConfig::new("alloy"), "Hi.".into())
        .await
        .unwrap()
        .collect()
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

#[tokio::test]
async fn cancel_drops_the_response_body() {
    let faults = Faults {
        per_chunk: Duration::from_millis(100),
        ..Faults::default()
    };
    let fake = FakeTts::openai_speech(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let (input, mut output) = OpenAiSpeech::new(config(&fake))
        .open(VoiceConfig::new("alloy"))
        .await
        .unwrap()
        .split();
    input
        .send_text("A long answer that the caller will interrupt right away.")
        .await
        .unwrap();
    input.flush().await.unwrap();
    assert!(matches!(output.next().await, Some(Ok(TtsEvent::Audio(_)))));
    input.cancel();
    eventually(|| fake.aborted_streams() == 1).await;
    assert_eq!(fake.aborted_streams(), 1, "the fake saw the body dropped");
}
