//! Failures: refused upgrades, refused sessions, `error` events, dropped and closed
//! connections, and the connect / first-byte deadlines. No error carries the key.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::error::Phase;
use switchboard_providers::realtime::{OpenAiRealtime, RealtimeEvent};
use switchboard_providers::tts::ApiKey;
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::realtime::{FakeRealtime, RealtimeScript, Reply};

use super::support;

async fn connect_error(script: RealtimeScript, key: &str) -> ProviderError {
    let fake = FakeRealtime::start(script).await.unwrap();
    let mut config = support::config(fake.url());
    config.api_key = ApiKey::new(key);
    OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .expect_err("connect should fail")
}

#[tokio::test]
async fn a_wrong_key_is_an_auth_error_without_the_key() {
    let error = connect_error(RealtimeScript::default(), "sk-wrong-key-987").await;
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );
    support::assert_no_secret(&error, "sk-wrong-key-987");
}

#[tokio::test]
async fn refused_upgrades_are_typed() {
    let limited = RealtimeScript {
        faults: Faults::http_error(
            429,
            r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
        ),
        ..RealtimeScript::default()
    };
    let error = connect_error(limited, support_key()).await;
    assert!(
        matches!(error, ProviderError::RateLimited { .. }),
        "{error:?}"
    );
    let down = RealtimeScript {
        faults: Faults::http_error(503, "{}"),
        ..RealtimeScript::default()
    };
    let error = connect_error(down, support_key()).await;
    assert!(
        matches!(error, ProviderError::Upstream { .. }) && error.is_retryable(),
        "{error:?}"
    );
}

fn support_key() -> &'static str {
    switchboard_testkit::fakes::realtime::FAKE_REALTIME_KEY
}

#[tokio::test]
async fn a_refused_session_fails_connect_with_the_reason() {
    let fake = FakeRealtime::start(RealtimeScript::default())
        .await
        .unwrap();
    let config = support::config(fake.url());
    let mut session = config.session();
    session.voice = "nobody".into();
    let error = OpenAiRealtime::new(config)
        .connect(session)
        .await
        .expect_err("refused");
    let ProviderError::BadRequest {
        status: 400,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(
        message.contains("invalid_value") && message.contains("nobody"),
        "{message}"
    );
}

#[tokio::test]
async fn an_error_event_is_reported_and_the_session_goes_on() {
    let fake = FakeRealtime::start(RealtimeScript {
        replies: vec![
            Reply::error("invalid_request_error", "invalid_value", "That went wrong."),
            Reply::error("server_error", "", "The server had an error."),
            Reply::say("Hello."),
        ],
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let config = support::config(fake.url());
    let stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    let (input, mut output) = stream.split();
    let limit = Duration::from_secs(3);
    let is_error = |e: &RealtimeEvent| matches!(e, RealtimeEvent::Error(_));

    input.create_response(None).await.unwrap();
    let events = support::until(&mut output, limit, is_error).await;
    let Some(RealtimeEvent::Error(ProviderError::BadRequest {
        status: 400,
        message,
        ..
    })) = events.last()
    else {
        panic!("{events:?}")
    };
    assert_eq!(message, "invalid_value: That went wrong.");

    input.create_response(None).await.unwrap();
    let events = support::until(&mut output, limit, is_error).await;
    assert!(
        matches!(
            events.last(),
            Some(RealtimeEvent::Error(ProviderError::Upstream { .. }))
        ),
        "{events:?}"
    );

    input.create_response(None).await.unwrap();
    let events = support::until(&mut output, limit, support::is_response_done).await;
    assert_eq!(support::audio_of(&events).len(), "Hello.".len() * 60 * 8);
}

#[tokio::test]
async fn a_connection_dropped_mid_answer_is_an_upstream_error() {
    let fake = FakeRealtime::start(RealtimeScript {
        replies: vec![Reply::say("This answer never finishes.")],
        faults: Faults {
            drop_after_chunks: Some(2),
            ..Faults::default()
        },
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let config = support::config(fake.url());
    let mut stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    stream.input.create_response(None).await.unwrap();
    let (events, error) = support::until_error(&mut stream.output, Duration::from_secs(3)).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, RealtimeEvent::AudioDelta { .. }))
            .count(),
        2
    );
    assert!(
        matches!(error, ProviderError::Upstream { .. }) && error.is_retryable(),
        "{error:?}"
    );
    assert!(
        stream.output.next().await.is_none(),
        "the stream ends after a fatal error"
    );
}

#[tokio::test]
async fn a_close_frame_mid_session_is_typed_by_its_code() {
    let fake = FakeRealtime::start(RealtimeScript {
        faults: Faults {
            ws_close: Some((1011, "internal error".into())),
            ..Faults::default()
        },
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let config = support::config(fake.url());
    let mut stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    stream.input.create_response(None).await.unwrap();
    let (_, error) = support::until_error(&mut stream.output, Duration::from_secs(3)).await;
    let ProviderError::Upstream { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        message.contains("1011") && message.contains("internal error"),
        "{message}"
    );
}

#[tokio::test]
async fn a_hung_response_times_out_at_first_byte() {
    let fake = FakeRealtime::start(RealtimeScript {
        replies: vec![Reply::Hang],
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let mut config = support::config(fake.url());
    config.timeouts.first_byte = Duration::from_millis(300);
    let mut stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    let asked = tokio::time::Instant::now();
    stream.input.create_response(None).await.unwrap();
    let (events, error) = support::until_error(&mut stream.output, Duration::from_secs(3)).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RealtimeEvent::ResponseStarted { .. }))
    );
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
    let waited = asked.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(1000),
        "{waited:?}"
    );
    assert!(support::eventually(Duration::from_secs(1), || fake.closed_sessions() == 1).await);
}

#[tokio::test]
async fn a_stream_that_stalls_mid_answer_times_out_idle() {
    let fake = FakeRealtime::start(RealtimeScript {
        replies: vec![Reply::say("This answer stops halfway.")],
        stall_after_chunks: Some(2),
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let mut config = support::config(fake.url());
    config.timeouts.idle = Duration::from_millis(300);
    let mut stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    stream.input.create_response(None).await.unwrap();
    let (events, error) = support::until_error(&mut stream.output, Duration::from_secs(3)).await;
    assert_eq!(
        support::audio_of(&events).len(),
        2 * 800,
        "two 100 ms deltas"
    );
    assert!(
        matches!(
            error,
            ProviderError::Timeout {
                phase: Phase::Idle,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn caller_silence_never_times_out() {
    let fake = FakeRealtime::start(RealtimeScript::default())
        .await
        .unwrap();
    let mut config = support::config(fake.url());
    config.timeouts.first_byte = Duration::from_millis(200);
    config.timeouts.idle = Duration::from_millis(200);
    let mut stream = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .unwrap();
    for _ in 0..25 {
        stream.input.send_audio(&[0xFF; 160]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        tokio::time::timeout(Duration::from_millis(100), stream.output.next())
            .await
            .is_err(),
        "nothing to report, and no timeout"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_the_upgrade_times_out_at_connect() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let mut config = support::config(format!("ws://{addr}/v1/realtime"));
    config.timeouts.connect = Duration::from_millis(300);
    let started = tokio::time::Instant::now();
    let error = OpenAiRealtime::new(config.clone())
        .connect(config.session())
        .await
        .expect_err("no answer");
    assert!(
        matches!(
            error,
            ProviderError::Timeout {
                phase: Phase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1000));
    held.abort();
}
