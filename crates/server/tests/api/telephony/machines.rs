//! Recording at the carrier, served through our API; answering machines get the call's
//! policy.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::Script;
use switchboard_testkit::fakes::twilio::{Callee, FakeTwilio};

use super::support::*;
use crate::conversation::support::{Fakes, ms, persona};
use crate::helpers::{expect_error, read};

pub async fn a_recorded_call_serves_its_recording_through_the_api(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let twilio = FakeTwilio::start(twilio_config().callee(
        CALLEE,
        Callee::Answer(Script::new().wait_for_agent(ms(500), ms(10_000)).hangup()),
    ))
    .await
    .unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;
    let (status, call) = read(
        app.post(
            "/v1/calls",
            &ada.token,
            json!({"agent_id": brad, "from": OURS, "to": CALLEE, "record": true}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let call_id = call["id"].as_str().unwrap().to_owned();
    let sid = call["carrier_call_id"].as_str().unwrap();
    twilio
        .wait_for_call_end(sid, Duration::from_secs(30))
        .await
        .unwrap();
    let call = poll(&app, &ada.token, &call_id, |c| {
        c["has_recording"] == true && c["status"] == "completed"
    })
    .await;
    assert_eq!(call["status"], "completed");

    let response = app
        .get(&format!("/v1/calls/{call_id}/recording"), &ada.token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let audio = response.bytes().await.unwrap();
    assert!(kind.starts_with("audio/"), "{kind}");
    assert!(
        audio.starts_with(b"RIFF") && audio.len() > 1_000,
        "{} bytes",
        audio.len()
    );

    let bob = app.signup("bob@example.com", "Bob's").await;
    let theirs = app
        .get(&format!("/v1/calls/{call_id}/recording"), &bob.token)
        .await;
    expect_error(theirs, StatusCode::NOT_FOUND, "not_found").await;
}

pub async fn answering_machines_get_the_calls_policy(db: TestDatabase) {
    let fakes = Fakes::start(&[], &[]).await;
    let greeting = Script::new().pause(ms(3_000)).hangup();
    let twilio = FakeTwilio::start(
        twilio_config()
            .callee("+14155550121", Callee::Machine(greeting.clone()))
            .callee("+14155550122", Callee::Machine(greeting)),
    )
    .await
    .unwrap();
    let app = spawn(db, &twilio, &fakes).await;
    let ada = app.signup("ada@example.com", "Ada's").await;
    import_number(&app, &ada, None).await;
    let brad = persona(&app, &ada, "brad").await;

    for (to, policy) in [
        ("+14155550121", json!({"policy": "hangup"})),
        (
            "+14155550122",
            json!({"policy": "voicemail", "voicemail_message": "Brad here, call me back."}),
        ),
    ] {
        let (status, call) = read(
            app.post(
                "/v1/calls",
                &ada.token,
                json!({"agent_id": brad, "from": OURS, "to": to, "machine_detection": policy,
                       "variables": {"caller_name": "Ada"}}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{call}");
        let sid = call["carrier_call_id"].as_str().unwrap();
        let record = twilio
            .wait_for_call_end(sid, Duration::from_secs(30))
            .await
            .unwrap();
        let call_id = call["id"].as_str().unwrap();
        let call = poll(&app, &ada.token, call_id, |c| c["status"] == "completed").await;
        assert!(
            call["answered_by"].as_str().unwrap().starts_with("machine"),
            "{call}"
        );
        if policy["policy"] == "voicemail" {
            assert_eq!(
                record.said(),
                ["Brad here, call me back."],
                "{:?}",
                record.events
            );
        } else {
            assert!(record.said().is_empty(), "{:?}", record.events);
        }
    }
}
