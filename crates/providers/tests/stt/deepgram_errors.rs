//! The live client's failures: refused handshakes, close codes, drops, timeouts, cancellation.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::error::Phase;
use switchboard_providers::stt::{DeepgramLive, StreamOptions, StreamingStt};
use switchboard_testkit::fakes::stt::{DeepgramScript, FakeDeepgram};
use switchboard_testkit::fakes::{Faults, Recorded};
use tokio::time::Instant;

use super::support::{self, KEY};

async fn open_err(script: DeepgramScript, options: StreamOptions, key: &str) -> ProviderError {
    let fake = FakeDeepgram::start(script).await.unwrap();
    let mut config = support::deepgram(fake.ws_url());
    config.api_key = key.into();
    DeepgramLive::new(config)
        .open(options)
        .await
        .expect_err("open should fail")
}

#[tokio::test]
async fn wrong_key_is_an_auth_error() {
    let error = open_err(
        DeepgramScript::new(KEY),
        StreamOptions::phone("nova-3"),
        "wrong",
    )
    .await;
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("wrong"), "no key in errors");
}

#[tokio::test]
async fn bad_parameter_is_a_bad_request_with_deepgrams_reason() {
    let mut options = StreamOptions::phone("nova-3");
    options.sample_rate = 0;
    let error = open_err(DeepgramScript::new(KEY), options, KEY).await;
    let ProviderError::BadRequest {
        status: 400,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(message.contains("sample_rate"), "{message}");
}

#[tokio::test]
async fn rate_limit_and_outage_on_upgrade_are_typed() {
    let limited = DeepgramScript {
        faults: Faults::http_error(429, r#"{"err_code":"TOO_MANY_REQUESTS"}"#),
        ..DeepgramScript::new(KEY)
    };
    let error = open_err(limited, StreamOptions::phone("nova-3"), KEY).await;
    assert!(
        matches!(error, ProviderError::RateLimited { .. }),
        "{error:?}"
    );
    let down = DeepgramScript {
        faults: Faults::http_error(503, "{}"),
        ..DeepgramScript::new(KEY)
    };
    let error = open_err(down, StreamOptions::phone("nova-3"), KEY).await;
    assert!(
        matches!(error, ProviderError::Upstream { .. }) && error.is_retryable(),
        "{error:?}"
    );
}

/// Streams audio into a fake scripted to fail, returns the stream's error.
async fn stream_error(
    script: DeepgramScript,
    tweak: impl FnOnce(&mut switchboard_providers::stt::DeepgramConfig),
) -> ProviderError {
    let fake = FakeDeepgram::start(script).await.unwrap();
    let mut config = support::deepgram(fake.ws_url());
    tweak(&mut config);
    let (sender, mut events, _guard) = DeepgramLive::new(config)
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap()
        .split();
    let pusher =
        tokio::spawn(async move { support::pump(&sender, &support::silence(3000), 10).await });
    let (_, error) = support::collect(&mut events, Duration::from_secs(5)).await;
    pusher.abort();
    error.expect("the stream should fail")
}

#[tokio::test]
async fn close_codes_surface_code_and_reason() {
    let net = DeepgramScript {
        close_at_audio: Some((Duration::from_millis(500), 1011, "NET-0000".into())),
        ..DeepgramScript::new(KEY)
    };
    let error = stream_error(net, |_| {}).await;
    let ProviderError::Upstream { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        message.contains("1011") && message.contains("NET-0000"),
        "{message}"
    );

    let data = DeepgramScript {
        close_at_audio: Some((Duration::from_millis(200), 1008, "DATA-0000".into())),
        ..DeepgramScript::new(KEY)
    };
    let error = stream_error(data, |_| {}).await;
    let ProviderError::BadRequest {
        status: 1008,
        message,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(message.contains("DATA-0000"), "{message}");
}

#[tokio::test]
async fn a_dropped_connection_is_an_upstream_error() {
    let script = DeepgramScript {
        silence_final_every: Some(Duration::from_millis(200)),
        faults: Faults {
            drop_after_chunks: Some(1),
            ..Faults::default()
        },
        ..DeepgramScript::new(KEY)
    };
    let error = stream_error(script, |_| {}).await;
    assert!(matches!(error, ProviderError::Upstream { .. }), "{error:?}");
}

#[tokio::test]
async fn server_inactivity_close_is_net_0001() {
    let script = DeepgramScript {
        inactivity_timeout: Duration::from_millis(200),
        ..DeepgramScript::new(KEY)
    };
    let fake = FakeDeepgram::start(script).await.unwrap();
    let mut config = support::deepgram(fake.ws_url());
    config.keepalive_every = Duration::from_secs(30);
    let stream = DeepgramLive::new(config)
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap();
    let (_sender, mut events, _guard) = stream.split();
    let (_, error) = support::collect(&mut events, Duration::from_secs(3)).await;
    let error = error.expect("closed");
    assert!(error.to_string().contains("NET-0001"), "{error}");
}

#[tokio::test]
async fn a_silent_provider_times_out_waiting_for_the_first_result() {
    let script = DeepgramScript {
        stall_at_audio: Some(Duration::ZERO),
        ..DeepgramScript::new(KEY)
    };
    let error = stream_error(script, |c| {
        c.timeouts.first_byte = Duration::from_millis(300)
    })
    .await;
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
async fn connect_timeout_when_the_handshake_never_answers() {
    // Accepts TCP (the backlog does) but never speaks HTTP.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut config = support::deepgram(format!("ws://{}", listener.local_addr().unwrap()));
    config.timeouts.connect = Duration::from_millis(300);
    let started = Instant::now();
    let error = DeepgramLive::new(config)
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap_err();
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
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn cancellation_closes_the_socket_promptly() {
    let fake = FakeDeepgram::start(DeepgramScript::new(KEY)).await.unwrap();
    let stream = DeepgramLive::new(support::deepgram(fake.ws_url()))
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap();
    let (sender, mut events, _guard) = stream.split();
    support::pump(&sender, &support::silence(200), 10).await;
    let started = Instant::now();
    sender.cancel();
    let next = tokio::time::timeout(Duration::from_secs(1), events.recv())
        .await
        .unwrap();
    assert!(
        matches!(next, Some(Err(ProviderError::Cancelled))),
        "{next:?}"
    );
    loop {
        if fake
            .recorder()
            .all()
            .iter()
            .any(|r| matches!(r, Recorded::WsClosed { .. }))
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "socket still open"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(sender.send_frame(&[0xFF; 160]).await.is_err());
}

#[tokio::test]
async fn dropping_the_stream_closes_the_socket() {
    let fake = FakeDeepgram::start(DeepgramScript::new(KEY)).await.unwrap();
    let stream = DeepgramLive::new(support::deepgram(fake.ws_url()))
        .open(StreamOptions::phone("nova-3"))
        .await
        .unwrap();
    stream.sender.send_frame(&[0xFF; 160]).await.unwrap();
    drop(stream);
    let started = Instant::now();
    while !fake
        .recorder()
        .all()
        .iter()
        .any(|r| matches!(r, Recorded::WsClosed { .. }))
    {
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "socket still open"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_provider_that_goes_quiet_mid_stream_times_out_idle() {
    let script = DeepgramScript {
        silence_final_every: Some(Duration::from_millis(200)),
        stall_at_audio: Some(Duration::from_millis(1000)),
        ..DeepgramScript::new(KEY)
    };
    let error = stream_error(script, |c| c.timeouts.idle = Duration::from_millis(300)).await;
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
