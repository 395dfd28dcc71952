//! No password, API key or session token reaches a log line, at any level.

use reqwest::Method;
use serde_json::json;
use switchboard_testkit::TestDatabase;

use crate::helpers::{LogCapture, PASSWORD, read, spawn_app};

async fn secrets_never_reach_the_logs(db: TestDatabase) {
    let logs = LogCapture::start();

    let app = spawn_app(db).await;
    let signup = json!({ "email": "ada@example.com", "password": PASSWORD, "name": "Ada", "tenant_name": "A" });
    let (_, body) = read(
        app.request(Method::POST, "/v1/auth/signup", None, Some(signup))
            .await,
    )
    .await;
    let signup_token = body["token"].as_str().unwrap().to_owned();
    let account = app.login("ada@example.com").await;
    let (_, key) = app.api_key(&account, &["read", "write"]).await;
    app.get("/v1/me", &key).await;
    app.get("/v1/me", &account.token).await;
    let wrong = json!({ "email": "ada@example.com", "password": "Wrong-Secret-123" });
    app.request(Method::POST, "/v1/auth/login", None, Some(wrong))
        .await;

    let logs = logs.text();
    assert!(logs.contains("logged in"), "the capture works: {logs}");
    for secret in [
        PASSWORD,
        "Wrong-Secret-123",
        &signup_token,
        &account.token,
        &key,
    ] {
        assert!(!logs.contains(secret), "a secret appeared in the logs");
    }
}

switchboard_testkit::on_each_database!(secrets_never_reach_the_logs);
