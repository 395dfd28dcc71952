//! HTTP tools against a real endpoint on 127.0.0.1.

mod endpoint;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use switchboard_voice::tools::{
    HttpToolDefinition, HttpToolRunner, MAX_TOOL_RESPONSE_BYTES, NetworkPolicy, ToolError,
    ToolSecret, verify_signature,
};
use tokio_util::sync::CancellationToken;
use url::Url;

use endpoint::Endpoint;

const SECRET: &str = "whsec_tool_test_secret";

fn definition(url: &str) -> HttpToolDefinition {
    HttpToolDefinition::new(
        "book_slot",
        "Books an appointment slot.",
        json!({"type": "object", "properties": {"day": {"type": "string"}}}),
        Url::parse(url).unwrap(),
        ToolSecret::new(SECRET),
    )
}

fn open_runner() -> HttpToolRunner {
    HttpToolRunner::new(NetworkPolicy {
        allow_private: true,
    })
}

async fn call(
    runner: &HttpToolRunner,
    definition: &HttpToolDefinition,
) -> Result<String, ToolError> {
    runner
        .call(
            definition,
            "call_1",
            "tc_1",
            json!({"day": "monday"}),
            CancellationToken::new(),
        )
        .await
        .map(|output| output.content)
}

#[tokio::test]
async fn a_signed_request_carries_the_arguments_and_the_answer_comes_back() {
    let endpoint = Endpoint::start().await;
    let output = open_runner()
        .call(
            &definition(&endpoint.url("/echo")),
            "call_1",
            "tc_1",
            json!({"day": "monday"}),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(output.status, 200);
    assert!(!output.truncated);
    assert_eq!(output.content, r#"{"booked":true}"#);

    let hit = endpoint.only_hit();
    assert_eq!(hit.path, "/echo");
    let header = |name: &str| hit.headers[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/json");
    assert!(header("user-agent").starts_with("Switchboard/"));
    let body: Value = serde_json::from_slice(&hit.body).unwrap();
    assert_eq!(
        body,
        json!({"tool": "book_slot", "call_id": "call_1", "tool_call_id": "tc_1",
               "arguments": {"day": "monday"}})
    );
    let timestamp = header("x-switchboard-timestamp");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now.abs_diff(timestamp.parse().unwrap()) < 60);
    let signature = header("x-switchboard-signature");
    assert!(verify_signature(SECRET, &timestamp, &hit.body, &signature));
    assert!(!verify_signature(
        "another secret",
        &timestamp,
        &hit.body,
        &signature
    ));
    assert!(!signature.contains(SECRET));
}

#[tokio::test]
async fn a_slow_tool_times_out() {
    let endpoint = Endpoint::start().await;
    let mut definition = definition(&endpoint.url("/slow"));
    definition.timeout = Duration::from_millis(200);
    let error = call(&open_runner(), &definition).await.unwrap_err();
    assert_eq!(error, ToolError::Timeout(Duration::from_millis(200)));
}

#[tokio::test]
async fn cancellation_aborts_the_call_promptly() {
    let endpoint = Endpoint::start().await;
    let mut definition = definition(&endpoint.url("/slow"));
    definition.timeout = Duration::from_secs(30);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let error = open_runner()
        .call(&definition, "call_1", "tc_1", json!({}), cancel)
        .await
        .unwrap_err();
    assert_eq!(error, ToolError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(10));
    endpoint.wait_for_hits(1).await;
}

#[tokio::test]
async fn an_error_status_becomes_an_error_with_a_short_excerpt() {
    let endpoint = Endpoint::start().await;
    let error = call(&open_runner(), &definition(&endpoint.url("/fail")))
        .await
        .unwrap_err();
    let ToolError::Status { status, excerpt } = &error else {
        panic!("expected a status error, got {error:?}");
    };
    assert_eq!(*status, 500);
    assert!(excerpt.starts_with("database exploded"), "{excerpt}");
    assert!(excerpt.chars().count() <= 201, "{}", excerpt.len());
    assert!(!error.to_string().contains(SECRET));
}

#[tokio::test]
async fn a_large_answer_is_cut_at_16_kib() {
    let endpoint = Endpoint::start().await;
    let output = open_runner()
        .call(
            &definition(&endpoint.url("/big")),
            "call_1",
            "tc_1",
            json!({}),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(output.truncated);
    assert_eq!(output.content.len(), MAX_TOOL_RESPONSE_BYTES);
    assert!(output.content.bytes().all(|b| b == b'x'));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let endpoint = Endpoint::start().await;
    let error = call(&open_runner(), &definition(&endpoint.url("/redirect")))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ToolError::Status { status: 302, .. }),
        "{error:?}"
    );
    assert_eq!(endpoint.only_hit().path, "/redirect");
}

#[tokio::test]
async fn loopback_addresses_and_names_are_refused_before_any_connection() {
    let endpoint = Endpoint::start().await;
    let port = endpoint.port();
    let strict = HttpToolRunner::new(NetworkPolicy::default());
    for url in [
        format!("http://127.0.0.1:{port}/echo"),
        format!("http://[::1]:{port}/echo"),
        format!("http://[::ffff:127.0.0.1]:{port}/echo"),
        // A name: refused when the runner resolves it, not by its spelling.
        format!("http://localhost:{port}/echo"),
    ] {
        let error = call(&strict, &definition(&url)).await.unwrap_err();
        assert!(matches!(error, ToolError::Forbidden(_)), "{url}: {error:?}");
        assert!(
            error
                .to_string()
                .contains("loopback or private networks are refused")
        );
    }
    // Metadata and private-range addresses are refused the same way; they are checked with
    // `check_url` only, so a regression could never send a packet to them from a test.
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
    ] {
        let error = NetworkPolicy::default()
            .check_url(&Url::parse(url).unwrap())
            .unwrap_err();
        assert!(matches!(error, ToolError::Forbidden(_)), "{url}");
    }
    assert_eq!(endpoint.hits().len(), 0);
}

#[tokio::test]
async fn an_endpoint_that_is_not_listening_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let error = call(
        &open_runner(),
        &definition(&format!("http://127.0.0.1:{port}/echo")),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, ToolError::Unreachable(_)), "{error:?}");
    assert!(!error.to_string().contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn an_invalid_definition_is_refused_before_any_request() {
    let endpoint = Endpoint::start().await;
    let mut definition = definition(&endpoint.url("/echo"));
    definition.name = "Book Slot".into();
    let error = call(&open_runner(), &definition).await.unwrap_err();
    assert!(matches!(error, ToolError::Invalid(_)), "{error:?}");
    assert_eq!(endpoint.hits().len(), 0);
}
