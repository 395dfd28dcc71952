//! Remote control: the API says, asks and hangs up; the caller's answers come back.

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::{CallEnd, Script};

use super::support::*;
use crate::helpers::{Account, TestApp, read};

async fn command(
    app: &TestApp,
    account: &Account,
    call_id: &str,
    verb: &str,
    body: Value,
) -> Value {
    let path = format!("/v1/calls/{call_id}/{verb}");
    let (status, outcome) = read(app.post(&path, &account.token, body).await).await;
    assert_eq!(status, StatusCode::OK, "{verb}: {outcome}");
    outcome
}

pub async fn a_remote_controlled_call_says_asks_and_hangs_up(db: TestDatabase) {
    let fakes = Fakes::start(&["Yes, the build passed.", "Ship it."], &[]).await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let other = app.signup("eve@example.com", "Eve's").await;
    let agent_id = agent(
        &app,
        &account,
        json!({"system_prompt": "unused", "voice": {"provider": "default", "voice_id": BRAD_VOICE}}),
    )
    .await;
    let (status, started) = read(
        app.post(
            "/v1/calls/web",
            &account.token,
            json!({"agent_id": agent_id, "control": "remote"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    let call_id = started["call_id"].as_str().unwrap().to_owned();
    let token = started["stream_token"].as_str().unwrap().to_owned();
    // Not live yet: nothing to drive.
    let path = format!("/v1/calls/{call_id}/say");
    let (status, _) = read(app.post(&path, &account.token, json!({"text": "Hi"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let [a, b, _] = phrases();
    let script = Script::new()
        .wait_for_agent(ms(600), ms(20_000))
        .say(a)
        .wait_for_agent(ms(600), ms(20_000))
        .say(b)
        .pause(ms(20_000));
    let caller = {
        let base = app.base.clone();
        tokio::spawn(async move {
            let app_url = format!("{}/media/twilio", base.replacen("http://", "ws://", 1));
            let config = switchboard_testkit::caller::CallerConfig::new(app_url)
                .parameter("stream_token", &token)
                .call_timeout(std::time::Duration::from_secs(60));
            switchboard_testkit::caller::SimulatedCaller::new(config)
                .run(script)
                .await
        })
    };
    // Wait for the stream to join.
    for _ in 0..100 {
        if app
            .state
            .remote_calls
            .get(&account.tenant_id, &call_id)
            .is_some()
        {
            break;
        }
        tokio::time::sleep(ms(50)).await;
    }
    // Another tenant cannot drive it.
    let (status, _) = read(app.post(&path, &other.token, json!({"text": "Hi"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let said = command(
        &app,
        &account,
        &call_id,
        "say",
        json!({"text": "Hello, it's your coding agent."}),
    )
    .await;
    assert_eq!(said["status"], "heard");
    let first = command(
        &app,
        &account,
        &call_id,
        "ask",
        json!({"text": "Did the build pass?"}),
    )
    .await;
    assert_eq!(
        first,
        json!({"status": "answered", "answer": "Yes, the build passed."})
    );
    let second = command(
        &app,
        &account,
        &call_id,
        "ask",
        json!({"text": "Should I deploy?"}),
    )
    .await;
    assert_eq!(second["answer"], "Ship it.");
    let bye = command(
        &app,
        &account,
        &call_id,
        "hangup",
        json!({"text": "Deploying now. Bye!"}),
    )
    .await;
    assert_eq!(bye["status"], "heard");

    let report = caller.await.unwrap().expect("the call connected");
    assert_eq!(report.ended_by, CallEnd::ServerClosed);
    let call = finished_call(&app, &account, &call_id).await;
    assert_eq!(call["end_reason"], "ended by remote control");
    let lines = lines(&transcript(&app, &account, &call_id).await);
    let texts: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Hello, it's your coding agent.",
            "Did the build pass?",
            "Yes, the build passed.",
            "Should I deploy?",
            "Ship it.",
            "Deploying now. Bye!"
        ]
    );
    // No model spoke for the agent.
    assert!(fakes.llm.chat_bodies().iter().all(|b| b["stream"] != true));
    // The call is gone: commands find nothing.
    let (status, _) = read(app.post(&path, &account.token, json!({"text": "Hi"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
