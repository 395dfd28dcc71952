//! HTTP tools through the API: the secret is write-only and encrypted at rest, definitions are
//! checked (rules, built-in names, the network policy), and only admins and owners write.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard_core::Role;
use switchboard_testkit::TestDatabase;

use crate::helpers::{LogCapture, TestApp, expect_error, read, spawn_app, spawn_app_with};

const SECRET: &str = "whsec_api_tool_secret_0123";
const NEW_SECRET: &str = "whsec_api_tool_rotated_4567";

fn book_slot() -> Value {
    json!({
        "name": "book_slot",
        "description": "Books an appointment slot.",
        "parameters": {"type": "object", "properties": {"day": {"type": "string"}}},
        "url": "https://hooks.example.com/switchboard/book",
        "secret": SECRET,
    })
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

async fn patch(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.request(Method::PATCH, path, Some(token), Some(body))
        .await
}

async fn a_tool_lives_its_life_and_its_secret_is_never_shown(db: TestDatabase) {
    let logs = LogCapture::start();

    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let mut responses = Vec::new();

    let (status, created) = read(app.post("/v1/tools", &ada.token, book_slot()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("tool_"), "{id}");
    assert_eq!(created["name"], "book_slot");
    assert_eq!(created["timeout_ms"], 5000);
    assert_eq!(created["parameters"]["properties"]["day"]["type"], "string");
    assert_eq!(created["url"], "https://hooks.example.com/switchboard/book");
    assert!(created.get("secret").is_none(), "{created}");
    responses.push(created.to_string());

    let (status, listed) = read(app.get("/v1/tools", &ada.token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], id.as_str());
    responses.push(listed.to_string());
    let (status, fetched) = read(app.get(&format!("/v1/tools/{id}"), &ada.token).await).await;
    assert_eq!(status, StatusCode::OK);
    responses.push(fetched.to_string());

    // Stored encrypted, and decryptable with the server's key.
    let stored = app.store.get_tool(&ada.tenant_id, &id).await.unwrap();
    assert_eq!(stored.secret(&app.state.secrets_key).unwrap(), SECRET);
    assert!(!format!("{stored:?}").contains(SECRET));
    assert!(app.data_dir.path().join("secret.key").is_file());

    let change = json!({
        "secret": NEW_SECRET,
        "url": "https://hooks.example.com/switchboard/reserve",
        "timeout_ms": 8000,
    });
    let (status, changed) =
        read(patch(&app, &format!("/v1/tools/{id}"), &ada.token, change).await).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        changed["url"],
        "https://hooks.example.com/switchboard/reserve"
    );
    assert_eq!(changed["timeout_ms"], 8000);
    assert_eq!(changed["name"], "book_slot");
    assert_eq!(changed["description"], "Books an appointment slot.");
    responses.push(changed.to_string());
    let stored = app.store.get_tool(&ada.tenant_id, &id).await.unwrap();
    assert_eq!(stored.secret(&app.state.secrets_key).unwrap(), NEW_SECRET);

    // A rename alone keeps the secret.
    let (status, renamed) = read(
        patch(
            &app,
            &format!("/v1/tools/{id}"),
            &ada.token,
            json!({"name": "reserve_slot"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    responses.push(renamed.to_string());
    let stored = app.store.get_tool(&ada.tenant_id, &id).await.unwrap();
    assert_eq!(stored.secret(&app.state.secrets_key).unwrap(), NEW_SECRET);

    // Errors that concern the secret do not echo it either.
    let (_, refused) = read(
        app.post(
            "/v1/tools",
            &ada.token,
            with(book_slot(), "url", json!("ftp://x")),
        )
        .await,
    )
    .await;
    responses.push(refused.to_string());

    let response = app
        .request(
            Method::DELETE,
            &format!("/v1/tools/{id}"),
            Some(&ada.token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.get(&format!("/v1/tools/{id}"), &ada.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    for text in &responses {
        for secret in [SECRET, NEW_SECRET] {
            assert!(
                !text.contains(secret),
                "a response showed the secret: {text}"
            );
        }
    }
    let logs = logs.text();
    assert!(logs.contains("tool created"), "the capture works: {logs}");
    for secret in [SECRET, NEW_SECRET] {
        assert!(!logs.contains(secret), "the secret appeared in the logs");
    }
}

async fn bad_definitions_are_400_naming_the_field(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let cases = [
        (with(book_slot(), "name", json!("Book-Slot")), "name"),
        (with(book_slot(), "name", json!("end_call")), "name"),
        (with(book_slot(), "name", json!("transfer_call")), "name"),
        (with(book_slot(), "description", json!("  ")), "description"),
        (
            with(book_slot(), "parameters", json!({"type": "string"})),
            "parameters",
        ),
        (with(book_slot(), "parameters", json!([])), "parameters"),
        (with(book_slot(), "url", json!("not a url")), "url"),
        (
            with(book_slot(), "url", json!("ftp://hooks.example.com/")),
            "url",
        ),
        (
            with(book_slot(), "url", json!("https://u:pw@hooks.example.com/")),
            "url",
        ),
        (with(book_slot(), "timeout_ms", json!(0)), "timeout_ms"),
        (with(book_slot(), "timeout_ms", json!(30_001)), "timeout_ms"),
        (with(book_slot(), "timeout_ms", json!(-1)), "timeout_ms"),
        (with(book_slot(), "secret", json!("too short")), "secret"),
        (
            with(book_slot(), "secret", json!("x".repeat(513))),
            "secret",
        ),
        (with(book_slot(), "owner", json!("me")), "owner"),
    ];
    for (body, field) in cases {
        let error = expect_error(
            app.post("/v1/tools", &ada.token, body.clone()).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
        assert_eq!(error["error"]["field"], field, "{body} -> {error}");
    }
    let mut missing = book_slot();
    missing.as_object_mut().unwrap().remove("secret");
    let error = expect_error(
        app.post("/v1/tools", &ada.token, missing).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error["error"]["field"], "secret");

    // Loopback, private and metadata addresses are refused unless the operator allows them.
    for url in [
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
    ] {
        let error = expect_error(
            app.post(
                "/v1/tools",
                &ada.token,
                with(book_slot(), "url", json!(url)),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
        assert_eq!(error["error"]["field"], "url", "{url}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("voice.allow_private_tool_urls"),
            "{message}"
        );
    }

    // Changes are checked too, and a name is unique within the tenant.
    let (_, created) = read(app.post("/v1/tools", &ada.token, book_slot()).await).await;
    let path = format!("/v1/tools/{}", created["id"].as_str().unwrap());
    for (body, field) in [
        (json!({"url": "http://192.168.0.10/"}), "url"),
        (json!({"timeout_ms": 0}), "timeout_ms"),
        (json!({"name": "extend_call"}), "name"),
        (json!({"parameters": {"type": "array"}}), "parameters"),
        (json!({"secret": ""}), "secret"),
    ] {
        let error = expect_error(
            patch(&app, &path, &ada.token, body.clone()).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
        assert_eq!(error["error"]["field"], field, "{body} -> {error}");
    }
    let error = expect_error(
        app.post("/v1/tools", &ada.token, book_slot()).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(error["error"]["field"], "name");
    let other = with(book_slot(), "name", json!("other_tool"));
    let (status, _) = read(app.post("/v1/tools", &ada.token, other).await).await;
    assert_eq!(status, StatusCode::CREATED);
    let error = expect_error(
        patch(&app, &path, &ada.token, json!({"name": "other_tool"})).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(error["error"]["field"], "name");

    // Another tenant may use the same name.
    let bob = app.signup("bob@example.com", "B").await;
    let (status, _) = read(app.post("/v1/tools", &bob.token, book_slot()).await).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn an_operator_may_allow_private_tool_urls(db: TestDatabase) {
    let app = spawn_app_with(db, |config| config.voice.allow_private_tool_urls = true).await;
    let ada = app.signup("ada@example.com", "A").await;
    let body = with(book_slot(), "url", json!("http://127.0.0.1:9000/hook"));
    let (status, created) = read(app.post("/v1/tools", &ada.token, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["url"], "http://127.0.0.1:9000/hook");
}

async fn members_read_tools_and_admins_write_them(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    let member = app
        .add_member(&owner, "member@example.com", Role::Member)
        .await;
    let admin = app
        .add_member(&owner, "admin@example.com", Role::Admin)
        .await;
    let (_, read_key) = app.api_key(&owner, &["read"]).await;

    let (status, created) = read(app.post("/v1/tools", &admin.token, book_slot()).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/v1/tools/{}", created["id"].as_str().unwrap());

    for credential in [&member.token, &read_key] {
        let (status, listed) = read(app.get("/v1/tools", credential).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed["data"].as_array().unwrap().len(), 1);
        assert_eq!(app.get(&path, credential).await.status(), StatusCode::OK);
        let other = with(book_slot(), "name", json!("other_tool"));
        expect_error(
            app.post("/v1/tools", credential, other).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        expect_error(
            patch(&app, &path, credential, json!({"description": "mine now"})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        expect_error(
            app.request(Method::DELETE, &path, Some(credential), None)
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let (_, unchanged) = read(app.get(&path, &owner.token).await).await;
    assert_eq!(unchanged["description"], "Books an appointment slot.");
}

async fn tool_lists_are_paged(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    for name in ["one", "two", "three"] {
        let body = with(book_slot(), "name", json!(name));
        assert_eq!(
            app.post("/v1/tools", &ada.token, body).await.status(),
            StatusCode::CREATED
        );
    }
    let (_, first) = read(app.get("/v1/tools?limit=2", &ada.token).await).await;
    let names: Vec<&str> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["one", "two"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = read(
        app.get(&format!("/v1/tools?limit=2&cursor={cursor}"), &ada.token)
            .await,
    )
    .await;
    assert_eq!(second["data"][0]["name"], "three");
    assert!(second["next_cursor"].is_null());
}

switchboard_testkit::on_each_database!(
    a_tool_lives_its_life_and_its_secret_is_never_shown,
    bad_definitions_are_400_naming_the_field,
    an_operator_may_allow_private_tool_urls,
    members_read_tools_and_admins_write_them,
    tool_lists_are_paged,
);
