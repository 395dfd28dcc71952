//! A caller holds a five-turn conversation with the seeded persona Brad.

use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;

use super::support::*;
use crate::helpers::read;

const HEARD: [&str; 5] = [
    "I need help planning my week.",
    "Mostly work deadlines.",
    "Friday is the big one.",
    "Yes, that sounds good.",
    "Thanks, talk soon.",
];

const REPLIES: [&str; 5] = [
    "Good. What is on your plate?",
    "Which deadline scares you most?",
    "Then we block Thursday for it.",
    "Great, I will hold you to it.",
    "Go get it. Bye for now.",
];

pub async fn a_caller_holds_five_turns_with_a_persona_and_everything_is_recorded(db: TestDatabase) {
    let fakes = Fakes::start(&HEARD, &REPLIES).await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let brad = persona(&app, &account, "brad").await;
    let (call_id, token) = start_call(&app, &account, &brad, json!({"caller_name": "Ada"})).await;

    let [a, b, c] = phrases();
    let mut script = Script::new().wait_for_agent(ms(600), ms(10_000));
    for phrase in [&a, &b, &c, &b, &a] {
        script = script
            .say(phrase.clone())
            .wait_for_agent(ms(600), ms(10_000));
    }
    converse(&app, &token, script.hangup()).await;

    let call = finished_call(&app, &account, &call_id).await;
    assert_eq!(call["status"], "completed", "{call}");
    assert_eq!(call["agent_id"], brad.as_str());

    // The greeting (with the call's variable), then caller and agent in turn.
    let entries = transcript(&app, &account, &call_id).await;
    let said = lines(&entries);
    assert_eq!(said.len(), 11, "{said:?}");
    assert_eq!(said[0].0, "agent");
    assert!(said[0].1.starts_with("Hey Ada, it's Brad."), "{said:?}");
    for turn in 0..5 {
        assert_eq!(said[1 + 2 * turn], ("caller".into(), HEARD[turn].into()));
        assert_eq!(said[2 + 2 * turn], ("agent".into(), REPLIES[turn].into()));
    }
    assert!(entries.iter().all(|e| e["interrupted"] == false));
    let starts: Vec<i64> = entries
        .iter()
        .map(|e| e["start_ms"].as_i64().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "in order: {starts:?}"
    );

    // Every answer's latency breakdown, stage by stage.
    let items = timeline(&app, &account, &call_id).await;
    let latencies: Vec<_> = items.iter().filter(|i| i["type"] == "latency").collect();
    assert_eq!(latencies.len(), 5, "{items:#?}");
    for latency in &latencies {
        let stage = |name: &str| latency[name].as_i64().unwrap_or(-1);
        let stages = [
            "stt_final_ms",
            "llm_first_token_ms",
            "first_clause_ms",
            "tts_first_byte_ms",
            "first_audio_ms",
        ];
        for name in stages {
            assert!(stage(name) >= 0, "{name} missing in {latency}");
        }
        // The fake LLM waits 100 ms for its first token; stages come in order.
        assert!(
            stage("llm_first_token_ms") >= stage("stt_final_ms") + 100,
            "{latency}"
        );
        assert!(
            stage("first_clause_ms") >= stage("llm_first_token_ms"),
            "{latency}"
        );
        assert!(
            stage("first_audio_ms") >= stage("tts_first_byte_ms"),
            "{latency}"
        );
    }

    // The model saw the whole conversation so far, and what the caller said.
    let bodies = fakes.llm.chat_bodies();
    let streamed: Vec<_> = bodies.iter().filter(|b| b["stream"] == true).collect();
    assert_eq!(streamed.len(), 5);
    let last = streamed[4]["messages"].as_array().unwrap();
    assert_eq!(last[0]["role"], "system");
    assert!(last[0]["content"].as_str().unwrap().contains("Brad"));
    assert_eq!(last.last().unwrap()["content"], HEARD[4]);
    assert_eq!(
        last.len(),
        1 + 1 + 2 * 4 + 1,
        "system, greeting, four turns, the fifth question"
    );

    // Costs were recorded per provider and add up to the call's total; a summary was written.
    let (status, costs) = read(
        app.get(&format!("/v1/calls/{call_id}/costs"), &account.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let roles: Vec<&str> = costs["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    for role in ["stt", "llm", "tts"] {
        assert!(roles.contains(&role), "{costs}");
    }
    assert!(costs["total_micros"].as_i64().unwrap() > 0);
    assert_eq!(call["cost_micros"], costs["total_micros"]);
    assert_eq!(call["summary"], "The caller talked with Brad.");

    // The persona's usage counts the call.
    let (_, agent) = read(app.get(&format!("/v1/agents/{brad}"), &account.token).await).await;
    assert_eq!(agent["usage"]["calls"], 1, "{agent}");
}
