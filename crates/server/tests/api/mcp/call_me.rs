//! Verifying the number MCP calls ring: by text or by a call that reads the code out.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_testkit::TestDatabase;

use super::support::*;
use crate::conversation::support::Fakes;
use crate::helpers::{Account, TestApp, expect_error, read};

const PHONE: &str = "+14155550123";

async fn set_number(
    app: &TestApp,
    account: &Account,
    body: serde_json::Value,
) -> reqwest::Response {
    app.request(
        Method::PUT,
        "/v1/me/call-me-number",
        Some(&account.token),
        Some(body),
    )
    .await
}

async fn verify(app: &TestApp, account: &Account, code: &str) -> reqwest::Response {
    app.post(
        "/v1/me/call-me-number/verify",
        &account.token,
        json!({"code": code}),
    )
    .await
}

/// A six-digit code other than `code`.
fn other_than(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

pub async fn a_call_me_number_is_verified_by_text_with_limited_tries(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_mcp(db, &fakes, |_| {}).await;
    let ada = app.signup("ada@example.com", "Ada's").await;

    // Without a number of its own the tenant cannot send a code.
    let refused = set_number(&app, &ada, json!({"phone_number": PHONE})).await;
    let body = expect_error(refused, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no number"),
        "{body}"
    );
    buy_number(&app, &ada).await;
    expect_error(
        set_number(&app, &ada, json!({"phone_number": "555-0123"})).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    expect_error(
        set_number(
            &app,
            &ada,
            json!({"phone_number": PHONE, "channel": "pigeon"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    expect_error(
        verify(&app, &ada, "123456").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_to_verify",
    )
    .await;

    let (status, pending) =
        read(set_number(&app, &ada, json!({"phone_number": PHONE})).await).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{pending}");
    assert!(
        pending["phone_number"].is_null(),
        "not verified yet: {pending}"
    );
    assert_eq!(pending["pending"]["phone_number"], PHONE);
    assert_eq!(pending["pending"]["channel"], "sms");
    let code = code_texted_to(&app, PHONE);
    let (_, mine) = read(app.get("/v1/me/call-me-number", &ada.token).await).await;
    assert!(
        !mine.to_string().contains(&code),
        "the code is never shown back"
    );

    // Five tries, then the code is dead even when right.
    for left in (1..5).rev() {
        let body = expect_error(
            verify(&app, &ada, &other_than(&code)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_code",
        )
        .await;
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{left} tries left")),
            "{body}"
        );
    }
    expect_error(
        verify(&app, &ada, &other_than(&code)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "wrong_code",
    )
    .await;
    expect_error(
        verify(&app, &ada, &code).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_attempts",
    )
    .await;

    // A fresh code works; the old one does not.
    set_number(&app, &ada, json!({"phone_number": PHONE})).await;
    let fresh = code_texted_to(&app, PHONE);
    if fresh != code {
        expect_error(
            verify(&app, &ada, &code).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_code",
        )
        .await;
    }
    let (status, verified) = read(verify(&app, &ada, &fresh).await).await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["phone_number"], PHONE);
    assert!(verified["verified_at"].is_string());
    assert!(verified["pending"].is_null());

    // A new number waits beside the verified one until its own code comes back.
    set_number(&app, &ada, json!({"phone_number": "+14155550124"})).await;
    let (_, both) = read(app.get("/v1/me/call-me-number", &ada.token).await).await;
    assert_eq!(both["phone_number"], PHONE, "{both}");
    assert_eq!(both["pending"]["phone_number"], "+14155550124");

    // Another user of the tenant has a number of their own (none yet).
    let (_, key) = app.api_key(&ada, &["read", "write"]).await;
    let (_, own) = read(app.get("/v1/me/call-me-number", &key).await).await;
    assert_eq!(own["phone_number"], PHONE, "the key acts as Ada");
    let (status, _) = read(
        app.request(
            Method::DELETE,
            "/v1/me/call-me-number",
            Some(&ada.token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, none) = read(app.get("/v1/me/call-me-number", &ada.token).await).await;
    assert!(
        none["phone_number"].is_null() && none["pending"].is_null(),
        "{none}"
    );
}

pub async fn a_call_me_number_can_be_verified_by_a_call_reading_the_code(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_mcp(db, &fakes, |_| {}).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    buy_number(&app, &ada).await;
    let (status, pending) = read(
        set_number(
            &app,
            &ada,
            json!({"phone_number": PHONE, "channel": "call"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{pending}");
    assert_eq!(pending["pending"]["channel"], "call");

    // The call rings the phone and a voice reads the code; its transcript has the digits.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let code = loop {
        let (_, calls) = read(app.get("/v1/calls", &ada.token).await).await;
        if let Some(id) = calls["data"][0]["id"].as_str() {
            let (_, transcript) = read(
                app.get(&format!("/v1/calls/{id}/transcript"), &ada.token)
                    .await,
            )
            .await;
            let read_out = transcript["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|l| l["text"].as_str())
                .find(|t| t.contains("code is"));
            if let Some(words) = read_out {
                assert_eq!(calls["data"][0]["to_number"], PHONE);
                break digits(words);
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no code was read out"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let (status, verified) = read(verify(&app, &ada, &code).await).await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(verified["phone_number"], PHONE);
}
