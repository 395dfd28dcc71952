//! Tenant A's session and API key get 404 on every tenant-scoped route that names one of
//! tenant B's objects. Routes that take an id join this table as they arrive.

use reqwest::{Method, StatusCode};
use serde_json::json;
use switchboard_core::{CallDirection, Role};
use switchboard_store::NewCall;
use switchboard_testkit::TestDatabase;

use crate::helpers::{expect_error, read, spawn_app};

async fn another_tenants_objects_are_not_found(db: TestDatabase) {
    let app = spawn_app(db).await;
    let a = app.signup("a@example.com", "A").await;
    let (_, a_key) = app.api_key(&a, &["read", "write"]).await;
    let b = app.signup("b@example.com", "B").await;
    let b_member = app
        .add_member(&b, "b-member@example.com", Role::Member)
        .await;
    let (b_key_id, b_key) = app.api_key(&b, &["read"]).await;
    let (_, b_agent) = read(
        app.post(
            "/v1/agents",
            &b.token,
            json!({ "name": "B's agent", "config": { "system_prompt": "Secret." } }),
        )
        .await,
    )
    .await;
    let b_agent = b_agent["id"].as_str().unwrap().to_owned();
    let b_call = app
        .store
        .create_call(
            &b.tenant_id,
            NewCall {
                agent_id: None,
                user_id: None,
                direction: CallDirection::Inbound,
                from_number: None,
                to_number: None,
                variables: "{}",
                metadata: "{}",
                carrier: None,
                carrier_call_id: None,
                phone_number_id: None,
                options: "{}",
            },
        )
        .await
        .unwrap();
    let b_tool = json!({
        "name": "book_slot",
        "description": "Books a slot.",
        "parameters": {"type": "object"},
        "url": "https://hooks.example.com/b",
        "secret": "whsec_tenant_b_secret",
    });
    let (_, b_tool) = read(app.post("/v1/tools", &b.token, b_tool).await).await;
    let b_tool_id = b_tool["id"].as_str().unwrap().to_owned();

    let routes: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (
            Method::GET,
            format!("/v1/tenant/members/{}", b_member.user_id),
            None,
        ),
        (
            Method::PATCH,
            format!("/v1/tenant/members/{}", b_member.user_id),
            Some(json!({ "role": "admin" })),
        ),
        (
            Method::DELETE,
            format!("/v1/tenant/members/{}", b_member.user_id),
            None,
        ),
        (Method::GET, format!("/v1/api-keys/{b_key_id}"), None),
        (Method::DELETE, format!("/v1/api-keys/{b_key_id}"), None),
        (Method::GET, format!("/v1/agents/{b_agent}"), None),
        (
            Method::PATCH,
            format!("/v1/agents/{b_agent}"),
            Some(json!({ "name": "Mine now" })),
        ),
        (Method::DELETE, format!("/v1/agents/{b_agent}"), None),
        (Method::POST, format!("/v1/agents/{b_agent}/copy"), None),
        (
            Method::PUT,
            format!("/v1/agents/{b_agent}/override"),
            Some(json!({ "system_prompt": "Mine now." })),
        ),
        (
            Method::DELETE,
            format!("/v1/agents/{b_agent}/override"),
            None,
        ),
        (Method::PUT, format!("/v1/agents/{b_agent}/favourite"), None),
        (
            Method::DELETE,
            format!("/v1/agents/{b_agent}/favourite"),
            None,
        ),
        (Method::GET, format!("/v1/calls/{}", b_call.id), None),
        (
            Method::GET,
            format!("/v1/calls/{}/transcript", b_call.id),
            None,
        ),
        (Method::GET, format!("/v1/calls/{}/events", b_call.id), None),
        (Method::GET, format!("/v1/calls/{}/costs", b_call.id), None),
        (Method::GET, format!("/v1/tools/{b_tool_id}"), None),
        (
            Method::PATCH,
            format!("/v1/tools/{b_tool_id}"),
            Some(json!({ "url": "https://attacker.example.com/" })),
        ),
        (Method::DELETE, format!("/v1/tools/{b_tool_id}"), None),
    ];
    for credential in [&a.token, &a_key] {
        for (method, path, body) in &routes {
            let response = app
                .request(method.clone(), path, Some(credential), body.clone())
                .await;
            let (status, body) = read(response).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
            assert_eq!(body["error"]["code"], "not_found");
        }
    }

    // Lists show only the caller's tenant, and B's objects are untouched.
    let (_, members) = read(app.get("/v1/tenant/members", &a.token).await).await;
    assert_eq!(members["data"].as_array().unwrap().len(), 1);
    let (_, keys) = read(app.get("/v1/api-keys", &a_key).await).await;
    assert!(
        keys["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != b_key_id.as_str())
    );
    let (_, agents) = read(app.get("/v1/agents", &a_key).await).await;
    assert!(
        agents["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|agent| agent["id"] != b_agent.as_str() && agent["system"] == true)
    );
    let (_, b_sees) = read(app.get(&format!("/v1/agents/{b_agent}"), &b_key).await).await;
    assert_eq!(b_sees["name"], "B's agent");
    assert_eq!(b_sees["config"]["system_prompt"], "Secret.");
    let (_, tools) = read(app.get("/v1/tools", &a.token).await).await;
    assert!(tools["data"].as_array().unwrap().is_empty(), "{tools}");
    let (_, b_tool_now) = read(app.get(&format!("/v1/tools/{b_tool_id}"), &b_key).await).await;
    assert_eq!(b_tool_now, b_tool, "B's tool is untouched");
    assert_eq!(app.get("/v1/me", &b_key).await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/v1/me", &b_member.token).await.status(),
        StatusCode::OK
    );
    let (_, calls) = read(app.get("/v1/calls", &a_key).await).await;
    assert_eq!(calls["data"], json!([]));
    assert_eq!(
        app.get(&format!("/v1/calls/{}", b_call.id), &b_key)
            .await
            .status(),
        StatusCode::OK
    );
    let (_, tenant) = read(app.get("/v1/tenant", &a_key).await).await;
    assert_eq!(tenant["name"], "A");
    expect_error(
        app.get("/v1/tenant/members/usr_doesnotexist", &a.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

switchboard_testkit::on_each_database!(another_tenants_objects_are_not_found);
