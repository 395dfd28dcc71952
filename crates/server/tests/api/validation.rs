use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_testkit::TestDatabase;

use crate::helpers::{PASSWORD, expect_error, spawn_app, spawn_app_with};

async fn bad_input_is_400_naming_the_field(db: TestDatabase) {
    let app = spawn_app(db).await;
    let cases = [
        (
            json!({ "password": PASSWORD, "name": "A", "tenant_name": "T" }),
            "email",
        ),
        (
            json!({ "email": 42, "password": PASSWORD, "name": "A", "tenant_name": "T" }),
            "email",
        ),
        (
            json!({ "email": "not-an-email", "password": PASSWORD, "name": "A", "tenant_name": "T" }),
            "email",
        ),
        (
            json!({ "email": "a@b.co", "password": "short", "name": "A", "tenant_name": "T" }),
            "password",
        ),
        (
            json!({ "email": "a@b.co", "password": PASSWORD, "name": "   ", "tenant_name": "T" }),
            "name",
        ),
        (
            json!({ "email": "a@b.co", "password": PASSWORD, "name": "A", "tenant_name": ["T"] }),
            "tenant_name",
        ),
        (
            json!({ "email": "a@b.co", "password": PASSWORD, "name": "A", "tenant_name": "T", "admin": true }),
            "admin",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .request(Method::POST, "/v1/auth/signup", None, Some(body.clone()))
            .await;
        let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(error["error"]["field"], field, "{body} -> {error}");
    }

    let account = app.signup("a@b.co", "T").await;
    let error = expect_error(
        app.post(
            "/v1/tenant/members",
            &account.token,
            json!({ "email": "m@b.co", "name": "M", "password": PASSWORD, "role": "king" }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error["error"]["field"], "role");
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("limit=x", "limit"),
        ("cursor=%%%", "cursor"),
    ] {
        let response = app
            .get(&format!("/v1/tenant/members?{query}"), &account.token)
            .await;
        let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(error["error"]["field"], field, "{query}");
    }
}

async fn malformed_json_and_wrong_content_type_are_refused(db: TestDatabase) {
    let app = spawn_app(db).await;
    let url = format!("{}/v1/auth/signup", app.base);
    let response = app
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"email\":")
        .send()
        .await
        .unwrap();
    let error = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(
        error["error"]["message"].as_str().unwrap().contains("JSON"),
        "{error}"
    );
    let response = app
        .http
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

async fn an_oversized_body_is_413(db: TestDatabase) {
    let app = spawn_app_with(db, |c| c.http.max_body_bytes = 4096).await;
    let huge = json!({ "email": "a@b.co", "password": PASSWORD, "name": "x".repeat(10_000), "tenant_name": "T" });
    let response = app
        .request(Method::POST, "/v1/auth/signup", None, Some(huge))
        .await;
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

async fn unknown_routes_are_404_in_the_error_shape(db: TestDatabase) {
    let app = spawn_app(db).await;
    expect_error(
        app.request(Method::GET, "/v1/nothing-here", None, None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

switchboard_testkit::on_each_database!(
    bad_input_is_400_naming_the_field,
    malformed_json_and_wrong_content_type_are_refused,
    an_oversized_body_is_413,
    unknown_routes_are_404_in_the_error_shape,
);
