//! Calls to our number: Twilio asks the number's voice URL and runs the TwiML.

use switchboard_telephony::carrier::Carrier;
use switchboard_telephony::twilio::callbacks::{CallStatus, StatusCallback};
use switchboard_telephony::twiml::{Response, Stream};
use switchboard_testkit::caller::{CallEnd, Script, Utterance};
use switchboard_testkit::fakes::twilio::FakeTwilioError;

use super::standin::Standin;
use super::{OURS, THEM, TOKEN, config, fake, hooks, ms};

#[tokio::test]
async fn an_inbound_call_asks_the_number_for_twiml_and_streams() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config()).await;
    twilio
        .import_number(OURS, hooks(&server.base()))
        .await
        .unwrap();
    server.answer(
        "/voice",
        Response::new()
            .connect_stream(Stream::new(server.stream_url()).parameter("direction", "in"))
            .to_xml(),
    );
    let hello = Utterance::tone(440.0, ms(200));
    let script = Script::new()
        .wait_for_agent(ms(100), ms(3000))
        .say(hello)
        .hangup();
    let sid = fake.inbound_call(THEM, OURS, script).unwrap();
    let record = fake.wait_for_call_end(&sid, ms(10_000)).await.unwrap();

    let voice = server.hits("/voice").pop().unwrap();
    assert!(voice.signed_for(TOKEN, &format!("{}/voice", server.base())));
    assert_eq!(voice.param("CallStatus"), Some("ringing"));
    assert_eq!(voice.param("Direction"), Some("inbound"));
    assert_eq!(voice.param("From"), Some(THEM));
    assert_eq!(voice.param("To"), Some(OURS));
    assert_eq!(voice.param("CallSid"), Some(sid.as_str()));

    let report = record.caller_report().unwrap();
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert_eq!(report.turns.len(), 1);
    assert!(report.timed_out_steps.is_empty(), "the agent greeted");
    assert_eq!(record.direction, "inbound");
    assert_eq!(
        record.status_history,
        [
            CallStatus::Ringing,
            CallStatus::InProgress,
            CallStatus::Completed
        ]
    );
    let start = server.streams()[0].start.clone().unwrap();
    assert_eq!(start["start"]["customParameters"]["direction"], "in");

    let statuses = server.hits("/status");
    assert_eq!(
        statuses.len(),
        1,
        "a number's status callback hears only the end"
    );
    let last = StatusCallback::parse(&statuses[0].form).unwrap();
    assert_eq!(last.call_status, CallStatus::Completed);
    assert_eq!(last.direction.as_deref(), Some("inbound"));
    assert!(last.call_duration.is_some());
}

#[tokio::test]
async fn inbound_calls_need_a_number_with_a_voice_url() {
    let (fake, _) = fake(config()).await;
    assert_eq!(
        fake.inbound_call(THEM, "+13125550100", Script::new()),
        Err(FakeTwilioError::UnknownNumber("+13125550100".into()))
    );
    assert!(matches!(
        fake.inbound_call(THEM, OURS, Script::new()),
        Err(FakeTwilioError::NoWebhook { .. })
    ));
    assert_eq!(
        fake.inbound_call("nobody", OURS, Script::new()),
        Err(FakeTwilioError::InvalidNumber("nobody".into()))
    );
}
