//! Talking over the agent: a real interruption cuts it off and the transcript keeps only what
//! the caller heard; a backchannel ("mm-hmm") lets it talk on.

use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::{CallEnd, Script, Utterance};

use super::support::*;

/// Three sentences of about a second of audio each (the TTS fake speaks 10 ms a character).
const LONG_REPLY: &str = "First, we write down every deadline you have this week on one list. \
    Second, we sort that list by what hurts the most if it slips past Friday. \
    Third, we block out two quiet hours each morning for the worst one of them.";

async fn test_agent(app: &crate::helpers::TestApp, account: &crate::helpers::Account) -> String {
    agent(
        app,
        account,
        json!({"system_prompt": "You are a planning coach.", "voice": {"provider": "default", "voice_id": BRAD_VOICE}}),
    )
    .await
}

pub async fn an_interruption_cuts_the_agent_off_and_keeps_what_was_heard(db: TestDatabase) {
    let fakes = Fakes::start(
        &["Tell me the plan.", "Wait, stop, go back to the first one."],
        &[LONG_REPLY, "Sure. The first step is the list."],
    )
    .await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = test_agent(&app, &account).await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;

    let [a, b, _] = phrases();
    let script = Script::new()
        .say(a)
        .barge_in(b, ms(1300), ms(10_000))
        .wait_for_agent(ms(600), ms(10_000))
        .hangup();
    let report = converse(&app, &token, script).await;
    assert_eq!(report.clears.len(), 1, "the agent was cut off once");
    let barge_in = report.barge_ins.first().expect("the caller barged in");
    // The agent pauses at once (tested in the session's own tests); the clear follows when
    // the caller's words show a real interruption, about a transcript later.
    let cleared = barge_in.latency().expect("the agent was cleared");
    assert!(
        cleared <= ms(1500),
        "clear {cleared:?} after the caller began"
    );

    finished_call(&app, &account, &call_id).await;
    let entries = transcript(&app, &account, &call_id).await;
    let said = lines(&entries);
    assert_eq!(said.len(), 4, "{said:?}");
    assert_eq!(said[0], ("caller".into(), "Tell me the plan.".into()));
    let (speaker, heard) = &said[1];
    assert_eq!(speaker, "agent");
    assert_eq!(entries[1]["interrupted"], true);
    assert!(heard.starts_with("First, we write down"), "{heard}");
    assert!(LONG_REPLY.starts_with(heard.as_str()), "a prefix: {heard}");
    if heard.len() >= LONG_REPLY.len() - 60 {
        let items = timeline(&app, &account, &call_id).await;
        panic!(
            "cut well before the end: {heard}\n{items:#?}\n{:?}",
            report.barge_ins
        );
    }
    assert_eq!(said[2].0, "caller");
    assert_eq!(
        said[3],
        ("agent".into(), "Sure. The first step is the list.".into())
    );

    // The model was told what the caller actually heard, not the whole reply.
    let bodies = fakes.llm.chat_bodies();
    let second = &bodies[1]["messages"];
    let assistant = second
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "assistant")
        .expect("the cut reply is in the history");
    assert_eq!(assistant["content"], format!("{heard}..."));

    let items = timeline(&app, &account, &call_id).await;
    assert!(items.iter().any(|i| i["kind"] == "barge_in"), "{items:#?}");
}

pub async fn a_backchannel_does_not_interrupt_the_agent(db: TestDatabase) {
    let fakes = Fakes::start(&["Tell me the plan.", "Mm-hmm."], &[LONG_REPLY]).await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = test_agent(&app, &account).await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;

    let [a, b, _] = phrases();
    // About 350 ms of speech: what an "mm-hmm" takes.
    let mm_hmm = Utterance::from_mulaw(b.mulaw()[..(100 + 350) * 8].to_vec());
    let script = Script::new()
        .say(a)
        .barge_in(mm_hmm, ms(1000), ms(10_000))
        .wait_for_agent(ms(600), ms(10_000))
        .hangup();
    let report = dial(&app, &token, script).await;
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(report.clears.is_empty(), "no clear: {:?}", report.clears);

    finished_call(&app, &account, &call_id).await;
    let entries = transcript(&app, &account, &call_id).await;
    let said = lines(&entries);
    assert_eq!(said.len(), 2, "the backchannel is not a turn: {said:?}");
    assert_eq!(said[1], ("agent".into(), LONG_REPLY.into()));
    assert_eq!(entries[1]["interrupted"], false);
    // The caller heard all of it: about 10 ms a character, with a short pause.
    let heard_ms =
        entries[1]["end_ms"].as_i64().unwrap() - entries[1]["start_ms"].as_i64().unwrap();
    assert!(heard_ms >= (LONG_REPLY.len() as i64) * 9, "{heard_ms} ms");
    assert_eq!(
        fakes
            .llm
            .chat_bodies()
            .iter()
            .filter(|b| b["stream"] == true)
            .count(),
        1
    );
    let items = timeline(&app, &account, &call_id).await;
    let backchannel = items
        .iter()
        .find(|i| i["kind"] == "backchannel")
        .expect("the backchannel is on the timeline");
    assert_eq!(backchannel["data"]["text"], "Mm-hmm.");
}

pub async fn noise_over_the_agent_is_a_false_interruption_and_it_plays_on(db: TestDatabase) {
    // The STT hears words only in the first utterance; the noise gets an empty transcript.
    let fakes = Fakes::start(&["Tell me the plan."], &[LONG_REPLY]).await;
    let app = spawn_with_fakes(db, &fakes).await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = test_agent(&app, &account).await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;

    let [a, _, _] = phrases();
    let noise = Utterance::tone(450.0, ms(400));
    let script = Script::new()
        .say(a)
        .barge_in(noise, ms(1000), ms(10_000))
        .wait_for_agent(ms(600), ms(10_000))
        .hangup();
    let report = dial(&app, &token, script).await;
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(report.clears.is_empty(), "no clear: {:?}", report.clears);

    finished_call(&app, &account, &call_id).await;
    let entries = transcript(&app, &account, &call_id).await;
    let said = lines(&entries);
    assert_eq!(said.len(), 2, "the noise is not a turn: {said:?}");
    assert_eq!(said[1], ("agent".into(), LONG_REPLY.into()));
    assert_eq!(entries[1]["interrupted"], false);
    let items = timeline(&app, &account, &call_id).await;
    assert!(
        items.iter().any(|i| i["kind"] == "false_interruption"),
        "the agent paused for the noise, then played on: {items:#?}"
    );
}
