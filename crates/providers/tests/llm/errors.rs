//! Typed errors (§3.3), retries only before the first token, and no key in any error.

use std::time::Duration;

use switchboard_providers::ProviderError;
use switchboard_providers::llm::{ChatEvent, ChatModel, OpenAiChat, OpenAiConfig, collect};
use switchboard_testkit::fakes::Faults;
use switchboard_testkit::fakes::llm::Reply;
use tokio_util::sync::CancellationToken;

use super::support::*;

#[tokio::test]
async fn refused_key_is_auth_and_never_shown() {
    let fake = fake().await;
    let wrong = OpenAiChat::new(config(&fake).api_key("sk-wrong-key-but-still-secret")).unwrap();
    let items = drain(wrong.stream(&request(), CancellationToken::new())).await;
    assert!(
        matches!(error_of(&items), ProviderError::Auth { status: 401, .. }),
        "{items:?}"
    );
    assert!(
        !error_of(&items)
            .to_string()
            .contains("sk-wrong-key-but-still-secret")
    );
    let mut no_key = config(&fake);
    no_key.api_key = None;
    let error = OpenAiChat::new(no_key)
        .unwrap()
        .complete(&request(), CancellationToken::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Auth { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(
        fake.recorder().all().len(),
        2,
        "auth errors are not retried"
    );
}

#[tokio::test]
async fn provider_text_echoing_the_key_is_redacted_everywhere() {
    let fake = fake().await;
    fake.push(Reply::error(
        400,
        &format!("Your key {KEY} cannot use this model"),
        "invalid_request_error",
        None,
    ));
    fake.push(Reply::text("Hello there").error_mid_stream(2, &format!("upstream saw {KEY}")));
    let chat = client(&fake);
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    let error = error_of(&items);
    assert!(
        matches!(error, ProviderError::BadRequest { status: 400, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("cannot use this model"),
        "keeps the provider's message: {error}"
    );
    assert_no_secret(error);
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    assert_no_secret(error_of(&items));
    assert!(
        !format!("{chat:?}").contains(KEY),
        "client Debug leaks the key"
    );
    assert!(
        !format!("{:?}", config(&fake)).contains(KEY),
        "config Debug leaks the key"
    );
}

#[tokio::test]
async fn bad_request_keeps_the_message_and_is_not_retried() {
    let fake = fake().await;
    fake.push(Reply::error(
        400,
        "Invalid 'messages[1].content': string too long.",
        "invalid_request_error",
        Some("string_above_max_length"),
    ));
    fake.push(Reply::text("never sent"));
    let error = collect(client(&fake).stream(&request(), CancellationToken::new()))
        .await
        .unwrap_err();
    match &error {
        ProviderError::BadRequest {
            status, message, ..
        } => {
            assert_eq!(
                (*status, message.as_str()),
                (400, "Invalid 'messages[1].content': string too long.")
            );
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert_eq!(fake.pending(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn rate_limit_carries_retry_after_and_a_long_wait_is_left_to_the_chain() {
    let fake = fake().await;
    fake.push(Reply::rate_limited(7));
    fake.push(Reply::text("never sent"));
    let error = collect(client(&fake).stream(&request(), CancellationToken::new()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(fake.pending(), 1, "7 s is beyond max_backoff: no retry");
}

#[tokio::test]
async fn short_rate_limit_and_server_errors_are_retried_before_any_token() {
    let fake = fake().await;
    fake.push(Reply::rate_limited(0));
    fake.push(Reply::text("first ok"));
    fake.push(Reply::server_error(503));
    fake.push(Reply::text("second ok"));
    fake.push(Reply::text("dropped").drop_after(1)); // role chunk only: nothing delivered yet
    fake.push(Reply::text("third ok"));
    let chat = client(&fake);
    for expected in ["first ok", "second ok", "third ok"] {
        let response = collect(chat.stream(&request(), CancellationToken::new()))
            .await
            .unwrap();
        assert_eq!(response.text, expected);
    }
    fake.push(Reply::server_error(500));
    fake.push(Reply::server_error(502));
    fake.push(Reply::text("not reached"));
    let error = chat
        .complete(&request(), CancellationToken::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ProviderError::Upstream { message, .. } if message.starts_with("HTTP 502")),
        "{error:?}"
    );
    assert_eq!(fake.pending(), 1, "bounded by max_attempts");
}

#[tokio::test]
async fn nothing_is_retried_after_the_first_token() {
    let fake = fake().await;
    fake.push(Reply::text("one two three four").drop_after(3));
    fake.push(Reply::text("Hello there friend").error_mid_stream(3, "The server had an error"));
    fake.push(Reply::text("must stay queued"));
    let chat = client(&fake);
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    assert_eq!(text_of(&items), "one two");
    assert!(
        matches!(error_of(&items), ProviderError::Upstream { .. }),
        "{items:?}"
    );
    let items = drain(chat.stream(&request(), CancellationToken::new())).await;
    assert_eq!(text_of(&items), "Hello there");
    assert!(
        matches!(error_of(&items), ProviderError::Upstream { message, .. } if message.contains("The server had an error"))
    );
    assert_eq!(fake.pending(), 1);
    assert!(
        !items
            .iter()
            .any(|i| matches!(i, Ok(ChatEvent::Finished(_))))
    );
}

#[tokio::test]
async fn injected_http_error_fault_and_unreachable_server_are_upstream() {
    let fake = fake().await;
    fake.set_faults(Faults::http_error(
        500,
        "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}",
    ));
    fake.push(Reply::text("a"));
    fake.push(Reply::text("b"));
    let error = collect(client(&fake).stream(&request(), CancellationToken::new()))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ProviderError::Upstream { message, .. } if message.contains("boom")),
        "{error:?}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gone = OpenAiConfig {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        ..config(&fake)
    };
    let error = collect(
        OpenAiChat::new(gone)
            .unwrap()
            .stream(&request(), CancellationToken::new()),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, ProviderError::Upstream { message, .. } if message.contains("could not connect")),
        "{error:?}"
    );
    assert!(
        !error.to_string().contains("127.0.0.1"),
        "no URL in errors: {error}"
    );
}
