use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_core::Role;
use switchboard_testkit::TestDatabase;

use crate::helpers::{expect_error, read, spawn_app};

async fn a_key_is_shown_once_stored_hashed_and_acts_as_its_creator(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let (key_id, key) = app.api_key(&ada, &["read", "write"]).await;
    assert!(key.starts_with("sk_") && key.len() > 40, "{key}");

    let (status, me) = read(app.get("/v1/me", &key).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["id"], ada.user_id.as_str());
    assert_eq!(me["credential"]["kind"], "api_key");
    assert_eq!(me["credential"]["api_key_id"], key_id.as_str());

    let (_, listed) = read(app.get("/v1/api-keys", &ada.token).await).await;
    let listed_text = listed.to_string();
    assert!(
        !listed_text.contains(&key),
        "the list must never contain the key"
    );
    assert_eq!(listed["data"][0]["prefix"], &key[..9]);
    assert!(
        listed["data"][0]["last_used_at"].is_string(),
        "use was recorded: {listed}"
    );

    // Only the hash is in the database.
    let stored = app
        .store
        .get_api_key(&ada.tenant_id, &key_id)
        .await
        .unwrap();
    assert_eq!(stored.prefix, &key[..9]);
    let (found, _) = app
        .store
        .api_key_by_hash(&switchboard::auth::token::hash(&key))
        .await
        .unwrap();
    assert_eq!(found.id, key_id);
}

async fn a_read_key_cannot_write(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let (_, read_key) = app.api_key(&ada, &["read"]).await;
    assert_eq!(
        app.get("/v1/tenant", &read_key).await.status(),
        StatusCode::OK
    );
    let response = app
        .request(
            Method::PATCH,
            "/v1/tenant",
            Some(&read_key),
            Some(json!({ "name": "X" })),
        )
        .await;
    let body = expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("write"),
        "{body}"
    );
    let (_, write_key) = app.api_key(&ada, &["write"]).await;
    let response = app
        .request(
            Method::PATCH,
            "/v1/tenant",
            Some(&write_key),
            Some(json!({ "name": "X" })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn a_revoked_key_stops_working_at_once(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let (key_id, key) = app.api_key(&ada, &["read", "write"]).await;
    let response = app
        .request(
            Method::DELETE,
            &format!("/v1/api-keys/{key_id}"),
            Some(&ada.token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.get("/v1/me", &key).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let (_, shown) = read(app.get(&format!("/v1/api-keys/{key_id}"), &ada.token).await).await;
    assert!(shown["revoked_at"].is_string(), "{shown}");
}

async fn members_see_only_their_own_keys_and_keys_die_with_their_user(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    let (owner_key_id, _) = app.api_key(&owner, &["read"]).await;
    let member = app
        .add_member(&owner, "member@example.com", Role::Member)
        .await;
    let (_, member_key) = app.api_key(&member, &["read", "write"]).await;

    let (_, listed) = read(app.get("/v1/api-keys", &member.token).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
    expect_error(
        app.get(&format!("/v1/api-keys/{owner_key_id}"), &member.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (_, all) = read(app.get("/v1/api-keys", &owner.token).await).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 2, "{all}");

    let path = format!("/v1/tenant/members/{}", member.user_id);
    assert_eq!(
        app.request(Method::DELETE, &path, Some(&owner.token), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        app.get("/v1/me", &member_key).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_error(
        app.get("/v1/me", &member.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn a_key_cannot_mint_a_stronger_key_and_scopes_are_validated(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let (_, write_key) = app.api_key(&ada, &["write"]).await;
    let (status, body) = read(
        app.post(
            "/v1/api-keys",
            &write_key,
            json!({ "name": "child", "scopes": ["read"] }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let body = expect_error(
        app.post(
            "/v1/api-keys",
            &ada.token,
            json!({ "name": "x", "scopes": [] }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(body["error"]["field"], "scopes");
    let body = expect_error(
        app.post(
            "/v1/api-keys",
            &ada.token,
            json!({ "name": "x", "scopes": ["read", "admin"] }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(body["error"]["field"], "scopes[1]");
}

async fn logout_with_an_api_key_is_refused_clearly(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let (_, key) = app.api_key(&ada, &["write"]).await;
    let response = app
        .request(Method::POST, "/v1/auth/logout", Some(&key), None)
        .await;
    let body = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("revoke")
    );
}

switchboard_testkit::on_each_database!(
    a_key_is_shown_once_stored_hashed_and_acts_as_its_creator,
    a_read_key_cannot_write,
    a_revoked_key_stops_working_at_once,
    members_see_only_their_own_keys_and_keys_die_with_their_user,
    a_key_cannot_mint_a_stronger_key_and_scopes_are_validated,
    logout_with_an_api_key_is_refused_clearly,
);
