use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_testkit::TestDatabase;

use crate::helpers::{PASSWORD, expect_error, read, spawn_app, spawn_app_with};

async fn signup_creates_a_tenant_owner_and_a_working_session(db: TestDatabase) {
    let app = spawn_app(db).await;
    let body = json!({ "email": "Ada@Example.com", "password": PASSWORD, "name": "Ada", "tenant_name": "Analytical" });
    let response = app
        .request(Method::POST, "/v1/auth/signup", None, Some(body))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("sb_session=sbs_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let (_, body) = read(response).await;
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["user"]["role"], "owner");
    assert_eq!(body["tenant"]["name"], "Analytical");
    assert!(body["user"].get("password_hash").is_none());

    let token = body["token"].as_str().unwrap();
    let (status, me) = read(app.get("/v1/me", token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["email"], "ada@example.com");
    assert_eq!(me["credential"]["kind"], "session");

    // The cookie alone authenticates a browser.
    let cookie_value = cookie.split(';').next().unwrap();
    let response = app
        .http
        .get(format!("{}/v1/me", app.base))
        .header("cookie", cookie_value)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn login_with_every_character_and_logout_ends_the_session(db: TestDatabase) {
    let app = spawn_app(db).await;
    app.signup("ada@example.com", "A").await;
    let account = app.login("ada@example.com").await;
    assert_eq!(
        app.get("/v1/me", &account.token).await.status(),
        StatusCode::OK
    );

    let response = app
        .request(Method::POST, "/v1/auth/logout", Some(&account.token), None)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    expect_error(
        app.get("/v1/me", &account.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn a_wrong_password_or_unknown_email_is_401_alike(db: TestDatabase) {
    let app = spawn_app(db).await;
    app.signup("ada@example.com", "A").await;
    for (email, password) in [
        ("ada@example.com", "p@ss!word \"q\" \\ ;"),
        ("nobody@example.com", PASSWORD),
    ] {
        let body = json!({ "email": email, "password": password });
        let response = app
            .request(Method::POST, "/v1/auth/login", None, Some(body))
            .await;
        let body = expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
        assert_eq!(
            body["error"]["message"],
            "the email or the password is wrong"
        );
    }
}

async fn a_second_signup_with_the_same_email_is_a_conflict(db: TestDatabase) {
    let app = spawn_app(db).await;
    app.signup("ada@example.com", "A").await;
    let body = json!({ "email": "ADA@example.com", "password": PASSWORD, "name": "Ada", "tenant_name": "B" });
    let response = app
        .request(Method::POST, "/v1/auth/signup", None, Some(body))
        .await;
    let body = expect_error(response, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(body["error"]["field"], "email");
}

async fn signup_can_be_turned_off(db: TestDatabase) {
    let app = spawn_app_with(db, |c| c.auth.allow_signup = false).await;
    let body = json!({ "email": "a@b.co", "password": PASSWORD, "name": "A", "tenant_name": "T" });
    expect_error(
        app.request(Method::POST, "/v1/auth/signup", None, Some(body))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn cookies_are_secure_behind_an_https_public_url(db: TestDatabase) {
    let app = spawn_app_with(db, |c| {
        c.public_url = Some("https://switchboard.example.com".into())
    })
    .await;
    let body = json!({ "email": "a@b.co", "password": PASSWORD, "name": "A", "tenant_name": "T" });
    let response = app
        .request(Method::POST, "/v1/auth/signup", None, Some(body))
        .await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

async fn requests_without_or_with_bad_credentials_are_401(db: TestDatabase) {
    let app = spawn_app(db).await;
    expect_error(
        app.request(Method::GET, "/v1/me", None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    for token in ["sk_not-a-real-key", "sbs_not-a-real-session", "garbage"] {
        expect_error(
            app.get("/v1/me", token).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
}

switchboard_testkit::on_each_database!(
    signup_creates_a_tenant_owner_and_a_working_session,
    login_with_every_character_and_logout_ends_the_session,
    a_wrong_password_or_unknown_email_is_401_alike,
    a_second_signup_with_the_same_email_is_a_conflict,
    signup_can_be_turned_off,
    cookies_are_secure_behind_an_https_public_url,
    requests_without_or_with_bad_credentials_are_401,
);
