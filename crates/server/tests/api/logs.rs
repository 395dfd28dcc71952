//! No password, API key or session token reaches a log line, at any level.

use std::io::Write;
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use tracing_subscriber::fmt::MakeWriter;

use crate::helpers::{PASSWORD, read, spawn_app};

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

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

async fn secrets_never_reach_the_logs(db: TestDatabase) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .finish();
    // The test runtime is single-threaded, so the server's tasks log through this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
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
