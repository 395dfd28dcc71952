//! Silence and the time limit: a reprompt then a polite hang-up; a warning then the end.

use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::{CallEnd, Script};

use switchboard_testkit::fakes::llm::Reply;

use super::support::*;

fn kinds(items: &[serde_json::Value]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i["type"] == "event")
        .map(|i| i["kind"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn a_silent_caller_is_reprompted_then_the_agent_says_goodbye_and_hangs_up(
    db: TestDatabase,
) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = agent(
        &app,
        &account,
        json!({
            "system_prompt": "You are a receptionist.",
            "first_message": "Hello, how can I help?",
            "voice": {"provider": "default", "voice_id": BRAD_VOICE},
            "silence": {"reprompt_after_secs": 1, "hangup_after_secs": 3,
                        "reprompt_message": "Are you still there?",
                        "goodbye_message": "I will let you go. Goodbye!"}
        }),
    )
    .await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;
    let report = dial(&app, &token, Script::new().pause(ms(15_000))).await;
    assert_eq!(report.ended_by, CallEnd::ServerClosed, "the agent hung up");

    let call = finished_call(&app, &account, &call_id).await;
    assert_eq!(call["status"], "completed");
    assert_eq!(call["end_reason"], "no response from the caller");
    let said = lines(&transcript(&app, &account, &call_id).await);
    let agent_lines: Vec<&str> = said.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        agent_lines,
        [
            "Hello, how can I help?",
            "Are you still there?",
            "I will let you go. Goodbye!"
        ]
    );
    let events = kinds(&timeline(&app, &account, &call_id).await);
    for kind in ["reprompt", "silence_hangup", "hang_up"] {
        assert!(events.iter().any(|k| k == kind), "{kind} in {events:?}");
    }
    // No model was asked anything: nobody said a word.
    assert!(fakes.llm.chat_bodies().iter().all(|b| b["stream"] != true));
}

pub async fn the_time_limit_is_announced_then_the_call_ends(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = agent(
        &app,
        &account,
        json!({
            "system_prompt": "You are a coach.",
            "first_message": "Hi!",
            "voice": {"provider": "default", "voice_id": BRAD_VOICE},
            "max_duration_secs": 10,
            "duration_warning_secs": 6,
            "silence": {"reprompt_after_secs": 60, "hangup_after_secs": 120}
        }),
    )
    .await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;
    let report = dial(&app, &token, Script::new().pause(ms(20_000))).await;
    assert_eq!(report.ended_by, CallEnd::ServerClosed);

    let call = finished_call(&app, &account, &call_id).await;
    assert_eq!(call["end_reason"], "time limit reached");
    let duration = call["duration_ms"].as_i64().unwrap();
    assert!((10_000..14_000).contains(&duration), "{duration} ms");
    let entries = transcript(&app, &account, &call_id).await;
    let said = lines(&entries);
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(
        said[1].1.contains("half a minute") || said[1].1.contains("left"),
        "{said:?}"
    );
    assert!(said[2].1.contains("time limit"), "{said:?}");
    // The warning came about 6 s before the limit.
    let warned_at = entries[1]["start_ms"].as_i64().unwrap();
    assert!(
        (3_500..5_500).contains(&warned_at),
        "warning at {warned_at} ms"
    );
    let events = kinds(&timeline(&app, &account, &call_id).await);
    for kind in ["duration_warning", "duration_limit", "hang_up"] {
        assert!(events.iter().any(|k| k == kind), "{kind} in {events:?}");
    }
}

pub async fn the_agent_can_extend_the_call_when_its_policy_allows(db: TestDatabase) {
    let fakes = Fakes::start(&["Can we keep going a bit longer?"], &[]).await;
    fakes
        .llm
        .push(Reply::tool_call("call_1", "extend_call", "{}"));
    fakes.llm.push(Reply::text("Sure, we have more time now."));
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = agent(
        &app,
        &account,
        json!({
            "system_prompt": "You are a coach.",
            "voice": {"provider": "default", "voice_id": BRAD_VOICE},
            "tools": ["extend_call"],
            "max_duration_secs": 10,
            "duration_warning_secs": 2,
            "extension": {"allowed": true, "step_secs": 300, "max_extensions": 1},
            "silence": {"reprompt_after_secs": 60, "hangup_after_secs": 120}
        }),
    )
    .await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;
    let [a, _, _] = phrases();
    let script = Script::new()
        .say(a)
        .wait_for_agent(ms(600), ms(10_000))
        .pause(ms(9_000))
        .hangup();
    converse(&app, &token, script).await;

    let call = finished_call(&app, &account, &call_id).await;
    assert_eq!(call["end_reason"], "caller hung up", "{call}");
    assert!(call["duration_ms"].as_i64().unwrap() > 12_000, "{call}");
    let events = kinds(&timeline(&app, &account, &call_id).await);
    assert!(
        events.iter().any(|k| k == "duration_extended"),
        "{events:?}"
    );
    assert!(!events.iter().any(|k| k == "duration_limit"), "{events:?}");
    // The model learnt the outcome of its tool call.
    let bodies = fakes.llm.chat_bodies();
    assert_eq!(
        bodies[0]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["function"]["name"] == "extend_call")
            .count(),
        1
    );
    let result = bodies[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "tool")
        .expect("the tool result went back");
    assert_eq!(result["content"], "The call was extended by 5 minutes.");
}
