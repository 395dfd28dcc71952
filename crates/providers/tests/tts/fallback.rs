//! The fallback chain: open failures, a blown first-byte budget, a failure mid-stream.

use std::sync::Arc;
use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::tts::deepgram::DeepgramAura;
use switchboard_providers::tts::elevenlabs::ElevenLabsTts;
use switchboard_providers::tts::openai::OpenAiSpeech;
use switchboard_providers::tts::{
    FallbackEntry, FallbackTts, StreamingTts, SwitchReason, TtsEvent, VoiceConfig,
};
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::tts::{FakeTts, FakeTtsConfig};

use super::support::drain;
use super::{deepgram, elevenlabs, openai};

fn entry(provider: impl StreamingTts + 'static, voice: &str) -> FallbackEntry {
    FallbackEntry::new(Arc::new(provider), Some(VoiceConfig::new(voice)))
}

#[tokio::test]
async fn a_provider_that_cannot_open_is_skipped() {
    let faults = Faults::http_error(
        503,
        r#"{"detail":{"status":"down","message":"maintenance"}}"#,
    );
    let primary = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let backup = FakeTts::openai_speech(FakeTtsConfig::default())
        .await
        .unwrap();
    let mut primary_config = elevenlabs::config(&primary);
    primary_config.retry = switchboard_providers::tts::RetryPolicy::never();
    let chain = FallbackTts::new(
        vec![
            entry(ElevenLabsTts::new(primary_config), elevenlabs::VOICE),
            entry(OpenAiSpeech::new(openai::config(&backup)), "marin"),
        ],
        None,
    );
    let (events, result) = drain(
        chain
            .synthesize(VoiceConfig::default(), "Hello.".into())
            .await
            .unwrap(),
    )
    .await;
    assert!(result.unwrap().0.len() >= 6 * 10 * 8);
    let TtsEvent::ProviderSwitched(switch) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!((switch.from, switch.to), ("elevenlabs", "openai"));
    assert!(
        matches!(&switch.reason, SwitchReason::OpenFailed(why) if why.contains("503")),
        "{:?}",
        switch.reason
    );
    assert_eq!(chain.switches(), vec![switch.clone()]);
}

#[tokio::test]
async fn a_blown_first_byte_budget_switches_and_replays_everything() {
    let slow = FakeTts::elevenlabs(FakeTtsConfig::default().first_byte(Duration::from_secs(3)))
        .await
        .unwrap();
    let backup = FakeTts::deepgram_aura(FakeTtsConfig::default())
        .await
        .unwrap();
    let chain = FallbackTts::new(
        vec![
            entry(
                ElevenLabsTts::new(elevenlabs::config(&slow)),
                elevenlabs::VOICE,
            ),
            entry(
                DeepgramAura::new(deepgram::config(&backup)),
                "aura-2-thalia-en",
            ),
        ],
        Some(Duration::from_millis(200)),
    );
    let (input, output) = chain.open(VoiceConfig::default()).await.unwrap().split();
    input.send_text("Sure, I can help.").await.unwrap();
    input.flush().await.unwrap();
    input.send_text("What day?").await.unwrap();
    input.close().await.unwrap();
    let started = tokio::time::Instant::now();
    let (events, result) = drain(output).await;
    let (audio, usage) = result.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the chain did not wait for the slow provider"
    );
    assert_eq!(audio.len(), (17 + 9) * 10 * 8, "the backup said everything");
    assert_eq!(usage.characters, 26);
    let switch = events
        .iter()
        .find_map(|e| {
            if let TtsEvent::ProviderSwitched(s) = e {
                Some(s)
            } else {
                None
            }
        })
        .unwrap();
    assert_eq!((switch.from, switch.to), ("elevenlabs", "deepgram"));
    assert_eq!(
        switch.reason,
        SwitchReason::FirstByteBudget(Duration::from_millis(200))
    );
    assert!(!switch.audio_delivered);
    assert_eq!(switch.replayed_chars, 26);
    // The slow provider's socket was closed when the chain gave up on it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(slow.saw_ws_close());
}

#[tokio::test]
async fn a_failure_mid_stream_hands_over_only_what_was_not_spoken() {
    // The first byte is late enough that both clauses reach the primary before its audio.
    let faults = Faults {
        drop_after_chunks: Some(1),
        first_byte: Duration::from_millis(100),
        ..Faults::default()
    };
    let flaky = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let backup = FakeTts::openai_speech(FakeTtsConfig::default())
        .await
        .unwrap();
    let chain = FallbackTts::new(
        vec![
            entry(
                ElevenLabsTts::new(elevenlabs::config(&flaky)),
                elevenlabs::VOICE,
            ),
            entry(OpenAiSpeech::new(openai::config(&backup)), "alloy"),
        ],
        None,
    );
    let (input, mut output) = chain.open(VoiceConfig::default()).await.unwrap().split();
    input
        .send_text("This first clause is long enough to need two chunks.")
        .await
        .unwrap();
    input.flush().await.unwrap();
    input.send_text("Second clause.").await.unwrap();
    // Audio of the first clause arrives, then the primary drops.
    assert!(matches!(output.next().await, Some(Ok(TtsEvent::Audio(_)))));
    input.close().await.unwrap();
    let (events, result) = drain(output).await;
    let (_, usage) = result.unwrap();
    let switch = events
        .iter()
        .find_map(|e| {
            if let TtsEvent::ProviderSwitched(s) = e {
                Some(s)
            } else {
                None
            }
        })
        .unwrap();
    assert!(switch.audio_delivered);
    assert!(
        matches!(&switch.reason, SwitchReason::Failed(why) if why.contains("elevenlabs")),
        "{:?}",
        switch.reason
    );
    assert_eq!(switch.replayed_chars, 14, "only the unspoken clause");
    assert_eq!(usage.characters, 14);
}

#[tokio::test]
async fn when_every_provider_fails_the_last_error_surfaces() {
    let faults = Faults::http_error(
        401,
        r#"{"detail":{"status":"invalid_api_key","message":"no"}}"#,
    );
    let a = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults.clone()))
        .await
        .unwrap();
    let b = FakeTts::openai_speech(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let chain = FallbackTts::new(
        vec![
            entry(
                ElevenLabsTts::new(elevenlabs::config(&a)),
                elevenlabs::VOICE,
            ),
            entry(OpenAiSpeech::new(openai::config(&b)), "alloy"),
        ],
        None,
    );
    let (events, result) = drain(
        chain
            .synthesize(VoiceConfig::default(), "Hello.".into())
            .await
            .unwrap(),
    )
    .await;
    assert!(
        matches!(
            result,
            Err(ProviderError::Auth {
                provider: "openai",
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(events.len(), 1, "one switch, no audio: {events:?}");
    assert_eq!(chain.switches().len(), 1);
}
