use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_testkit::TestDatabase;

use crate::helpers::{PASSWORD, expect_error, spawn_app_with};

async fn login_attempts_are_limited_per_account(db: TestDatabase) {
    let app = spawn_app_with(db, |c| c.auth.attempts_per_account_per_minute = 3).await;
    app.signup("ada@example.com", "A").await;
    let wrong = json!({ "email": "ada@example.com", "password": "wrong password" });
    for _ in 0..3 {
        let response = app
            .request(Method::POST, "/v1/auth/login", None, Some(wrong.clone()))
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let right = json!({ "email": "ada@example.com", "password": PASSWORD });
    let response = app
        .request(Method::POST, "/v1/auth/login", None, Some(right))
        .await;
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // Another account from the same client is not locked out by Ada's.
    let other = json!({ "email": "bob@example.com", "password": "whatever1" });
    let response = app
        .request(Method::POST, "/v1/auth/login", None, Some(other))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

async fn signups_and_logins_are_limited_per_ip(db: TestDatabase) {
    let app = spawn_app_with(db, |c| c.auth.attempts_per_ip_per_minute = 2).await;
    for i in 0..2 {
        let body = json!({ "email": format!("u{i}@example.com"), "password": PASSWORD, "name": "U", "tenant_name": "T" });
        assert_eq!(
            app.request(Method::POST, "/v1/auth/signup", None, Some(body))
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let body = json!({ "email": "u9@example.com", "password": PASSWORD });
    let response = app
        .request(Method::POST, "/v1/auth/login", None, Some(body))
        .await;
    assert!(response.headers().contains_key("retry-after"));
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

switchboard_testkit::on_each_database!(
    login_attempts_are_limited_per_account,
    signups_and_logins_are_limited_per_ip
);

mod behind_a_proxy {
    use super::*;

    /// Behind a trusted proxy, the proxy's own entry (the last) keys the limit: a client that
    /// forges earlier `X-Forwarded-For` entries gains nothing.
    async fn forged_forwarded_for_entries_do_not_escape_the_limit(db: TestDatabase) {
        let app = spawn_app_with(db, |c| {
            c.auth.attempts_per_ip_per_minute = 2;
            c.http.trust_forwarded_for = true;
        })
        .await;
        let body = json!({ "email": "a@example.com", "password": "whatever1" });
        let mut statuses = Vec::new();
        for forged in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            let response = app
                .http
                .post(format!("{}/v1/auth/login", app.base))
                .header("x-forwarded-for", format!("{forged}, 203.0.113.9"))
                .json(&body)
                .send()
                .await
                .unwrap();
            statuses.push(response.status());
        }
        assert_eq!(
            statuses,
            [
                StatusCode::UNAUTHORIZED,
                StatusCode::UNAUTHORIZED,
                StatusCode::TOO_MANY_REQUESTS
            ]
        );
    }

    switchboard_testkit::on_each_database!(forged_forwarded_for_entries_do_not_escape_the_limit);
}
