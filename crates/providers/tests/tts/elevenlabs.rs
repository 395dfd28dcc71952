//! ElevenLabs `stream-input` WebSocket and HTTP streaming against the fake.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::error::Phase;
use switchboard_providers::tts::elevenlabs::{
    ElevenLabsConfig, ElevenLabsHttpTts, ElevenLabsTts, KeyPlacement,
};
use switchboard_providers::tts::{ApiKey, RetryPolicy, StreamingTts, TtsEvent, VoiceConfig};
use switchboard_testkit::fakes::tts::{FAKE_KEY, FakeTts, FakeTtsConfig};
use switchboard_testkit::fakes::{Faults, Recorded};

use super::support::{assert_no_secret, drain, eventually, frequency_hz, quick_timeouts};

pub const VOICE: &str = "21m00Tcm4TlvDq8ikWAM";

pub fn config(fake: &FakeTts) -> ElevenLabsConfig {
    let mut config =
        ElevenLabsConfig::new(ApiKey::new(FAKE_KEY)).with_base(fake.http_url(), fake.ws_url());
    config.timeouts = quick_timeouts();
    config
}

#[tokio::test]
async fn stream_input_speaks_clauses_as_they_come() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let tts = ElevenLabsTts::new(config(&fake));
    let (input, output) = tts.open(VoiceConfig::new(VOICE)).await.unwrap().split();
    input.send_text("Hello there.").await.unwrap();
    input.flush().await.unwrap();
    input.send_text("How are you?").await.unwrap();
    input.close().await.unwrap();
    let (events, result) = drain(output).await;
    let (audio, usage) = result.unwrap();

    // 24 characters at 10 ms each, mu-law 8 kHz: 8 bytes per ms.
    assert_eq!(audio.len(), 24 * 10 * 8);
    assert_eq!(usage.characters, 24);
    assert_eq!(usage.audio_ms, 240);
    assert!(
        (frequency_hz(&audio) - 440.0).abs() < 10.0,
        "{}",
        frequency_hz(&audio)
    );
    let first = events
        .iter()
        .find_map(|e| {
            if let TtsEvent::Audio(c) = e {
                Some(c)
            } else {
                None
            }
        })
        .unwrap();
    let alignment = first
        .alignment
        .as_ref()
        .expect("the first chunk carries alignment");
    assert_eq!(alignment.chars.concat(), "Hello there.");

    let recorded = fake.recorder().all();
    let Recorded::Http {
        path,
        query,
        headers,
        ..
    } = &recorded[0]
    else {
        panic!("{recorded:?}")
    };
    assert_eq!(path, &format!("/v1/text-to-speech/{VOICE}/stream-input"));
    assert!(
        query.contains("model_id=eleven_flash_v2_5") && query.contains("output_format=ulaw_8000"),
        "{query}"
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "xi-api-key" && v == FAKE_KEY)
    );
    let messages = fake.ws_messages();
    assert_eq!(messages[0]["text"], " ");
    assert_eq!(
        messages[0]["generation_config"]["chunk_length_schedule"],
        serde_json::json!([120, 160, 250, 290])
    );
    assert!(messages[0].get("xi-api-key").is_none());
    assert_eq!(messages[1]["text"], "Hello there. ");
    assert_eq!(messages[2]["flush"], true);
    assert_eq!(messages[3]["text"], "How are you? ");
    assert_eq!(messages.last().unwrap(), &serde_json::json!({"text": ""}));
}

#[tokio::test]
async fn the_key_can_travel_in_the_first_message() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let mut config = config(&fake);
    config.key_placement = KeyPlacement::FirstMessage;
    config.chunk_length_schedule = Some(vec![50, 120]);
    let tts = ElevenLabsTts::new(config);
    let (audio, _) = tts
        .synthesize(VoiceConfig::new(VOICE), "Hi.".into())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(audio.len(), 3 * 10 * 8);
    let Recorded::Http { headers, .. } = &fake.recorder().all()[0] else {
        panic!()
    };
    assert!(!headers.iter().any(|(k, _)| k == "xi-api-key"));
    assert_eq!(fake.ws_messages()[0]["xi-api-key"], FAKE_KEY);
}

#[tokio::test]
async fn a_wrong_key_is_an_auth_error_without_the_key() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let secret = "sk-wrong-and-secret-123456";
    let mut config = config(&fake);
    config.api_key = ApiKey::new(secret);
    for key_placement in [KeyPlacement::Header, KeyPlacement::FirstMessage] {
        config.key_placement = key_placement;
        let tts = ElevenLabsTts::new(config.clone());
        let error = match tts.synthesize(VoiceConfig::new(VOICE), "Hi.".into()).await {
            Err(error) => error,
            Ok(output) => output.collect().await.unwrap_err(),
        };
        assert!(matches!(error, ProviderError::Auth { .. }), "{error:?}");
        assert_no_secret(&error, secret);
    }
    assert!(!format!("{config:?}").contains(secret));
}

#[tokio::test]
async fn a_slow_first_byte_times_out() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default().first_byte(Duration::from_millis(800)))
        .await
        .unwrap();
    let mut config = config(&fake);
    config.timeouts.first_byte = Duration::from_millis(150);
    let output = ElevenLabsTts::new(config)
        .synthesize(VoiceConfig::new(VOICE), "Hello.".into())
        .await
        .unwrap();
    let error = output.collect().await.unwrap_err();
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
async fn a_stream_dropped_mid_way_is_an_upstream_error() {
    let faults = Faults {
        drop_after_chunks: Some(1),
        ..Faults::default()
    };
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let output = ElevenLabsTts::new(config(&fake))
        .synthesize(
            VoiceConfig::new(VOICE),
            "A sentence long enough for several chunks.".into(),
        )
        .await
        .unwrap();
    let (events, result) = drain(output).await;
    assert!(matches!(events[0], TtsEvent::Audio(_)));
    assert!(
        matches!(result, Err(ProviderError::Upstream { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn close_codes_are_surfaced() {
    for (code, reason, check) in [
        (
            1011u16,
            "internal error",
            (|e: &ProviderError| matches!(e, ProviderError::Upstream { message, .. } if message.contains("1011") && message.contains("internal error")))
                as fn(&ProviderError) -> bool,
        ),
        (1008, "policy violation", |e| {
            matches!(e, ProviderError::BadRequest { status: 1008, .. })
        }),
    ] {
        let faults = Faults {
            ws_close: Some((code, reason.into())),
            ..Faults::default()
        };
        let fake = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
            .await
            .unwrap();
        let output = ElevenLabsTts::new(config(&fake))
            .synthesize(VoiceConfig::new(VOICE), "Hello.".into())
            .await
            .unwrap();
        let error = output.collect().await.unwrap_err();
        assert!(check(&error), "{error:?}");
    }
}

#[tokio::test]
async fn barge_in_closes_the_socket_promptly() {
    let faults = Faults {
        per_chunk: Duration::from_millis(100),
        ..Faults::default()
    };
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let (input, mut output) = ElevenLabsTts::new(config(&fake))
        .open(VoiceConfig::new(VOICE))
        .await
        .unwrap()
        .split();
    input
        .send_text("This is a long answer that the caller interrupts half way through.")
        .await
        .unwrap();
    input.flush().await.unwrap();
    assert!(matches!(output.next().await, Some(Ok(TtsEvent::Audio(_)))));
    input.cancel();
    assert!(output.next().await.is_none());
    eventually(|| fake.saw_ws_close()).await;
    assert!(fake.saw_ws_close(), "the fake never saw the close");
    assert_eq!(fake.aborted_streams(), 1);
}

#[tokio::test]
async fn the_server_error_message_is_mapped() {
    // Text before the init message: the fake (like the service) reports invalid input.
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let mut config = config(&fake);
    config.chunk_length_schedule = Some(vec![10]);
    let output = ElevenLabsTts::new(config)
        .synthesize(VoiceConfig::new(VOICE), "Hi.".into())
        .await
        .unwrap();
    let error = output.collect().await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::BadRequest { message, .. } if message.contains("invalid_input_message")),
        "{error:?}"
    );
}

#[tokio::test]
async fn http_streaming_makes_one_request_per_segment() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let tts = ElevenLabsHttpTts::new(config(&fake));
    let (input, output) = tts.open(VoiceConfig::new(VOICE)).await.unwrap().split();
    input.send_text("First part.").await.unwrap();
    input.flush().await.unwrap();
    input.send_text("Second part.").await.unwrap();
    input.close().await.unwrap();
    let (audio, usage) = output.collect().await.unwrap();
    assert_eq!(audio.len(), (11 + 12) * 10 * 8);
    assert_eq!(usage.characters, 23);
    let posts: Vec<_> = fake
        .recorder()
        .all()
        .into_iter()
        .filter_map(|r| match r {
            Recorded::Http {
                method,
                path,
                query,
                body,
                ..
            } if method == "POST" => Some((
                path,
                query,
                serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].0, format!("/v1/text-to-speech/{VOICE}/stream"));
    assert!(posts[0].1.contains("output_format=ulaw_8000"));
    assert_eq!(posts[0].2["text"], "First part.");
    assert_eq!(posts[0].2["model_id"], "eleven_flash_v2_5");
    assert_eq!(posts[1].2["previous_text"], "First part.");
}

#[tokio::test]
async fn http_errors_are_typed_and_retried_only_when_safe() {
    // 429 with a retry-after longer than the policy waits: no retry, the hint surfaces.
    let faults = Faults::http_error(
        429,
        r#"{"detail":{"status":"too_many_concurrent_requests","message":"slow down"}}"#,
    );
    let fake = FakeTts::elevenlabs(FakeTtsConfig {
        retry_after_secs: Some(7),
        ..FakeTtsConfig::default().with_faults(faults)
    })
    .await
    .unwrap();
    let output = ElevenLabsHttpTts::new(config(&fake))
        .synthesize(VoiceConfig::new(VOICE), "Hi.".into())
        .await
        .unwrap();
    let error = output.collect().await.unwrap_err();
    assert!(
        matches!(error, ProviderError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{error:?}"
    );
    assert_eq!(fake.requests(), 1);

    // A 503 on the first request only: retried once, then the audio comes.
    let faults = Faults::http_error(503, r#"{"detail":{"status":"busy","message":"try again"}}"#);
    let fake = FakeTts::elevenlabs(FakeTtsConfig {
        fail_first: Some(1),
        ..FakeTtsConfig::default().with_faults(faults)
    })
    .await
    .unwrap();
    let output = ElevenLabsHttpTts::new(config(&fake))
        .synthesize(VoiceConfig::new(VOICE), "Hi.".into())
        .await
        .unwrap();
    assert_eq!(output.collect().await.unwrap().0.len(), 3 * 10 * 8);
    assert_eq!(fake.requests(), 2);

    // A 400 is not retried and keeps the provider's message.
    let faults = Faults::http_error(
        400,
        r#"{"detail":{"status":"text_too_long","message":"Text is too long"}}"#,
    );
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let mut config = config(&fake);
    config.retry = RetryPolicy {
        retries: 3,
        ..RetryPolicy::default()
    };
    let output = ElevenLabsHttpTts::new(config)
        .synthesize(VoiceConfig::new(VOICE), "Hi.".into())
        .await
        .unwrap();
    let error = output.collect().await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::BadRequest { status: 400, message, .. } if message == "Text is too long"),
        "{error:?}"
    );
    assert_eq!(fake.requests(), 1);
}

#[tokio::test]
async fn voices_are_listed() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let voices = ElevenLabsTts::new(config(&fake))
        .list_voices()
        .await
        .unwrap();
    assert_eq!(voices.len(), 2);
    assert_eq!(voices[0].id, VOICE);
    assert_eq!(
        voices[0].labels,
        vec![("accent".to_owned(), "american".to_owned())]
    );
}

#[tokio::test]
async fn a_stall_after_the_first_audio_is_an_idle_timeout() {
    let faults = Faults {
        per_chunk: Duration::from_millis(600),
        ..Faults::default()
    };
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default().with_faults(faults))
        .await
        .unwrap();
    let mut config = config(&fake);
    config.timeouts.idle = Duration::from_millis(150);
    let output = ElevenLabsTts::new(config)
        .synthesize(
            VoiceConfig::new(VOICE),
            "Long enough for two chunks.".into(),
        )
        .await
        .unwrap();
    let (events, result) = drain(output).await;
    assert_eq!(events.len(), 1, "one chunk, then the stall");
    assert!(
        matches!(
            result,
            Err(ProviderError::Timeout {
                phase: Phase::Idle,
                ..
            })
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_refused_upgrade_is_retried_before_anything_was_said() {
    let faults = Faults::http_error(503, r#"{"detail":{"status":"busy","message":"busy"}}"#);
    let fake = FakeTts::elevenlabs(FakeTtsConfig {
        fail_first: Some(1),
        ..FakeTtsConfig::default().with_faults(faults)
    })
    .await
    .unwrap();
    let output = ElevenLabsTts::new(config(&fake))
        .synthesize(VoiceConfig::new(VOICE), "Hi.".into())
        .await
        .unwrap();
    assert_eq!(output.collect().await.unwrap().0.len(), 3 * 10 * 8);
    assert_eq!(fake.requests(), 2, "one refused upgrade, one retry");
}
