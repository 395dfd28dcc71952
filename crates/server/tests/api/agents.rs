//! Agents over HTTP: personas, the tenant's own agents, validation, overrides, favourites and
//! usage.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use switchboard_core::Role;
use switchboard_testkit::TestDatabase;

use crate::helpers::{Account, TestApp, expect_error, read, spawn_app};

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (status, body) = read(app.get(&format!("/v1/agents{query}"), token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

async fn persona(app: &TestApp, account: &Account, slug: &str) -> Value {
    list(app, &account.token, "")
        .await
        .into_iter()
        .find(|a| a["slug"] == slug)
        .unwrap_or_else(|| panic!("no persona {slug}"))
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, body) = read(app.post("/v1/agents", token, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    read(app.request(method, path, Some(token), body).await).await
}

async fn personas_are_shared_read_only_and_copyable(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let agents = list(&app, &ada.token, "").await;
    let slugs: Vec<&str> = agents.iter().map(|a| a["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["brad", "sarah", "alex"]);
    let brad = &agents[0];
    assert_eq!(brad["name"], "Brad");
    assert_eq!(brad["system"], true);
    assert_eq!(brad["favourite"], false);
    assert_eq!(brad["override"], Value::Null);
    assert_eq!(brad["usage"], json!({ "calls": 0, "seconds": 0 }));
    assert!(
        brad["config"]["system_prompt"]
            .as_str()
            .unwrap()
            .contains("Brad")
    );
    assert_eq!(brad["config"]["variables"]["caller_name"], "there");
    let id = brad["id"].as_str().unwrap();
    assert!(id.starts_with("agt_"));

    let patch = app
        .request(
            Method::PATCH,
            &format!("/v1/agents/{id}"),
            Some(&ada.token),
            Some(json!({ "name": "Mine" })),
        )
        .await;
    let body = expect_error(patch, StatusCode::FORBIDDEN, "persona_read_only").await;
    assert!(
        body["error"]["message"].as_str().unwrap().contains("copy"),
        "{body}"
    );
    let delete = app
        .request(
            Method::DELETE,
            &format!("/v1/agents/{id}"),
            Some(&ada.token),
            None,
        )
        .await;
    expect_error(delete, StatusCode::FORBIDDEN, "persona_read_only").await;

    let (status, copy) = send(
        &app,
        Method::POST,
        &format!("/v1/agents/{id}/copy"),
        &ada.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["name"], "Brad (copy)");
    assert_eq!(copy["system"], false);
    assert!(copy.get("slug").is_none(), "{copy}");
    assert_eq!(copy["config"], brad["config"]);
    let copy_id = copy["id"].as_str().unwrap();
    let (status, changed) = send(
        &app,
        Method::PATCH,
        &format!("/v1/agents/{copy_id}"),
        &ada.token,
        Some(json!({ "name": "Coach", "config": { "first_message": "Right, let's go." } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["config"]["first_message"], "Right, let's go.");
    // The persona itself is unchanged.
    let (_, brad_again) = send(
        &app,
        Method::GET,
        &format!("/v1/agents/{id}"),
        &ada.token,
        None,
    )
    .await;
    assert_eq!(brad_again["config"], brad["config"]);
}

async fn members_create_change_and_delete_agents(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    let member = app
        .add_member(&owner, "member@example.com", Role::Member)
        .await;
    let agent = create(
        &app,
        &member.token,
        json!({ "name": " Front desk ", "description": "Answers for Acme", "config": { "system_prompt": "You answer for Acme." } }),
    )
    .await;
    assert_eq!(agent["name"], "Front desk");
    assert_eq!(agent["description"], "Answers for Acme");
    assert_eq!(agent["system"], false);
    // Every field is shown with its default.
    assert_eq!(agent["config"]["language"], "en");
    assert_eq!(agent["config"]["max_duration_secs"], 1800);
    assert_eq!(agent["config"]["silence"]["hangup_after_secs"], 20);
    assert_eq!(agent["config"]["turn"]["endpointing_ms"], 500);
    assert_eq!(agent["config"]["voice"]["provider"], "default");
    let path = format!("/v1/agents/{}", agent["id"].as_str().unwrap());

    // A merge patch: the fields named change, the rest stay, null resets to the default.
    let (status, patched) = send(
        &app,
        Method::PATCH,
        &path,
        &owner.token,
        Some(json!({ "config": { "silence": { "hangup_after_secs": 45 }, "language": null, "tools": ["end_call"] } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["config"]["silence"]["hangup_after_secs"], 45);
    assert_eq!(patched["config"]["silence"]["reprompt_after_secs"], 8);
    assert_eq!(patched["config"]["system_prompt"], "You answer for Acme.");
    assert_eq!(patched["config"]["tools"], json!(["end_call"]));
    assert_eq!(patched["name"], "Front desk");
    let stored = app
        .store
        .get_agent(&owner.tenant_id, agent["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.config.silence.hangup_after_secs, 45);

    let (status, _) = send(&app, Method::DELETE, &path, &member.token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    expect_error(
        app.get(&path, &owner.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn a_bad_config_is_refused_naming_the_field(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let cases = [
        (
            json!({ "system_prompt": "x", "silence": { "reprompt_after_secs": 10, "hangup_after_secs": 5 } }),
            "config.silence.hangup_after_secs",
        ),
        (
            json!({ "system_prompt": "x", "promt": "typo" }),
            "config.promt",
        ),
        (json!({ "first_message": "hi" }), "config.system_prompt"),
        (
            json!({ "system_prompt": "x", "max_duration_secs": "long" }),
            "config.max_duration_secs",
        ),
        (
            json!({ "system_prompt": "x", "voice": { "provider": "elevenlabs", "speed": 3.5 } }),
            "config.voice.speed",
        ),
        (
            json!({ "system_prompt": "x", "tools": ["end_call", "Bad Tool"] }),
            "config.tools[1]",
        ),
        (
            json!({ "system_prompt": "x".repeat(20_001) }),
            "config.system_prompt",
        ),
        // No such provider account on this server.
        (
            json!({ "system_prompt": "x", "llm": [{ "provider": "default" }, { "provider": "nope" }] }),
            "config.llm[1].provider",
        ),
        (
            json!({ "system_prompt": "x", "voice": { "provider": "elevenlabs" } }),
            "config.voice.provider",
        ),
    ];
    for (config, field) in cases {
        let response = app
            .post(
                "/v1/agents",
                &ada.token,
                json!({ "name": "A", "config": config }),
            )
            .await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    let silence = app
        .post("/v1/agents", &ada.token, json!({ "name": "A", "config": { "system_prompt": "x", "silence": { "hangup_after_secs": 5 } } }))
        .await;
    let body = expect_error(silence, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(
        body["error"]["message"],
        "must be greater than reprompt_after_secs"
    );
    let nameless = app
        .post(
            "/v1/agents",
            &ada.token,
            json!({ "name": " ", "config": { "system_prompt": "x" } }),
        )
        .await;
    let body = expect_error(nameless, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(body["error"]["field"], "name");

    let agent = create(
        &app,
        &ada.token,
        json!({ "name": "A", "config": { "system_prompt": "x" } }),
    )
    .await;
    let path = format!("/v1/agents/{}", agent["id"].as_str().unwrap());
    for (patch, field) in [
        (
            json!({ "silence": { "hangup_after_secs": 3 } }),
            "config.silence.hangup_after_secs",
        ),
        (
            json!({ "turn": { "backchannels": "mm" } }),
            "config.turn.backchannels",
        ),
        (json!({ "system_prompt": null }), "config.system_prompt"),
    ] {
        let response = app
            .request(
                Method::PATCH,
                &path,
                Some(&ada.token),
                Some(json!({ "config": patch })),
            )
            .await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    let (_, unchanged) = send(&app, Method::GET, &path, &ada.token, None).await;
    assert_eq!(
        unchanged["config"], agent["config"],
        "a refused patch changes nothing"
    );
}

async fn overrides_belong_to_one_user(db: TestDatabase) {
    let app = spawn_app(db).await;
    let owner = app.signup("owner@example.com", "A").await;
    let member = app
        .add_member(&owner, "member@example.com", Role::Member)
        .await;
    let sarah = persona(&app, &owner, "sarah").await;
    let path = format!("/v1/agents/{}/override", sarah["id"].as_str().unwrap());

    let mine = json!({ "system_prompt": "Talk like a pirate.", "voice": { "provider": "default", "voice_id": "pirate" } });
    let (status, seen) = send(&app, Method::PUT, &path, &owner.token, Some(mine)).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["config"]["system_prompt"], "Talk like a pirate.");
    assert_eq!(seen["config"]["voice"]["voice_id"], "pirate");
    assert_eq!(
        seen["config"]["first_message"],
        sarah["config"]["first_message"]
    );
    assert_eq!(seen["override"]["system_prompt"], "Talk like a pirate.");
    let effective = app
        .store
        .effective_agent_config(
            &owner.tenant_id,
            &owner.user_id,
            sarah["id"].as_str().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(effective.system_prompt, "Talk like a pirate.");

    let for_member = persona(&app, &member, "sarah").await;
    assert_eq!(for_member["config"], sarah["config"]);
    assert_eq!(for_member["override"], Value::Null);

    for (body, field) in [
        (json!({}), "system_prompt"),
        (
            json!({ "voice": { "provider": "elevenlabs", "stability": 2 } }),
            "voice.stability",
        ),
        (
            json!({ "system_prompt": "x", "first_message": "y" }),
            "first_message",
        ),
    ] {
        let response = app
            .request(Method::PUT, &path, Some(&owner.token), Some(body))
            .await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(body["error"]["field"], field, "{body}");
    }

    let (status, _) = send(&app, Method::DELETE, &path, &owner.token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let back = persona(&app, &owner, "sarah").await;
    assert_eq!(back["config"], sarah["config"]);
    assert_eq!(back["override"], Value::Null);
}

async fn favourites_filter_the_list_and_usage_is_shown(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let alex = persona(&app, &ada, "alex").await;
    let id = alex["id"].as_str().unwrap();
    let favourite = format!("/v1/agents/{id}/favourite");
    for _ in 0..2 {
        let (status, _) = send(&app, Method::PUT, &favourite, &ada.token, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let favourites = list(&app, &ada.token, "?favourites=true").await;
    assert_eq!(favourites.len(), 1);
    assert_eq!(favourites[0]["id"], id);
    assert_eq!(favourites[0]["favourite"], true);
    assert_eq!(list(&app, &ada.token, "?favourites=false").await.len(), 3);
    let bad = app.get("/v1/agents?favourites=maybe", &ada.token).await;
    let body = expect_error(bad, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(body["error"]["field"], "favourites");

    let (status, _) = send(&app, Method::DELETE, &favourite, &ada.token, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(list(&app, &ada.token, "?favourites=true").await.is_empty());

    app.store
        .record_agent_usage(&ada.tenant_id, id, 90)
        .await
        .unwrap();
    app.store
        .record_agent_usage(&ada.tenant_id, id, 30)
        .await
        .unwrap();
    let (_, seen) = send(
        &app,
        Method::GET,
        &format!("/v1/agents/{id}"),
        &ada.token,
        None,
    )
    .await;
    assert_eq!(seen["usage"], json!({ "calls": 2, "seconds": 120 }));

    // Paging walks personas and the tenant's agents alike.
    create(
        &app,
        &ada.token,
        json!({ "name": "Mine", "config": { "system_prompt": "x" } }),
    )
    .await;
    let (_, first) = read(app.get("/v1/agents?limit=3", &ada.token).await).await;
    assert_eq!(first["data"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = read(
        app.get(&format!("/v1/agents?limit=3&cursor={cursor}"), &ada.token)
            .await,
    )
    .await;
    assert_eq!(second["data"][0]["name"], "Mine");
    assert_eq!(second["next_cursor"], Value::Null);
}

async fn a_read_key_reads_agents_but_cannot_change_them(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let (_, read_key) = app.api_key(&ada, &["read"]).await;
    assert_eq!(list(&app, &read_key, "").await.len(), 3);
    let brad = persona(&app, &ada, "brad").await;
    let attempts = [
        (
            Method::POST,
            "/v1/agents".to_owned(),
            Some(json!({ "name": "A", "config": { "system_prompt": "x" } })),
        ),
        (
            Method::POST,
            format!("/v1/agents/{}/copy", brad["id"].as_str().unwrap()),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/agents/{}/favourite", brad["id"].as_str().unwrap()),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let response = app.request(method, &path, Some(&read_key), body).await;
        expect_error(response, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(
        list(&app, &ada.token, "").await.len(),
        3,
        "nothing was created"
    );
    let (_, write_key) = app.api_key(&ada, &["write"]).await;
    create(
        &app,
        &write_key,
        json!({ "name": "A", "config": { "system_prompt": "x" } }),
    )
    .await;
}

switchboard_testkit::on_each_database!(
    personas_are_shared_read_only_and_copyable,
    members_create_change_and_delete_agents,
    a_bad_config_is_refused_naming_the_field,
    overrides_belong_to_one_user,
    favourites_filter_the_list_and_usage_is_shown,
    a_read_key_reads_agents_but_cannot_change_them,
);
