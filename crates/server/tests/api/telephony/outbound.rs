//! An outbound call placed through the API and carried by the Twilio fake: it rings, the
//! callee answers, Brad talks with them over the media stream, and the call ends with the
//! carrier's status, a duration, a transcript and the carrier's minutes charged.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use switchboard_telephony::twilio::callbacks::CallStatus;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::twilio::{CallbackDelivery, Callee, FakeTwilio};

use super::support::*;
use crate::conversation::support::{
    BRAD_VOICE, Fakes, agent, lines, ms, persona, phrases, transcript,
};
use crate::helpers::{expect_error, read};
use switchboard_testkit::fakes::llm::Reply;

pub async fn an_outbound_call_rings_talks_and_ends_with_its_transcript_and_costs(db: TestDatabase) {
    let fakes = Fakes::start(
        &["Hello, who is this?"],
        &["It's Brad, your coach. Talk soon!"],
    )
    .await;
    let [hello, ..] = phrases();
    let twilio = FakeTwilio::start(
        twilio_config().callee(
            CALLEE,
            Callee::Answer(
                Script::new()
                    .wait_for_agent(ms(600), ms(10_000))
                    .say(hello)
                    .wait_for_agent(ms(600), ms(10_000))
                    .hangup(),
            ),
        ),
    )
    .await
    .unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    let number = import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;

    let call = place_call(&app, &ada, &brad, CALLEE).await;
    assert_eq!(call["status"], "queued", "{call}");
    assert_eq!(call["carrier"], "tw");
    assert_eq!(call["phone_number_id"], number["id"]);
    let sid = call["carrier_call_id"]
        .as_str()
        .expect("the carrier's id")
        .to_owned();
    let call_id = call["id"].as_str().unwrap();

    let record = twilio
        .wait_for_call_end(&sid, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(record.status, CallStatus::Completed);
    assert!(
        record.documents[0].twiml.contains("<Stream url="),
        "{:?}",
        record.documents
    );
    let report = record.caller_report().expect("the stream ran");
    assert!(
        report.timed_out_steps.is_empty(),
        "Brad answered: {:?}",
        report.timed_out_steps
    );
    assert!(
        report.protocol_errors.is_empty(),
        "{:?}",
        report.protocol_errors
    );

    let call = ended(&app, &ada, call_id).await;
    assert_eq!(call["status"], "completed", "{call}");
    assert!(call["duration_ms"].as_i64().unwrap() > 1_000, "{call}");
    let said = lines(&transcript(&app, &ada, call_id).await);
    assert_eq!(said[0].0, "agent");
    assert!(said[0].1.starts_with("Hey Ada, it's Brad."), "{said:?}");
    assert_eq!(said[1], ("caller".into(), "Hello, who is this?".into()));
    assert_eq!(
        said[2],
        ("agent".into(), "It's Brad, your coach. Talk soon!".into())
    );

    // The carrier's minutes are one cost component, charged once, inside the total.
    let (status, costs) = read(
        app.get(&format!("/v1/calls/{call_id}/costs"), &ada.token)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let telephony: Vec<_> = costs["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "telephony")
        .collect();
    assert_eq!(telephony.len(), 1, "{costs}");
    assert_eq!(telephony[0]["units"], 1);
    assert_eq!(telephony[0]["cost_micros"], 14_000);
    assert_eq!(call["cost_micros"], costs["total_micros"]);
}

pub async fn busy_and_unanswered_calls_end_with_that_status_and_cost_nothing(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(
        twilio_config()
            .callee("+14155550111", Callee::Busy)
            .callee("+14155550112", Callee::NoAnswer),
    )
    .await
    .unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;
    for (to, status) in [("+14155550111", "busy"), ("+14155550112", "no_answer")] {
        let call = place_call(&app, &ada, &brad, to).await;
        let call = ended(&app, &ada, call["id"].as_str().unwrap()).await;
        assert_eq!(call["status"], status, "{call}");
        assert_eq!(call["duration_ms"], 0);
        assert_eq!(call["cost_micros"], 0);
    }
}

pub async fn duplicated_and_reordered_callbacks_change_nothing(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config().callee("+14155550111", Callee::Busy))
        .await
        .unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;
    for delivery in [CallbackDelivery::Duplicated, CallbackDelivery::Swapped] {
        twilio.set_delivery(delivery);
        let call = place_call(&app, &ada, &brad, "+14155550111").await;
        let call_id = call["id"].as_str().unwrap().to_owned();
        let sid = call["carrier_call_id"].as_str().unwrap().to_owned();
        twilio
            .wait_for_call_end(&sid, Duration::from_secs(20))
            .await
            .unwrap();
        let ended_call = ended(&app, &ada, &call_id).await;
        assert_eq!(ended_call["status"], "busy", "{delivery:?}: {ended_call}");
        // Every callback was accepted: a duplicate is a 200 that changes nothing.
        let hooks = twilio.webhooks_for(&sid);
        assert!(hooks.len() >= 3, "{hooks:?}");
        assert!(
            hooks.iter().all(|h| h.status == Some(200)),
            "{delivery:?}: {hooks:?}"
        );
        // A late `ringing` after `busy` did not reopen or move the call.
        tokio::time::sleep(ms(200)).await;
        let (_, after) = read(app.get(&format!("/v1/calls/{call_id}"), &ada.token).await).await;
        assert_eq!(after["status"], "busy");
        assert_eq!(after["ended_at"], ended_call["ended_at"]);
    }
}

pub async fn calls_are_refused_when_they_break_the_rules(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    let app = crate::helpers::spawn_app_with(db, |config| {
        fakes.configure(config);
        with_twilio(config, &twilio);
        config.telephony.max_concurrent_calls_per_tenant = 1;
        config.telephony.allowed_destinations = vec!["+1".into()];
    })
    .await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;
    let post = |body: serde_json::Value| app.post("/v1/calls", &ada.token, body);

    let bad_to = post(json!({"agent_id": brad, "from": OURS, "to": "555-0199"})).await;
    let body = expect_error(bad_to, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(body["error"]["field"], "to");
    let abroad = post(json!({"agent_id": brad, "from": OURS, "to": "+442071838750"})).await;
    expect_error(
        abroad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "destination_not_allowed",
    )
    .await;
    let not_ours = post(json!({"agent_id": brad, "from": "+14155550123", "to": CALLEE})).await;
    let body = expect_error(not_ours, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(body["error"]["field"], "from");
    let voicemail = post(json!({"agent_id": brad, "from": OURS, "to": CALLEE,
                                "machine_detection": {"policy": "voicemail"}}))
    .await;
    expect_error(voicemail, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(twilio.calls().len(), 0, "nothing reached the carrier");

    // One live call at a time: the second is refused while the first is on.
    twilio.set_callee(
        CALLEE,
        Callee::Answer(Script::new().pause(ms(20_000)).hangup()),
    );
    let first = place_call(&app, &ada, &brad, CALLEE).await;
    let second = post(json!({"agent_id": brad, "from": OURS, "to": CALLEE,
                             "variables": {"caller_name": "Ada"}}))
    .await;
    expect_error(
        second,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_many_live_calls",
    )
    .await;
    let first_id = first["id"].as_str().unwrap();
    let hangup = app
        .post(
            &format!("/v1/calls/{first_id}/hangup"),
            &ada.token,
            json!({}),
        )
        .await;
    assert_eq!(hangup.status(), StatusCode::OK);
    ended(&app, &ada, first_id).await;
}

pub async fn a_live_call_can_be_hung_up_and_transferred(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config()).await.unwrap();
    // The callee listens for a long time, so the call is live when the API acts on it.
    twilio.set_default_callee(Callee::Answer(Script::new().pause(ms(30_000)).hangup()));
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;

    let call = place_call(&app, &ada, &brad, CALLEE).await;
    let call_id = call["id"].as_str().unwrap().to_owned();
    poll(&app, &ada.token, &call_id, |c| c["status"] == "in_progress").await;
    let transfer = app
        .post(
            &format!("/v1/calls/{call_id}/transfer"),
            &ada.token,
            json!({"to": "+14155550177"}),
        )
        .await;
    assert_eq!(transfer.status(), StatusCode::NO_CONTENT);
    let sid = call["carrier_call_id"].as_str().unwrap();
    let record = twilio
        .wait_for_call_end(sid, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(record.transfers().len(), 1, "{:?}", record.events);
    assert_eq!(ended(&app, &ada, &call_id).await["status"], "completed");

    let call = place_call(&app, &ada, &brad, CALLEE).await;
    let call_id = call["id"].as_str().unwrap().to_owned();
    poll(&app, &ada.token, &call_id, |c| c["status"] == "in_progress").await;
    let hangup = app
        .post(
            &format!("/v1/calls/{call_id}/hangup"),
            &ada.token,
            json!({}),
        )
        .await;
    assert_eq!(hangup.status(), StatusCode::OK);
    let sid = call["carrier_call_id"].as_str().unwrap();
    let record = twilio
        .wait_for_call_end(sid, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(record.status, CallStatus::Completed);
    assert_eq!(ended(&app, &ada, &call_id).await["status"], "completed");
}

/// The agent's `transfer_call` tool: it says its last words, the stream closes, and the
/// `<Connect action>` that follows dials the number the agent chose.
pub async fn the_agent_transfers_a_call_to_a_human(db: TestDatabase) {
    let fakes = Fakes::start(&["Can I talk to a person?"], &[]).await;
    fakes.llm.push(Reply::tool_call(
        "call_1",
        "transfer_call",
        r#"{"to": "+14155550177"}"#,
    ));
    fakes.llm.push(Reply::text("Putting you through now."));
    let [ask, ..] = phrases();
    let twilio = FakeTwilio::start(
        twilio_config().callee(
            CALLEE,
            Callee::Answer(
                Script::new()
                    .wait_for_agent(ms(600), ms(10_000))
                    .say(ask)
                    .pause(ms(20_000))
                    .hangup(),
            ),
        ),
    )
    .await
    .unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let receptionist = agent(
        &app,
        &ada,
        json!({
            "system_prompt": "You are a receptionist.",
            "first_message": "Front desk, how can I help?",
            "voice": {"provider": "default", "voice_id": BRAD_VOICE},
            "tools": ["transfer_call"]
        }),
    )
    .await;
    let call = place_call(&app, &ada, &receptionist, CALLEE).await;
    let sid = call["carrier_call_id"].as_str().unwrap().to_owned();
    let record = twilio
        .wait_for_call_end(&sid, Duration::from_secs(60))
        .await
        .unwrap();
    let transfers = record.transfers();
    assert_eq!(transfers.len(), 1, "{:?}", record.events);
    assert_eq!(transfers[0].to, "+14155550177");
    assert_eq!(transfers[0].caller_id.as_deref(), Some(OURS));
    let call = ended(&app, &ada, call["id"].as_str().unwrap()).await;
    assert_eq!(call["status"], "completed", "{call}");
    assert!(
        call["end_reason"]
            .as_str()
            .unwrap()
            .contains("transfer to +14155550177"),
        "{call}"
    );
}
