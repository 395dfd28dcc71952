//! An agent on a speech-to-speech model (OpenAI Realtime) instead of STT, LLM and TTS.

use serde_json::json;
use switchboard::config::{ProviderConfig, ProviderKind, Secret};
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::realtime::{
    FAKE_REALTIME_KEY, FakeRealtime, RealtimeScript, Reply,
};

use super::support::*;
use crate::helpers::spawn_app_with;

pub async fn a_speech_to_speech_agent_answers_and_is_recorded(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let realtime = FakeRealtime::start(RealtimeScript {
        caller_said: vec!["Is the shop open today?".into()],
        replies: vec![
            Reply::say("Welcome to the shop."),
            Reply::say("Yes, until six tonight."),
        ],
        ms_per_char: 20,
        ..RealtimeScript::default()
    })
    .await
    .unwrap();
    let base = realtime
        .url()
        .replacen("ws://", "http://", 1)
        .trim_end_matches("/realtime")
        .to_owned();
    let app = spawn_app_with(db, |config| {
        fakes.configure(config);
        let mut provider: ProviderConfig =
            serde_json::from_value(json!({"kind": "openai"})).unwrap();
        provider.kind = ProviderKind::Openai;
        provider.api_key = Some(Secret::from(FAKE_REALTIME_KEY));
        provider.base_url = Some(base);
        config.providers.insert("realtime".into(), provider);
    })
    .await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let agent_id = agent(
        &app,
        &account,
        json!({"system_prompt": "You are the shop's receptionist.",
               "first_message": "Welcome to the shop.",
               "speech_to_speech": {"provider": "realtime", "model": "gpt-realtime"},
               "voice": {"provider": "default", "voice_id": "marin"}}),
    )
    .await;
    let (call_id, token) = start_call(&app, &account, &agent_id, json!({})).await;
    let [a, _, _] = phrases();
    let script = Script::new()
        .wait_for_agent(ms(600), ms(10_000))
        .say(a)
        .wait_for_agent(ms(600), ms(10_000))
        .hangup();
    converse(&app, &token, script).await;

    finished_call(&app, &account, &call_id).await;
    let said = lines(&transcript(&app, &account, &call_id).await);
    assert_eq!(
        said,
        [
            ("agent".to_owned(), "Welcome to the shop.".to_owned()),
            ("caller".to_owned(), "Is the shop open today?".to_owned()),
            ("agent".to_owned(), "Yes, until six tonight.".to_owned()),
        ]
    );
    // The session was set up as the agent says: its prompt, its voice, mu-law both ways.
    let update = &realtime.client_events_of("session.update")[0];
    assert_eq!(
        update["session"]["instructions"],
        "You are the shop's receptionist."
    );
    assert_eq!(update["session"]["audio"]["output"]["voice"], "marin");
    // The STT, LLM and TTS fakes were not used for the conversation.
    assert!(fakes.llm.chat_bodies().iter().all(|b| b["stream"] != true));
}
