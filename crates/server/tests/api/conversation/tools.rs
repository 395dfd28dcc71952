//! A tenant tool during a call: a slow one gets the spoken filler, then the answer.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::llm::Reply;
use switchboard_voice::tools::verify_signature;

use super::support::*;
use crate::helpers::{read, spawn_app_with};

const SECRET: &str = "whsec_calendar_tool_secret_42";

/// What the tool endpoint received: the signature header, the timestamp and the body.
type Seen = Arc<Mutex<Vec<(String, String, Bytes)>>>;

/// A calendar endpoint that takes 1.5 s to answer.
async fn slow_calendar() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = Router::new().route(
        "/calendar",
        post(move |headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                log.lock().unwrap().push((
                    header("x-switchboard-signature"),
                    header("x-switchboard-timestamp"),
                    body,
                ));
                tokio::time::sleep(ms(1500)).await;
                axum::Json(json!({"free": "Thursday at 10"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/calendar", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

pub async fn a_slow_tool_gets_a_filler_then_the_answer(db: TestDatabase) {
    let fakes = Fakes::start(&["When am I free?"], &[]).await;
    fakes.llm.push(Reply::tool_call(
        "call_1",
        "check_calendar",
        r#"{"week":"next"}"#,
    ));
    fakes
        .llm
        .push(Reply::text("You are free on Thursday at ten."));
    let (url, seen) = slow_calendar().await;
    let app = spawn_app_with(db, |config| {
        fakes.configure(config);
        config.voice.allow_private_tool_urls = true;
    })
    .await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let (status, tool) = read(
        app.post(
            "/v1/tools",
            &account.token,
            json!({"name": "check_calendar", "description": "Free slots in the calendar.",
                   "parameters": {"type": "object", "properties": {"week": {"type": "string"}}},
                   "url": url, "secret": SECRET}),
        )
        .await,
    )
    .await;
    assert!(status.is_success(), "{tool}");
    let agent_id = agent(
        &app,
        &account,
        json!({"system_prompt": "You are an assistant.", "tools": ["check_calendar"],
               "voice": {"provider": "default", "voice_id": BRAD_VOICE}}),
    )
    .await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;

    let [a, _, _] = phrases();
    let script = Script::new()
        .say(a)
        .wait_for_agent(ms(1200), ms(15_000))
        .hangup();
    converse(&app, &token, script).await;

    finished_call(&app, &account, &call_id).await;
    let said = lines(&transcript(&app, &account, &call_id).await);
    assert_eq!(
        said.last().unwrap(),
        &(
            "agent".to_owned(),
            "One moment, please. You are free on Thursday at ten.".to_owned()
        ),
        "{said:?}"
    );
    let items = timeline(&app, &account, &call_id).await;
    let called = items
        .iter()
        .find(|i| i["kind"] == "tool_called")
        .expect("the tool call is on the timeline");
    assert_eq!(called["data"]["tool"], "check_calendar");
    assert_eq!(called["data"]["ok"], true);
    assert_eq!(called["data"]["filler"], true);
    assert!(called["data"]["took_ms"].as_u64().unwrap() >= 1500);

    // The endpoint got the model's arguments, signed with the tool's secret.
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let (signature, timestamp, body) = &seen[0];
    assert!(verify_signature(SECRET, timestamp, body, signature));
    let body: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(body["tool"], "check_calendar");
    assert_eq!(body["call_id"], call_id.as_str());
    assert_eq!(body["arguments"]["week"], "next");
    // The model got the tool's answer.
    let bodies = fakes.llm.chat_bodies();
    let result = bodies[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("the tool result went back to the model");
    assert!(
        result["content"]
            .as_str()
            .unwrap()
            .contains("Thursday at 10")
    );
}
