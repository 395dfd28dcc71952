//! Call Control: dialling, the callee's events, commands on live calls, inbound calls.

use serde_json::json;
use switchboard_telephony::carrier::{
    CallWebhooks, Carrier, CarrierError, MachineDetection, PlaceCall,
};
use switchboard_telephony::telnyx::webhook::{Direction, Event, HangupCause, MachineResult};
use switchboard_telephony::telnyx::{TelnyxClient, TelnyxCredentials};
use switchboard_testkit::fakes::telnyx::{CallState, Callee};

use super::support::*;

fn outbound(receiver: &Receiver, to: &str) -> PlaceCall {
    PlaceCall {
        to: to.into(),
        from: HELD.into(),
        webhooks: CallWebhooks {
            voice_url: receiver.url("/webhooks/telnyx/call_01"),
            ..CallWebhooks::default()
        },
        ring_timeout_secs: 25,
        time_limit_secs: Some(600),
        record: false,
        machine_detection: None,
        client_state: "call_01".into(),
    }
}

#[tokio::test]
async fn placing_a_call_sends_the_dial_and_the_answer_arrives_signed() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let call = PlaceCall {
        record: true,
        machine_detection: Some(MachineDetection::Enable),
        ..outbound(&receiver, CUSTOMER)
    };
    let placed = client(&fake).place_call(call).await.unwrap();

    let dial = fake.call(&placed.carrier_call_id).unwrap().dial.unwrap();
    assert_eq!(
        dial,
        json!({
            "connection_id": APP,
            "to": CUSTOMER,
            "from": HELD,
            "webhook_url": receiver.url("/webhooks/telnyx/call_01"),
            "client_state": "Y2FsbF8wMQ==",
            "timeout_secs": 25,
            "time_limit_secs": 600,
            "record": "record-from-answer",
            "answering_machine_detection": "detect",
        })
    );
    let events = delivered(&fake, &receiver, 3).await;
    assert_eq!(
        types(&events),
        [
            "call.initiated",
            "call.answered",
            "call.machine.detection.ended"
        ]
    );
    assert!(
        receiver
            .received()
            .iter()
            .all(|r| r.path == "/webhooks/telnyx/call_01")
    );
    let Event::CallInitiated(initiated) = find(&events, "call.initiated") else {
        unreachable!()
    };
    assert_eq!(initiated.direction, Direction::Outgoing);
    assert_eq!(
        (initiated.from.as_str(), initiated.to.as_str()),
        (HELD, CUSTOMER)
    );
    assert_eq!(initiated.leg.call_control_id, placed.carrier_call_id);
    assert_eq!(initiated.leg.client_state.as_deref(), Some("call_01"));
    assert_eq!(initiated.leg.connection_id.as_deref(), Some(APP));
    let Event::MachineDetectionEnded(detection) = find(&events, "call.machine.detection.ended")
    else {
        unreachable!()
    };
    assert_eq!(detection.result, MachineResult::Human);
}

#[tokio::test]
async fn a_busy_or_unanswered_callee_ends_the_call_with_its_cause() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    fake.set_callee("+13125550201", Callee::Busy);
    fake.set_callee("+13125550202", Callee::NoAnswer);
    client
        .place_call(outbound(&receiver, "+13125550201"))
        .await
        .unwrap();
    let events = delivered(&fake, &receiver, 2).await;
    let Event::CallHangup(busy) = find(&events, "call.hangup") else {
        unreachable!()
    };
    assert_eq!(busy.hangup_cause, HangupCause::UserBusy);
    assert_eq!(busy.sip_hangup_cause.as_deref(), Some("486"));
    assert!(busy.start_time.is_some() && busy.end_time.is_some());

    client
        .place_call(outbound(&receiver, "+13125550202"))
        .await
        .unwrap();
    let events = delivered(&fake, &receiver, 4).await;
    let Event::CallHangup(unanswered) = &events[3].event else {
        panic!("{:?}", types(&events))
    };
    assert_eq!(unanswered.hangup_cause, HangupCause::Timeout);
}

#[tokio::test]
async fn voicemail_with_detect_beep_reports_the_machine_and_the_beep() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    fake.set_callee(CUSTOMER, Callee::Machine);
    let call = PlaceCall {
        machine_detection: Some(MachineDetection::DetectMessageEnd),
        ..outbound(&receiver, CUSTOMER)
    };
    client(&fake).place_call(call).await.unwrap();
    let events = delivered(&fake, &receiver, 4).await;
    let Event::MachineDetectionEnded(detection) = find(&events, "call.machine.detection.ended")
    else {
        unreachable!()
    };
    assert_eq!(detection.result, MachineResult::Machine);
    let Event::MachineGreetingEnded(greeting) = find(&events, "call.machine.greeting.ended") else {
        unreachable!()
    };
    assert_eq!(greeting.result.as_deref(), Some("beep_detected"));
}

#[tokio::test]
async fn hanging_up_a_recorded_call_saves_a_recording_we_can_fetch() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    let call = PlaceCall {
        record: true,
        ..outbound(&receiver, CUSTOMER)
    };
    let id = client.place_call(call).await.unwrap().carrier_call_id;
    delivered(&fake, &receiver, 2).await;

    client.hang_up(&id).await.unwrap();
    let events = delivered(&fake, &receiver, 4).await;
    assert_eq!(types(&events)[2..], ["call.hangup", "call.recording.saved"]);
    let Event::CallHangup(hangup) = find(&events, "call.hangup") else {
        unreachable!()
    };
    assert_eq!(hangup.hangup_cause, HangupCause::NormalClearing);
    let Event::RecordingSaved(saved) = find(&events, "call.recording.saved") else {
        unreachable!()
    };
    assert_eq!(saved.client_state.as_deref(), Some("call_01"));
    let url = saved.recording_urls.mp3.clone().unwrap();
    let media = client.fetch_recording(&url).await.unwrap();
    assert_eq!(media.content_type, "audio/mpeg");
    assert!(media.bytes.starts_with(b"ID3"));
    assert!(matches!(
        client
            .fetch_recording(&format!("{}/recordings/nope.mp3", fake.base_url()))
            .await,
        Err(CarrierError::NotFound { .. })
    ));

    assert_eq!(fake.call(&id).unwrap().state, CallState::Ended);
    client
        .hang_up(&id)
        .await
        .expect("a call already over is Ok");
    client
        .hang_up("v3:no-such-call")
        .await
        .expect("an unknown call is over");
    assert_eq!(
        fake.call(&id).unwrap().actions.len(),
        1,
        "the second hangup was refused, not recorded"
    );
}

#[tokio::test]
async fn transfer_sends_the_target_and_caller_id() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    let id = client
        .place_call(outbound(&receiver, CUSTOMER))
        .await
        .unwrap()
        .carrier_call_id;
    client.transfer(&id, "+13125557777", HELD).await.unwrap();
    let action = fake.call(&id).unwrap().actions.pop().unwrap();
    assert_eq!(action.action, "transfer");
    assert_eq!(action.body, json!({"to": "+13125557777", "from": HELD}));

    let refused = client.transfer(&id, "555-7777", HELD).await.unwrap_err();
    assert!(
        matches!(refused, CarrierError::Rejected { status: 422, ref message, .. } if message.contains("E.164")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_inbound_call_is_answered_and_streamed_until_the_caller_hangs_up() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    client
        .import_number(HELD, Default::default())
        .await
        .unwrap();

    let id = fake.inbound_call(CUSTOMER, HELD).await;
    let events = delivered(&fake, &receiver, 1).await;
    let Event::CallInitiated(initiated) = &events[0].event else {
        unreachable!()
    };
    assert_eq!(initiated.direction, Direction::Incoming);
    assert_eq!(initiated.state.as_deref(), Some("parked"));
    assert_eq!(initiated.leg.call_control_id, id);
    assert_eq!(receiver.received()[0].path, "/webhooks/telnyx/voice");

    client.answer(&id, Some("call_02")).await.unwrap();
    client
        .start_streaming(&id, "wss://switchboard.example/media/telnyx?token=t", None)
        .await
        .unwrap();
    let actions = fake.call(&id).unwrap().actions;
    assert_eq!(actions[0].body, json!({"client_state": "Y2FsbF8wMg=="}));
    assert_eq!(
        actions[1].body,
        json!({
            "stream_url": "wss://switchboard.example/media/telnyx?token=t",
            "stream_track": "inbound_track",
            "stream_bidirectional_mode": "rtp",
            "stream_bidirectional_codec": "PCMU",
        })
    );
    let events = delivered(&fake, &receiver, 3).await;
    let Event::CallAnswered(answered) = find(&events, "call.answered") else {
        unreachable!()
    };
    assert_eq!(answered.leg.client_state.as_deref(), Some("call_02"));
    let Event::StreamingStarted(started) = find(&events, "streaming.started") else {
        unreachable!()
    };
    assert_eq!(
        started.stream_url.as_deref(),
        Some("wss://switchboard.example/media/telnyx?token=t")
    );

    fake.remote_hangup(&id).await;
    let events = delivered(&fake, &receiver, 5).await;
    assert_eq!(types(&events)[3..], ["streaming.stopped", "call.hangup"]);
    let Event::CallHangup(hangup) = &events[4].event else {
        unreachable!()
    };
    assert_eq!(hangup.hangup_source.as_deref(), Some("callee"));
}

#[tokio::test]
async fn answering_an_outbound_call_is_refused() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let client = client(&fake);
    let id = client
        .place_call(outbound(&receiver, CUSTOMER))
        .await
        .unwrap()
        .carrier_call_id;
    assert!(matches!(
        client.answer(&id, None).await,
        Err(CarrierError::Rejected { status: 422, .. })
    ));
}

#[tokio::test]
async fn the_fake_refuses_a_dial_telnyx_would_refuse() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    let bad_number = client(&fake)
        .place_call(outbound(&receiver, "3125559999"))
        .await
        .unwrap_err();
    assert!(
        matches!(bad_number, CarrierError::Rejected { status: 422, ref code, .. } if code == "10015")
    );

    let other_app = TelnyxClient::new(
        TelnyxCredentials {
            connection_id: "not-ours".into(),
            ..credentials(&fake)
        },
        Default::default(),
    )
    .unwrap();
    let refused = other_app
        .place_call(outbound(&receiver, CUSTOMER))
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        CarrierError::Rejected { status: 422, .. }
    ));
    assert!(fake.calls().is_empty());
}
