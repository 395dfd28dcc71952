//! Deepgram Aura `speak` WebSocket against the fake.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::tts::deepgram::{DeepgramAura, DeepgramAuraConfig};
use switchboard_providers::tts::{ApiKey, StreamingTts, TtsEvent, VoiceConfig};
use switchboard_testkit::fakes::tts::{FAKE_KEY, FakeTts, FakeTtsConfig};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::support::{assert_no_secret, drain, eventually, frequency_hz, quick_timeouts};

pub fn config(fake: &FakeTts) -> DeepgramAuraConfig {
    let mut config = DeepgramAuraConfig::new(ApiKey::new(FAKE_KEY)).with_base(fake.ws_url());
    config.timeouts = quick_timeouts();
    config
}

#[tokio::test]
async fn speak_flush_and_close() {
    let fake = FakeTts::deepgram_aura(FakeTtsConfig::default())
        .await
        .unwrap();
    let (input, output) = DeepgramAura::new(config(&fake))
        .open(VoiceConfig::new("aura-2-thalia-en"))
        .await
        .unwrap()
        .split();
    input.send_text("Hello there.").await.unwrap();
    input.flush().await.unwrap();
    input.send_text("Bye.").await.unwrap();
    input.close().await.unwrap();
    let (events, result) = drain(output).await;
    let (audio, usage) = result.unwrap();
    assert_eq!(audio.len(), 16 * 10 * 8);
    assert_eq!(usage.characters, 16);
    assert!((frequency_hz(&audio) - 440.0).abs() < 10.0);
    assert!(events.contains(&TtsEvent::Flushed));

    let recorded = fake.recorder().all();
    let Recorded::Http {
        path,
        query,
        headers,
        ..
    } = &recorded[0]
    else {
        panic!()
    };
    assert_eq!(path, "/v1/speak");
    assert!(
        query.contains("model=aura-2-thalia-en")
            && query.contains("encoding=mulaw")
            && query.contains("sample_rate=8000"),
        "{query}"
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == &format!("Token {FAKE_KEY}"))
    );
    // `Close` goes out as the stream ends; give the fake a moment to read it.
    eventually(|| fake.ws_messages().len() == 5).await;
    let types: Vec<String> = fake
        .ws_messages()
        .iter()
        .map(|m| m["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["Speak", "Flush", "Speak", "Flush", "Close"]);
}

#[tokio::test]
async fn a_wrong_key_is_refused_at_the_handshake() {
    let fake = FakeTts::deepgram_aura(FakeTtsConfig::default())
        .await
        .unwrap();
    let mut config = config(&fake);
    config.api_key = ApiKey::new("dg-secret-key-42424242");
    let error = DeepgramAura::new(config)
        .open(VoiceConfig::new("aura-2-thalia-en"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );
    assert_no_secret(&error, "dg-secret-key-42424242");
}

#[tokio::test]
async fn barge_in_sends_clear_and_closes() {
    let faults = Faults {
        per_chunk: Duration::from_millis(100),
        ..Faults::default()
    };
    let fake = FakeTts::deepgram_aura(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let (input, mut output) = DeepgramAura::new(config(&fake))
        .open(VoiceConfig::new("aura-2-thalia-en"))
        .await
        .unwrap()
        .split();
    input
        .send_text("A long answer that the caller interrupts.")
        .await
        .unwrap();
    input.flush().await.unwrap();
    assert!(matches!(output.next().await, Some(Ok(TtsEvent::Audio(_)))));
    input.cancel();
    eventually(|| fake.saw_ws_close()).await;
    assert!(fake.saw_ws_close());
    assert!(fake.ws_messages().iter().any(|m| m["type"] == "Clear"));
}

#[tokio::test]
async fn close_codes_carry_deepgram_reasons() {
    let faults = Faults {
        ws_close: Some((1011, "NET-0000".into())),
        ..Faults::default()
    };
    let fake = FakeTts::deepgram_aura(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let output = DeepgramAura::new(config(&fake))
        .synthesize(VoiceConfig::new("aura-2-thalia-en"), "Hi.".into())
        .await
        .unwrap();
    let error = output.collect().await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Upstream { message, .. } if message.contains("NET-0000")),
        "{error:?}"
    );
}
