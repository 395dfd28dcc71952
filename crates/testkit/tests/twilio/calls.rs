//! Outbound calls end to end: the client places them, the fake rings, answers, asks the
//! stand-in for TwiML and runs it.

use switchboard_audio::wav;
use switchboard_telephony::carrier::{Carrier, CarrierError, MachineDetection};
use switchboard_telephony::twilio::callbacks::{
    AmdCallback, AnsweredBy, CallStatus, RecordingCallback, StatusCallback,
};
use switchboard_telephony::twiml::{Connect, Response, Stream};
use switchboard_testkit::caller::{CallEnd, Script};
use switchboard_testkit::fakes::twilio::{
    CallEvent, CallbackDelivery, Callee, FakeTwilioConfig, Transfer, UrlRewrite, WebhookKind,
};

use super::standin::{Standin, greeting};
use super::{OURS, THEM, TOKEN, config, fake, ms, place_call};

/// Listens to the greeting, then hangs up.
fn listener() -> Callee {
    Callee::Answer(Script::new().wait_for_agent(ms(100), ms(3000)).hangup())
}

/// Stays on the line until something ends the call.
fn patient() -> Callee {
    Callee::Answer(Script::new().pause(ms(30_000)))
}

fn stream_twiml(server: &Standin) -> Response {
    Response::new().connect_stream(Stream::new(server.stream_url()).parameter("token", "t-1"))
}

/// The status callbacks' (SequenceNumber, CallStatus) in arrival order, each checked for
/// its signature.
fn statuses(server: &Standin) -> Vec<(u64, CallStatus)> {
    let url = format!("{}/status", server.base());
    server
        .hits("/status")
        .iter()
        .map(|hit| {
            assert!(hit.signed_for(TOKEN, &url), "unsigned: {hit:?}");
            let parsed = StatusCallback::parse(&hit.form).unwrap();
            (parsed.sequence_number.unwrap(), parsed.call_status)
        })
        .collect()
}

#[tokio::test]
async fn a_call_streams_to_the_agent_records_and_reports_every_step() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config().default_callee(listener())).await;
    server.answer("/voice", stream_twiml(&server).say("Goodbye").to_xml());
    let mut call = place_call(&server.base());
    call.record = true;
    call.machine_detection = Some(MachineDetection::Enable);
    let placed = twilio.place_call(call).await.unwrap();
    let sid = placed.carrier_call_id;
    assert!(sid.starts_with("CA") && sid.len() == 34);
    let record = fake.wait_for_call_end(&sid, ms(10_000)).await.unwrap();

    use CallStatus::*;
    assert_eq!(record.status, Completed);
    assert_eq!(
        record.status_history,
        [Queued, Initiated, Ringing, InProgress, Completed]
    );
    assert_eq!(
        statuses(&server),
        [
            (0, Initiated),
            (1, Ringing),
            (2, InProgress),
            (3, Completed)
        ]
    );
    let last = StatusCallback::parse(&server.hits("/status")[3].form).unwrap();
    assert_eq!(last.call_sid, sid);
    assert!(last.call_duration.is_some());
    assert_eq!(last.direction.as_deref(), Some("outbound-api"));

    let voice = server.hits("/voice").pop().unwrap();
    assert!(voice.signed_for(TOKEN, &format!("{}/voice", server.base())));
    for (name, value) in [
        ("CallSid", sid.as_str()),
        ("AccountSid", fake.account_sid()),
        ("CallStatus", "in-progress"),
        ("Direction", "outbound-api"),
        ("From", OURS),
        ("To", THEM),
        ("Caller", OURS),
        ("Called", THEM),
        ("ApiVersion", "2010-04-01"),
    ] {
        assert_eq!(voice.param(name), Some(value), "{name}");
    }
    assert_eq!(
        voice.param("AnsweredBy"),
        None,
        "asynchronous detection reports apart"
    );

    let stream = &server.streams()[0];
    let no_params = std::iter::empty::<(&str, &str)>();
    assert!(
        switchboard_telephony::twilio::signature::validate(
            TOKEN,
            &server.stream_url(),
            no_params,
            &stream.signature
        )
        .is_ok()
    );
    let start = stream.start.as_ref().unwrap();
    assert_eq!(start["start"]["callSid"], sid.as_str());
    assert_eq!(start["start"]["accountSid"], fake.account_sid());
    assert_eq!(start["start"]["customParameters"]["token"], "t-1");
    assert_eq!(stream.events.last().map(String::as_str), Some("stop"));

    let report = record.caller_report().unwrap();
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(report.timed_out_steps.is_empty(), "the agent greeted");
    assert!(report.recording.contains_with_gaps(&greeting()));
    assert!(record.said().is_empty(), "the callee hung up before <Say>");

    let amd = AmdCallback::parse(&server.hits("/amd")[0].form).unwrap();
    assert_eq!(amd.answered_by, AnsweredBy::Human);
    assert_eq!(record.answered_by, Some(AnsweredBy::Human));

    let request = &record.request;
    let values = |key: &str| -> Vec<&str> {
        request
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(
        values("StatusCallbackEvent"),
        ["initiated", "ringing", "answered", "completed"]
    );
    assert_eq!(values("Record"), ["true"]);
    assert_eq!(values("MachineDetection"), ["Enable"]);
    assert_eq!(values("AsyncAmd"), ["true"]);

    let hit = server.hits("/recording").pop().unwrap();
    assert!(hit.signed_for(TOKEN, &format!("{}/recording", server.base())));
    let announced = RecordingCallback::parse(&hit.form).unwrap();
    assert_eq!(announced.call_sid, sid);
    assert_eq!(announced.recording.status.as_deref(), Some("completed"));
    assert_eq!(
        record.recording_sid.as_deref(),
        Some(announced.recording.sid.as_str())
    );
    let media = twilio
        .fetch_recording(&announced.recording.url)
        .await
        .unwrap();
    assert_eq!(media.content_type, "audio/x-wav");
    let file = wav::parse(&media.bytes).unwrap();
    assert_eq!(file.spec.encoding, wav::Encoding::Ulaw);
    let heard: Vec<u8> = file.data.iter().copied().filter(|&b| b != 0xFF).collect();
    assert!(heard.windows(160).any(|w| w == &greeting()[..160]));

    let elsewhere = twilio
        .fetch_recording("https://evil.example/Recordings/RE1")
        .await
        .unwrap_err();
    assert!(
        matches!(elsewhere, CarrierError::Protocol { .. }),
        "{elsewhere:?}"
    );
}

#[tokio::test]
async fn say_pause_and_hangup_end_the_call() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config()).await;
    let twiml = Response::new()
        .say("Hello there")
        .pause(1)
        .hangup()
        .say("never");
    server.answer("/voice", twiml.to_xml());
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    assert_eq!(record.said(), ["Hello there"]);
    assert_eq!(
        record.events,
        [
            CallEvent::Said("Hello there".into()),
            CallEvent::Paused(1),
            CallEvent::HungUp
        ]
    );
    assert!(record.streams.is_empty());
    assert_eq!(record.documents[0].twiml, twiml.to_xml());
}

#[tokio::test]
async fn the_server_closing_the_stream_moves_on_to_the_next_verb() {
    let server = Standin::start().await;
    server.close_after(ms(100));
    let (fake, twilio) = fake(config().default_callee(patient())).await;
    server.answer(
        "/voice",
        stream_twiml(&server).say("After the stream").to_xml(),
    );
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    assert_eq!(
        record.caller_report().unwrap().ended_by,
        CallEnd::ServerClosed
    );
    assert_eq!(record.said(), ["After the stream"]);
    assert_eq!(record.status, CallStatus::Completed);
}

#[tokio::test]
async fn connect_action_and_redirects_fetch_more_twiml() {
    let server = Standin::start().await;
    server.close_after(ms(50));
    let (fake, twilio) = fake(config().default_callee(patient())).await;
    let connect =
        Connect::new(Stream::new(server.stream_url())).action(format!("{}/after", server.base()));
    server.answer(
        "/voice",
        Response::new().connect(connect).say("not reached").to_xml(),
    );
    server.answer("/after", Response::new().redirect("next").to_xml());
    server.answer(
        "/next",
        Response::new()
            .play("https://cdn.example/bye.wav")
            .say("Bye")
            .to_xml(),
    );
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();

    assert_eq!(record.played(), ["https://cdn.example/bye.wav"]);
    assert_eq!(
        record.said(),
        ["Bye"],
        "the action replaces the rest of the document"
    );
    let after = server.hits("/after").pop().unwrap();
    assert!(after.signed_for(TOKEN, &format!("{}/after", server.base())));
    assert_eq!(after.param("CallStatus"), Some("in-progress"));
    let next = server
        .hits("/next")
        .pop()
        .expect("relative to the document's URL");
    assert!(next.signed_for(TOKEN, &format!("{}/next", server.base())));
    let urls: Vec<Option<String>> = record.documents.iter().map(|d| d.url.clone()).collect();
    assert_eq!(
        urls,
        ["/voice", "/after", "/next"].map(|p| Some(format!("{}{p}", server.base())))
    );
}

#[tokio::test]
async fn the_time_limit_ends_a_call() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config().default_callee(patient())).await;
    server.answer("/voice", stream_twiml(&server).to_xml());
    let mut call = place_call(&server.base());
    call.time_limit_secs = Some(1);
    let sid = twilio.place_call(call).await.unwrap().carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    assert_eq!(record.caller_report().unwrap().ended_by, CallEnd::Stopped);
    assert_eq!(record.status, CallStatus::Completed);
    assert_eq!(record.duration, Some(1));
}

#[tokio::test]
async fn callbacks_can_come_twice() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config().delivery(CallbackDelivery::Duplicated)).await;
    server.answer("/voice", Response::new().say("Hi").to_xml());
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    use CallStatus::*;
    assert_eq!(
        statuses(&server),
        [
            (0, Initiated),
            (0, Initiated),
            (1, Ringing),
            (1, Ringing),
            (2, InProgress),
            (2, InProgress),
            (3, Completed),
            (3, Completed)
        ]
    );
    assert_eq!(server.hits("/voice").len(), 1, "TwiML is asked for once");
    let recorded = fake.webhooks_for(&sid);
    assert_eq!(
        recorded
            .iter()
            .filter(|w| w.kind == WebhookKind::CallStatus)
            .count(),
        8
    );
    assert!(recorded.iter().all(|w| w.status == Some(200)));
}

#[tokio::test]
async fn callbacks_can_come_out_of_order() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config().delivery(CallbackDelivery::Swapped)).await;
    server.answer("/voice", Response::new().say("Hi").to_xml());
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    use CallStatus::*;
    assert_eq!(
        statuses(&server),
        [
            (1, Ringing),
            (0, Initiated),
            (3, Completed),
            (2, InProgress)
        ]
    );
}

#[tokio::test]
async fn a_transfer_ends_the_stream_and_dials() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config().default_callee(patient())).await;
    server.answer("/voice", stream_twiml(&server).to_xml());
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    server.stream_started().await;
    twilio.transfer(&sid, "+13125550111", OURS).await.unwrap();
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();

    assert_eq!(
        record.transfers(),
        [&Transfer {
            to: "+13125550111".into(),
            caller_id: Some(OURS.into()),
            outcome: CallStatus::Completed,
        }]
    );
    assert_eq!(record.caller_report().unwrap().ended_by, CallEnd::Stopped);
    assert_eq!(
        server.streams()[0].events.last().map(String::as_str),
        Some("stop")
    );
    let dial = record.documents.last().unwrap();
    assert_eq!(dial.url, None);
    assert!(
        dial.twiml
            .contains("<Dial callerId=\"+14155550123\"><Number>+13125550111</Number></Dial>")
    );
    assert!(record.events.contains(&CallEvent::Updated));
    assert_eq!(record.status, CallStatus::Completed);

    let late = twilio
        .transfer(&sid, "+13125550111", OURS)
        .await
        .unwrap_err();
    assert!(
        matches!(&late, CarrierError::Rejected { code, .. } if code == "21220"),
        "{late:?}"
    );
}

#[tokio::test]
async fn hanging_up_ends_a_live_call_and_an_unknown_one_is_already_over() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config().default_callee(patient())).await;
    server.answer("/voice", stream_twiml(&server).to_xml());
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    server.stream_started().await;
    let live = twilio.fetch_call(&sid).await.unwrap();
    assert_eq!(
        (live.sid.as_str(), live.status),
        (sid.as_str(), CallStatus::InProgress)
    );
    twilio.hang_up(&sid).await.unwrap();
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    assert_eq!(record.status, CallStatus::Completed);
    assert_eq!(record.caller_report().unwrap().ended_by, CallEnd::Stopped);
    let over = twilio.fetch_call(&sid).await.unwrap();
    assert_eq!(over.status, CallStatus::Completed);
    assert!(over.duration_secs.is_some(), "{over:?}");
    assert_eq!(
        server.streams()[0].events.last().map(String::as_str),
        Some("stop")
    );

    twilio
        .hang_up(&sid)
        .await
        .expect("hanging up twice is fine");
    twilio
        .hang_up("CA00000000000000000000000000000000")
        .await
        .expect("20404 means already over");
    let missing = twilio
        .fetch_call("CA00000000000000000000000000000000")
        .await
        .unwrap_err();
    assert!(
        matches!(missing, CarrierError::NotFound { .. }),
        "{missing:?}"
    );
    let unknown = twilio
        .transfer("CA00000000000000000000000000000000", THEM, OURS)
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, CarrierError::NotFound { .. }),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn hanging_up_while_it_rings_cancels() {
    let server = Standin::start().await;
    let mut config = config();
    config.timing.ring = ms(2000);
    let (fake, twilio) = fake(config).await;
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    tokio::time::sleep(ms(50)).await;
    twilio.hang_up(&sid).await.unwrap();
    let record = fake.wait_for_call_end(&sid, ms(1000)).await.unwrap();
    assert_eq!(record.status, CallStatus::Canceled);
    assert!(server.hits("/voice").is_empty());
    assert_eq!(statuses(&server).last(), Some(&(2, CallStatus::Canceled)));
}

#[tokio::test]
async fn numbers_twilio_cannot_dial_are_refused() {
    let (_fake, twilio) = fake(config()).await;
    let mut call = place_call("https://sb.example");
    call.to = "555-0188".into();
    let error = twilio.place_call(call).await.unwrap_err();
    assert!(
        matches!(&error, CarrierError::Rejected { status: 400, code, .. } if code == "21211"),
        "{error:?}"
    );
    let mut call = place_call("https://sb.example");
    call.from = "+13125550100".into();
    let error = twilio.place_call(call).await.unwrap_err();
    assert!(
        matches!(&error, CarrierError::Rejected { code, .. } if code == "21210"),
        "{error:?}"
    );
}

#[tokio::test]
async fn busy_lines_and_answering_machines() {
    let server = Standin::start().await;
    let voicemail = "+12065550100";
    let config = config()
        .callee(THEM, Callee::Busy)
        .callee(voicemail, Callee::Machine(Script::new().pause(ms(100))));
    let (fake, twilio) = fake(config).await;
    server.answer(
        "/voice",
        Response::new().say("Please call us back").to_xml(),
    );

    let busy = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    let record = fake.wait_for_call_end(&busy, ms(5000)).await.unwrap();
    assert_eq!(record.status, CallStatus::Busy);
    assert!(server.hits("/voice").is_empty());
    let last = server.hits("/status").pop().unwrap();
    assert_eq!(last.param("CallStatus"), Some("busy"));
    assert_eq!(last.param("CallDuration"), Some("0"));

    let nobody = "+12065550111";
    fake.set_callee(nobody, Callee::NoAnswer);
    let mut call = place_call(&server.base());
    call.to = nobody.into();
    let unanswered = twilio.place_call(call).await.unwrap().carrier_call_id;
    let record = fake.wait_for_call_end(&unanswered, ms(5000)).await.unwrap();
    assert_eq!(record.status, CallStatus::NoAnswer);
    assert_eq!(record.duration, None);

    let mut call = place_call(&server.base());
    call.to = voicemail.into();
    call.machine_detection = Some(MachineDetection::DetectMessageEnd);
    call.webhooks.machine_detection_url = None;
    let machine = twilio.place_call(call).await.unwrap().carrier_call_id;
    let record = fake.wait_for_call_end(&machine, ms(5000)).await.unwrap();
    let voice = server.hits("/voice").pop().unwrap();
    assert_eq!(voice.param("AnsweredBy"), Some("machine_end_beep"));
    assert_eq!(record.said(), ["Please call us back"]);
}

#[tokio::test]
async fn behind_a_reverse_proxy_signs_public_urls_and_delivers_locally() {
    let server = Standin::start().await;
    let public = "https://sb.example/prefix";
    let config = FakeTwilioConfig::with_token(TOKEN)
        .owns(OURS)
        .default_callee(listener())
        .rewrite(UrlRewrite::new(public, server.base()));
    let (fake, twilio) = fake(config).await;
    let public_stream = "wss://sb.example/prefix/media/twilio";
    server.answer(
        "/voice",
        Response::new()
            .connect_stream(Stream::new(public_stream))
            .to_xml(),
    );
    let sid = twilio
        .place_call(place_call(public))
        .await
        .unwrap()
        .carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(10_000)).await.unwrap();

    let voice = server
        .hits("/voice")
        .pop()
        .expect("delivered to the local server");
    assert!(voice.signed_for(TOKEN, &format!("{public}/voice")));
    assert!(!voice.signed_for(TOKEN, &format!("{}/voice", server.base())));
    assert!(
        server
            .hits("/status")
            .iter()
            .all(|h| h.signed_for(TOKEN, &format!("{public}/status")))
    );
    let stream = &server.streams()[0];
    assert_eq!(stream.path, "/media/twilio");
    let no_params = std::iter::empty::<(&str, &str)>();
    assert!(
        switchboard_telephony::twilio::signature::validate(
            TOKEN,
            public_stream,
            no_params,
            &stream.signature
        )
        .is_ok()
    );
    assert_eq!(record.streams[0].url, public_stream);
    assert_eq!(
        record.streams[0].dialled,
        format!(
            "ws://{}/media/twilio",
            server.base().trim_start_matches("http://")
        )
    );
    let webhook = &fake.webhooks_for(&sid)[0];
    assert_eq!(webhook.url, format!("{public}/status"));
    assert_eq!(webhook.delivered_to, format!("{}/status", server.base()));
}

#[tokio::test]
async fn a_broken_answer_is_a_twilio_error_and_ends_the_call() {
    let server = Standin::start().await;
    let (fake, twilio) = fake(config()).await;
    server.answer("/voice", "<Response><Say>unclosed</Response>");
    let sid = twilio
        .place_call(place_call(&server.base()))
        .await
        .unwrap()
        .carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    assert!(record.errors[0].starts_with("12100"), "{:?}", record.errors);
    assert_eq!(record.status, CallStatus::Completed);

    let mut call = place_call(&server.base());
    call.webhooks.voice_url = format!("{}/missing-twiml", server.base());
    server.answer("/missing-twiml", "");
    let sid = twilio.place_call(call).await.unwrap().carrier_call_id;
    let record = fake.wait_for_call_end(&sid, ms(5000)).await.unwrap();
    assert!(record.errors[0].starts_with("12100"), "{:?}", record.errors);
}
