//! Calls to our numbers: answered by the number's agent, or politely refused.

use std::time::Duration;

use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::twilio::FakeTwilio;

use super::support::*;
use crate::conversation::support::{Fakes, lines, ms, persona, phrases, transcript};
use crate::helpers::read;

pub async fn an_inbound_call_is_answered_by_the_numbers_agent(db: TestDatabase) {
    let fakes = Fakes::start(
        &["Hi, is anyone there?"],
        &["Right here. What do you need?"],
    )
    .await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let brad = persona(&app, &ada, "brad").await;
    let number = import_number(&app, &ada, Some(&brad)).await;

    let [hello, ..] = phrases();
    let script = Script::new()
        .wait_for_agent(ms(600), ms(10_000))
        .say(hello)
        .wait_for_agent(ms(600), ms(10_000))
        .hangup();
    let sid = twilio.inbound_call(CALLER, OURS, script).unwrap();
    let record = twilio
        .wait_for_call_end(&sid, Duration::from_secs(60))
        .await
        .unwrap();
    let report = record.caller_report().expect("the stream ran");
    assert!(
        report.timed_out_steps.is_empty(),
        "{:?}",
        report.timed_out_steps
    );

    let (_, calls) = read(app.get("/v1/calls", &ada.token).await).await;
    let call = calls["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["carrier_call_id"] == sid.as_str())
        .expect("the inbound call is recorded")
        .clone();
    assert_eq!(call["direction"], "inbound");
    assert_eq!(call["from_number"], CALLER);
    assert_eq!(call["to_number"], OURS);
    assert_eq!(call["agent_id"], brad.as_str());
    assert_eq!(call["phone_number_id"], number["id"]);
    let call = ended(&app, &ada, call["id"].as_str().unwrap()).await;
    assert_eq!(call["status"], "completed");
    let said = lines(&transcript(&app, &ada, call["id"].as_str().unwrap()).await);
    // With no caller name the persona's default fills the greeting.
    assert!(said[0].1.starts_with("Hey there, it's Brad."), "{said:?}");
    assert_eq!(said[1], ("caller".into(), "Hi, is anyone there?".into()));

    // Filtering by number finds it; another number's filter does not.
    let path = format!(
        "/v1/calls?phone_number_id={}",
        number["id"].as_str().unwrap()
    );
    let (_, mine) = read(app.get(&path, &ada.token).await).await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    let (_, none) = read(
        app.get("/v1/calls?phone_number_id=num_other", &ada.token)
            .await,
    )
    .await;
    assert!(none["data"].as_array().unwrap().is_empty());
}

pub async fn a_number_without_an_agent_says_so_and_hangs_up(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;

    let sid = twilio
        .inbound_call(CALLER, OURS, Script::new().hangup())
        .unwrap();
    let record = twilio
        .wait_for_call_end(&sid, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(
        record.said(),
        ["Sorry, this number is not taking calls right now. Goodbye."]
    );
    assert!(record.streams.is_empty());
    assert!(record.errors.is_empty(), "{:?}", record.errors);
    let (_, calls) = read(app.get("/v1/calls", &ada.token).await).await;
    assert!(
        calls["data"].as_array().unwrap().is_empty(),
        "a refused call stores nothing"
    );
}
