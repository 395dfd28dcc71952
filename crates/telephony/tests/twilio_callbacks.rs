//! Twilio's callback forms as the server receives them (digest §4.2–4.4).

use switchboard_telephony::twilio::callbacks::{
    AmdCallback, AnsweredBy, CallStatus, CallbackError, InboundSms, MessageStatusCallback,
    RecordingCallback, StatusCallback,
};

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const CALL: &str = "CAfedcba9876543210fedcba9876543210";

#[test]
fn a_final_status_callback_with_unknown_fields() {
    let parsed = StatusCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", CALL),
        ("CallStatus", "completed"),
        ("CallbackSource", "call-progress-events"),
        ("CallDuration", "42"),
        ("Duration", "1"),
        ("Direction", "outbound-api"),
        ("From", "+15559870000"),
        ("FromCity", ""),
        ("SequenceNumber", "3"),
        ("SomethingNewTwilioAdded", "x"),
        ("Timestamp", "Thu, 30 Jul 2015 23:19:04 +0000"),
        ("To", "+15551230000"),
    ]))
    .unwrap();
    assert_eq!(parsed.call_status, CallStatus::Completed);
    assert!(parsed.call_status.is_final());
    assert_eq!(parsed.sequence_number, Some(3));
    assert_eq!(parsed.call_duration, Some(42));
    assert_eq!(parsed.direction.as_deref(), Some("outbound-api"));
    assert_eq!(
        (parsed.from.as_str(), parsed.to.as_str()),
        ("+15559870000", "+15551230000")
    );
    assert_eq!(parsed.answered_by, None);
    assert_eq!(parsed.recording, None);
}

#[test]
fn every_call_status_reads_back() {
    for status in [
        "queued",
        "initiated",
        "ringing",
        "in-progress",
        "completed",
        "busy",
        "no-answer",
        "failed",
        "canceled",
    ] {
        let parsed = StatusCallback::parse(&form(&[
            ("AccountSid", ACCOUNT),
            ("CallSid", CALL),
            ("CallStatus", status),
        ]))
        .unwrap();
        assert_eq!(parsed.call_status.as_str(), status);
        let finished = !matches!(status, "queued" | "initiated" | "ringing" | "in-progress");
        assert_eq!(parsed.call_status.is_final(), finished, "{status}");
    }
}

#[test]
fn a_voice_webhook_with_machine_detection_and_a_recording() {
    let parsed = StatusCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("CallStatus", "in-progress"),
        ("AnsweredBy", "machine_end_beep"),
        ("RecordingSid", "RE0123"),
        (
            "RecordingUrl",
            "https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE0123",
        ),
        ("RecordingDuration", "7"),
    ]))
    .unwrap();
    assert_eq!(parsed.answered_by, Some(AnsweredBy::MachineEndBeep));
    assert!(parsed.answered_by.unwrap().is_machine());
    let recording = parsed.recording.unwrap();
    assert_eq!(
        (recording.sid.as_str(), recording.duration),
        ("RE0123", Some(7))
    );
    assert_eq!(parsed.sequence_number, None, "voice webhooks carry none");
}

#[test]
fn missing_and_invalid_fields_are_named() {
    let missing = StatusCallback::parse(&form(&[("AccountSid", ACCOUNT), ("CallSid", CALL)]));
    assert_eq!(missing, Err(CallbackError::Missing("CallStatus")));
    assert_eq!(
        missing.unwrap_err().to_string(),
        "the callback has no CallStatus field"
    );
    let empty = StatusCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", ""),
        ("CallStatus", "ringing"),
    ]));
    assert_eq!(empty, Err(CallbackError::Missing("CallSid")));
    let bad_status = StatusCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("CallStatus", "exploded"),
    ]));
    assert!(matches!(
        bad_status,
        Err(CallbackError::Invalid {
            field: "CallStatus",
            ..
        })
    ));
    let bad_number = StatusCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("CallStatus", "completed"),
        ("CallDuration", "ten"),
    ]));
    assert!(
        matches!(bad_number, Err(CallbackError::Invalid { field: "CallDuration", ref value, .. }) if value == "ten")
    );
}

#[test]
fn recording_callbacks() {
    let parsed = RecordingCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("RecordingSid", "RE1"),
        ("RecordingUrl", "https://api.twilio.com/x/Recordings/RE1"),
        ("RecordingStatus", "completed"),
        ("RecordingDuration", "12"),
        ("RecordingChannels", "1"),
    ]))
    .unwrap();
    assert_eq!(parsed.recording.status.as_deref(), Some("completed"));
    assert_eq!(parsed.recording.duration, Some(12));
    let no_url = RecordingCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("RecordingSid", "RE1"),
    ]));
    assert_eq!(no_url, Err(CallbackError::Missing("RecordingUrl")));
    let no_sid = RecordingCallback::parse(&form(&[("AccountSid", ACCOUNT), ("CallSid", CALL)]));
    assert_eq!(no_sid, Err(CallbackError::Missing("RecordingSid")));
}

#[test]
fn amd_callbacks() {
    let parsed = AmdCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("AnsweredBy", "human"),
        ("MachineDetectionDuration", "2310"),
    ]))
    .unwrap();
    assert_eq!(parsed.answered_by, AnsweredBy::Human);
    assert_eq!(parsed.machine_detection_duration_ms, Some(2310));
    let novel = AmdCallback::parse(&form(&[
        ("AccountSid", ACCOUNT),
        ("CallSid", CALL),
        ("AnsweredBy", "robot_overlord"),
    ]))
    .unwrap();
    assert_eq!(novel.answered_by, AnsweredBy::Unknown);
}

#[test]
fn inbound_sms_with_media_and_the_older_sid_name() {
    let parsed = InboundSms::parse(&form(&[
        ("SmsSid", "SM1"),
        ("AccountSid", ACCOUNT),
        ("From", "+15551230000"),
        ("To", "+15559870000"),
        ("Body", "STOP"),
        ("NumMedia", "2"),
        ("MediaUrl0", "https://x/0"),
        ("MediaUrl1", "https://x/1"),
        ("NumSegments", "1"),
        ("SmsStatus", "received"),
    ]))
    .unwrap();
    assert_eq!(parsed.message_sid, "SM1");
    assert_eq!(parsed.body, "STOP");
    assert_eq!(parsed.media_urls, ["https://x/0", "https://x/1"]);
    assert_eq!(parsed.num_segments, 1);
    let no_from = InboundSms::parse(&form(&[("MessageSid", "SM1"), ("AccountSid", ACCOUNT)]));
    assert_eq!(no_from, Err(CallbackError::Missing("From")));
}

#[test]
fn message_status_callbacks() {
    let parsed = MessageStatusCallback::parse(&form(&[
        ("MessageSid", "SM1"),
        ("AccountSid", ACCOUNT),
        ("MessageStatus", "undelivered"),
        ("ErrorCode", "30003"),
    ]))
    .unwrap();
    assert_eq!(parsed.message_status, "undelivered");
    assert_eq!(parsed.error_code.as_deref(), Some("30003"));
    let none =
        MessageStatusCallback::parse(&form(&[("MessageSid", "SM1"), ("AccountSid", ACCOUNT)]));
    assert_eq!(none, Err(CallbackError::Missing("MessageStatus")));
}
