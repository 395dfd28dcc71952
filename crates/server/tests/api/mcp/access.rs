//! Who may use `/mcp`, what they see, and how the transport answers the unexpected.

use std::time::Duration;

use reqwest::StatusCode;
use rmcp::model::CallToolRequestParams;
use serde_json::json;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::conversation::support::{Fakes, persona, start_call};
use crate::helpers::TestApp;

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;

/// A raw POST to `/mcp` as a Streamable HTTP client sends it.
async fn post(
    app: &TestApp,
    key: Option<&str>,
    session: Option<&str>,
    body: &str,
) -> reqwest::Response {
    let mut request = app
        .http
        .post(format!("{}/mcp", app.base))
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(session) = session {
        request = request
            .header("mcp-session-id", session)
            .header("mcp-protocol-version", "2025-11-25");
    }
    tokio::time::timeout(Duration::from_secs(10), request.send())
        .await
        .expect("the server answers at once")
        .unwrap()
}

/// The body of an answer, JSON or SSE, as text (bounded in time: the server must not hang).
async fn text(response: reqwest::Response) -> String {
    tokio::time::timeout(Duration::from_secs(10), response.text())
        .await
        .expect("the answer completes")
        .unwrap()
}

pub async fn mcp_needs_a_key_and_never_shows_another_tenants_calls(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_mcp(db, &fakes, |_| {}).await;

    let anonymous = post(&app, None, None, INITIALIZE).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(
        anonymous
            .headers()
            .get("www-authenticate")
            .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")),
        "{:?}",
        anonymous.headers()
    );
    let forged = post(&app, Some("sk_live_not_a_real_key"), None, INITIALIZE).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let ada = app.signup("ada@example.com", "Ada's").await;
    let brad = persona(&app, &ada, "brad").await;
    let (adas_call, _) = start_call(&app, &ada, &brad, json!({"caller_name": "Ada"})).await;
    let bob = app.signup("bob@example.com", "Bob's").await;
    let (_, bob_key) = app.api_key(&bob, &["read", "write"]).await;
    let (bob_client, _) = connect(&app, &bob_key).await;

    for (tool, arguments) in [
        ("get_call", json!({"call_id": adas_call})),
        (
            "continue_call",
            json!({"call_id": adas_call, "message": "Hi"}),
        ),
        (
            "speak_to_user",
            json!({"call_id": adas_call, "message": "Hi"}),
        ),
        ("end_call", json!({"call_id": adas_call, "message": "Bye"})),
    ] {
        let refused = error_text(&call(&bob_client, tool, arguments).await);
        assert!(
            refused.contains(&format!("There is no call {adas_call}")),
            "{tool}: {refused}"
        );
    }
    let listed = structured(&call(&bob_client, "list_calls", json!({})).await);
    assert_eq!(listed["calls"], json!([]), "Bob sees none of Ada's calls");

    let unverified =
        error_text(&call(&bob_client, "initiate_call", json!({"message": "Hi"})).await);
    assert!(
        unverified.contains("no verified phone number"),
        "{unverified}"
    );
    let invalid = error_text(&call(&bob_client, "initiate_call", json!({"text": "Hi"})).await);
    assert!(invalid.contains("not valid"), "{invalid}");
    let empty = error_text(&call(&bob_client, "send_sms", json!({"message": "  "})).await);
    assert!(empty.contains("must say something"), "{empty}");
    let unknown = bob_client
        .call_tool(CallToolRequestParams::new("launch_rockets"))
        .await;
    assert!(unknown.is_err(), "an unknown tool is a protocol error");

    // A read-only key may not place calls.
    let (_, read_only) = app.api_key(&bob, &["read"]).await;
    let refused = post(&app, Some(&read_only), None, INITIALIZE).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

pub async fn the_transport_answers_what_it_does_not_speak_with_errors(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_mcp(db, &fakes, |config| {
        config.public_url = Some("https://switchboard.example.com".into());
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let (_, key) = app.api_key(&ada, &["read", "write"]).await;

    // The 2026-07-28 probe gets an error at once, never a hang.
    let discover = post(
        &app,
        Some(&key),
        None,
        r#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#,
    )
    .await;
    let status = discover.status();
    let body = text(discover).await;
    assert!(
        status.is_client_error() || body.contains("\"error\""),
        "{status} {body}"
    );

    let started = post(&app, Some(&key), None, INITIALIZE).await;
    assert_eq!(started.status(), StatusCode::OK);
    let session = started
        .headers()
        .get("mcp-session-id")
        .expect("a session id")
        .to_str()
        .unwrap()
        .to_owned();
    let body = text(started).await;
    assert!(
        body.contains("\"protocolVersion\":\"2025-11-25\""),
        "{body}"
    );
    let initialized = post(
        &app,
        Some(&key),
        Some(&session),
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    )
    .await;
    assert_eq!(initialized.status(), StatusCode::ACCEPTED);
    let unknown = post(
        &app,
        Some(&key),
        Some(&session),
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/launch"}"#,
    )
    .await;
    let body = text(unknown).await;
    assert!(body.contains("-32601"), "method not found: {body}");
    let pinged = text(
        post(
            &app,
            Some(&key),
            Some(&session),
            r#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#,
        )
        .await,
    )
    .await;
    assert!(pinged.contains("\"result\":{}"), "{pinged}");

    // Browsers from elsewhere and rebinding hosts are refused.
    let evil_origin = app
        .http
        .post(format!("{}/mcp", app.base))
        .bearer_auth(&key)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .body(INITIALIZE)
        .send()
        .await
        .unwrap();
    assert_eq!(evil_origin.status(), StatusCode::FORBIDDEN);
    let evil_host = app
        .http
        .post(format!("{}/mcp", app.base))
        .bearer_auth(&key)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("host", "evil.example")
        .body(INITIALIZE)
        .send()
        .await
        .unwrap();
    assert!(
        evil_host.status().is_client_error(),
        "{}",
        evil_host.status()
    );

    // Behind the public URL, its host and origin are welcome.
    let public = app
        .http
        .post(format!("{}/mcp", app.base))
        .bearer_auth(&key)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("host", "switchboard.example.com")
        .header("origin", "https://switchboard.example.com")
        .body(INITIALIZE)
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);

    // GET opens the server's own event stream for the session.
    let stream = app
        .http
        .get(format!("{}/mcp", app.base))
        .bearer_auth(&key)
        .header("accept", "text/event-stream")
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    drop(stream);

    // DELETE ends the session; it is gone afterwards.
    let deleted = app
        .http
        .delete(format!("{}/mcp", app.base))
        .bearer_auth(&key)
        .header("mcp-session-id", &session)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let gone = post(
        &app,
        Some(&key),
        Some(&session),
        r#"{"jsonrpc":"2.0","id":4,"method":"ping"}"#,
    )
    .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
