//! The TTS clients' log output carries no secret, even when a provider echoes the key back.
//! Its own binary: it installs a global subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};

use switchboard_providers::tts::elevenlabs::{ElevenLabsConfig, ElevenLabsHttpTts, ElevenLabsTts};
use switchboard_providers::tts::openai::{OpenAiSpeech, OpenAiSpeechConfig};
use switchboard_providers::tts::{ApiKey, FallbackEntry, FallbackTts, StreamingTts, VoiceConfig};
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::tts::{FAKE_KEY, FakeTts, FakeTtsConfig};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tts_logs_carry_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("switchboard_providers=trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    // A retried 503 whose message echoes the key (logged at debug before the retry).
    let echo = format!(r#"{{"detail":{{"status":"busy","message":"busy for key {FAKE_KEY}"}}}}"#);
    let faults = Faults::http_error(503, echo);
    let fake = FakeTts::elevenlabs(FakeTtsConfig {
        fail_first: Some(1),
        ..FakeTtsConfig::default().with_faults(faults)
    })
    .await
    .unwrap();
    let config =
        ElevenLabsConfig::new(ApiKey::new(FAKE_KEY)).with_base(fake.http_url(), fake.ws_url());
    let http = ElevenLabsHttpTts::new(config.clone());
    http.synthesize(VoiceConfig::new("21m00Tcm4TlvDq8ikWAM"), "Hi.".into())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();

    // A chain where both keys are refused (the switch is logged at warn).
    let secret = "sk-live-never-log-me-987654";
    let mut refused = config.clone();
    refused.api_key = ApiKey::new(secret);
    let openai = FakeTts::openai_speech(FakeTtsConfig::default())
        .await
        .unwrap();
    let openai_config =
        OpenAiSpeechConfig::new(ApiKey::new(secret)).with_base(format!("{}/v1", openai.http_url()));
    let chain = FallbackTts::new(
        vec![
            FallbackEntry::new(
                Arc::new(ElevenLabsTts::new(refused)),
                Some(VoiceConfig::new("21m00Tcm4TlvDq8ikWAM")),
            ),
            FallbackEntry::new(
                Arc::new(OpenAiSpeech::new(openai_config)),
                Some(VoiceConfig::new("alloy")),
            ),
        ],
        None,
    );
    let error = chain
        .synthesize(VoiceConfig::default(), "Hi.".into())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err();
    assert!(!error.to_string().contains(secret));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying") && logs.contains("TTS fallback"),
        "the scenarios logged: {logs}"
    );
    assert!(!logs.contains(FAKE_KEY), "{logs}");
    assert!(!logs.contains(secret), "{logs}");
}
