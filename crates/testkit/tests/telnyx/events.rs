//! Webhook bodies as Telnyx's callback reference shows them, and the delivery knobs.

use serde_json::json;
use switchboard_telephony::ParseError;
use switchboard_telephony::carrier::{CallWebhooks, Carrier, PlaceCall};
use switchboard_telephony::telnyx::webhook::{Event, HangupCause, parse};

use super::support::*;

#[test]
fn call_hangup_from_the_reference() {
    let body = json!({"data": {
        "record_type": "event",
        "event_type": "call.hangup",
        "id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
        "occurred_at": "2018-02-02T22:25:27.521992Z",
        "payload": {
            "call_control_id": "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg",
            "connection_id": "7267xxxxxxxxxxxxxx",
            "call_leg_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
            "call_session_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
            "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
            "from": "+35319605860",
            "to": "+35319605860",
            "start_time": "2018-02-02T22:20:27.521992Z",
            "state": "hangup",
            "hangup_cause": "call_rejected",
            "hangup_source": "caller",
            "sip_hangup_cause": "603",
            "call_quality_stats": {"inbound": {"mos": "4.50"}}
        }
    }});
    let envelope = parse(body.to_string().as_bytes()).unwrap();
    assert_eq!(envelope.id, "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0");
    assert_eq!(
        envelope.occurred_at.as_deref(),
        Some("2018-02-02T22:25:27.521992Z")
    );
    let Event::CallHangup(hangup) = envelope.event else {
        panic!("{:?}", envelope.event)
    };
    assert_eq!(hangup.hangup_cause, HangupCause::CallRejected);
    assert_eq!(
        hangup.leg.client_state.as_deref(),
        Some("have a nice day =]")
    );
    assert_eq!(hangup.sip_hangup_cause.as_deref(), Some("603"));
    assert_eq!(hangup.end_time, None);
}

#[test]
fn message_received_from_the_reference() {
    let body = json!({"data": {
        "record_type": "event",
        "id": "bf6307bd-884d-4c1f-b6ea-c62b8c495d3c",
        "event_type": "message.received",
        "occurred_at": "2019-01-23T18:10:02.574Z",
        "payload": {
            "record_type": "message",
            "direction": "inbound",
            "id": "7ee4241c-f127-47e5-9c34-3aac291f8058",
            "type": "SMS",
            "messaging_profile_id": "0f512bda-ae1e-4597-8e11-e5f5686b97d3",
            "from": {"phone_number": "+18665550001", "carrier": "T-MOBILE USA, INC.", "line_type": "Wireless"},
            "to": [{"phone_number": "+18445550001", "status": "delivered", "carrier": "TELNYX LLC", "line_type": "VoIP"}],
            "cc": [],
            "text": "Hello, World!",
            "media": [{"url": "https://media.example/cat.jpg", "content_type": "image/jpeg"}],
            "encoding": "GSM-7",
            "parts": 1
        }
    }, "meta": {"attempt": 1, "delivered_to": "https://example.com/webhooks"}});
    let Event::MessageReceived(message) = parse(body.to_string().as_bytes()).unwrap().event else {
        panic!()
    };
    assert_eq!(message.id, "7ee4241c-f127-47e5-9c34-3aac291f8058");
    assert_eq!(message.from, "+18665550001");
    assert_eq!(message.to, "+18445550001");
    assert_eq!(message.text, "Hello, World!");
    assert_eq!(message.media_urls, ["https://media.example/cat.jpg"]);
}

#[test]
fn recording_saved_from_the_reference_has_no_call_control_id() {
    let body = json!({"data": {
        "record_type": "event",
        "event_type": "call.recording.saved",
        "id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
        "occurred_at": "2018-02-02T22:25:27.521992Z",
        "payload": {
            "connection_id": "7267xxxxxxxxxxxxxx",
            "call_leg_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
            "call_session_id": "428c31b6-7af4-4bcb-b7f5-5013ef9657c1",
            "client_state": "aGF2ZSBhIG5pY2UgZGF5ID1d",
            "recording_started_at": "2018-02-02T22:20:27.521992Z",
            "recording_ended_at": "2018-02-02T22:20:27.521992Z",
            "channels": "single",
            "recording_urls": {"mp3": "http://example.com/recording.mp3", "wav": "http://example.com/recording.wav"},
            "public_recording_urls": {"mp3": "http://example.com/recording.mp3", "wav": "http://example.com/recording.wav"}
        }
    }});
    let Event::RecordingSaved(saved) = parse(body.to_string().as_bytes()).unwrap().event else {
        panic!()
    };
    assert_eq!(saved.call_control_id, None);
    assert_eq!(
        saved.recording_urls.wav.as_deref(),
        Some("http://example.com/recording.wav")
    );
    assert_eq!(saved.channels.as_deref(), Some("single"));
}

#[test]
fn unknown_events_are_kept_and_broken_ones_named() {
    let other = json!({"data": {"event_type": "call.bridged", "id": "e1", "payload": {"call_control_id": "v3:x"}}});
    let envelope = parse(other.to_string().as_bytes()).unwrap();
    assert_eq!(envelope.event_type, "call.bridged");
    assert_eq!(
        envelope.event,
        Event::Other(json!({"call_control_id": "v3:x"}))
    );

    let no_id = json!({"data": {"event_type": "call.answered", "id": "e2", "payload": {}}});
    assert!(matches!(
        parse(no_id.to_string().as_bytes()),
        Err(ParseError::MissingField {
            field: "call_control_id",
            event: "call.answered"
        })
    ));
    let bad_direction = json!({"data": {"event_type": "call.initiated", "id": "e3", "payload": {
        "call_control_id": "v3:x", "direction": "sideways", "from": "+1", "to": "+2"}}});
    assert!(matches!(
        parse(bad_direction.to_string().as_bytes()),
        Err(ParseError::InvalidField {
            field: "direction",
            ..
        })
    ));
    assert!(matches!(
        parse(b"{\"meta\":{}}"),
        Err(ParseError::MissingField { field: "data", .. })
    ));
    assert!(matches!(parse(b"not json"), Err(ParseError::Json(_))));

    let odd_state = json!({"data": {"event_type": "call.answered", "id": "e4", "payload": {
        "call_control_id": "v3:x", "client_state": "not base64!"}}});
    let Event::CallAnswered(answered) = parse(odd_state.to_string().as_bytes()).unwrap().event
    else {
        panic!()
    };
    assert_eq!(answered.leg.client_state.as_deref(), Some("not base64!"));
}

fn call(receiver: &Receiver) -> PlaceCall {
    PlaceCall {
        to: CUSTOMER.into(),
        from: HELD.into(),
        webhooks: CallWebhooks {
            voice_url: receiver.url("/webhooks/telnyx/voice"),
            ..CallWebhooks::default()
        },
        ring_timeout_secs: 30,
        time_limit_secs: None,
        record: false,
        machine_detection: None,
        client_state: "call_03".into(),
    }
}

#[tokio::test]
async fn duplicated_webhooks_carry_the_same_event_id() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    fake.duplicate_webhooks(true);
    client(&fake).place_call(call(&receiver)).await.unwrap();
    let events = delivered(&fake, &receiver, 4).await;
    assert_eq!(
        types(&events),
        [
            "call.initiated",
            "call.initiated",
            "call.answered",
            "call.answered"
        ]
    );
    assert_eq!(events[0].id, events[1].id);
    assert_ne!(events[1].id, events[2].id);
}

#[tokio::test]
async fn reordered_webhooks_can_answer_before_initiating() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    fake.reorder_webhooks(true);
    client(&fake).place_call(call(&receiver)).await.unwrap();
    let events = delivered(&fake, &receiver, 2).await;
    assert_eq!(types(&events), ["call.answered", "call.initiated"]);
}

#[tokio::test]
async fn the_fake_records_how_the_receiver_answered() {
    let fake = fake().await;
    let receiver = receiver(&fake).await;
    receiver.reply_with(403, "bad signature");
    client(&fake).place_call(call(&receiver)).await.unwrap();
    assert!(
        fake.wait_for_webhooks(2, std::time::Duration::from_secs(5))
            .await
    );
    assert!(fake.webhooks().iter().all(|w| w.status == Some(403)));
}
