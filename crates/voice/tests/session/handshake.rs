use std::time::Duration;

use switchboard_telephony::media::{Carrier, StreamStart};
use switchboard_voice::{
    BrainSpec, CallContext, EndReason, Session, SessionConfig, VoiceError, auth_fn, close_code,
};
use tokio::time::Instant;

use crate::session;
use crate::support::{Call, MS, silence};

#[tokio::test(start_paused = true)]
async fn a_rejected_token_closes_with_policy_violation_and_the_reason() {
    let mut call = Call::start(session(SessionConfig::default(), BrainSpec::Echo), true);
    call.connected().await;
    call.start_stream("stolen").await;
    let report = call.finish().await;

    let close = call.close_frame().expect("close frame");
    assert_eq!(close.code, close_code::POLICY_VIOLATION);
    assert_eq!(close.reason, "invalid stream token");
    assert_eq!(
        report.end_reason,
        EndReason::Rejected {
            reason: "invalid stream token".into()
        }
    );
    assert_eq!(report.call_id, None);
    assert!(report.stream_id.is_some());
    assert_eq!((report.frames_in, report.frames_out), (0, 0));
}

#[tokio::test(start_paused = true)]
async fn no_start_in_time_closes_with_policy_violation() {
    let mut call = Call::start(session(SessionConfig::default(), BrainSpec::Echo), true);
    let opened = Instant::now();
    call.connected().await;
    let report = call.finish().await;

    assert_eq!(report.end_reason, EndReason::StartTimeout);
    let records = call.records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].at - opened, Duration::from_secs(5));
    let close = call.close_frame().unwrap();
    assert_eq!(close.code, close_code::POLICY_VIOLATION);
    assert_eq!(close.reason, "no start message in time");
}

#[tokio::test(start_paused = true)]
async fn media_before_start_closes_with_policy_violation() {
    let mut call = Call::start(session(SessionConfig::default(), BrainSpec::Echo), true);
    call.connected().await;
    call.speak(&silence(20)).await;
    let report = call.finish().await;

    assert_eq!(
        report.end_reason,
        EndReason::ProtocolViolation {
            reason: "media before start".into()
        }
    );
    let close = call.close_frame().unwrap();
    assert_eq!(
        (close.code, close.reason.as_str()),
        (close_code::POLICY_VIOLATION, "media before start")
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_or_hanging_authenticator_closes_with_internal_error() {
    // Fails: the detail is logged and reported, never sent.
    let failing = auth_fn(|_: StreamStart| async {
        Err::<CallContext, _>(VoiceError::AuthUnavailable("db password expired".into()))
    });
    let session = Session::new(Carrier::Twilio, SessionConfig::default(), failing).unwrap();
    let mut call = Call::start(session, true);
    call.connect().await;
    let report = call.finish().await;
    assert!(
        matches!(report.end_reason, EndReason::AuthUnavailable { detail } if detail.contains("db password"))
    );
    let close = call.close_frame().unwrap();
    assert_eq!(
        (close.code, close.reason.as_str()),
        (close_code::INTERNAL_ERROR, "authentication unavailable")
    );

    // Never answers: the auth timeout ends it.
    let hanging =
        auth_fn(|_: StreamStart| std::future::pending::<Result<CallContext, VoiceError>>());
    let config = SessionConfig {
        auth_timeout: Duration::from_secs(2),
        ..SessionConfig::default()
    };
    let session = Session::new(Carrier::Twilio, config, hanging).unwrap();
    let mut call = Call::start(session, true);
    let opened = Instant::now();
    call.connect().await;
    let report = call.finish().await;
    assert!(matches!(
        report.end_reason,
        EndReason::AuthUnavailable { .. }
    ));
    assert_eq!(call.records()[0].at - opened, 2000 * MS);
}

#[tokio::test(start_paused = true)]
async fn a_format_other_than_8k_g711_closes_with_unsupported_data() {
    let mut call = Call::start(session(SessionConfig::default(), BrainSpec::Echo), true);
    call.connected().await;
    let sid = format!("MZ{}", "0".repeat(32));
    call.text(format!(
        r#"{{"event":"start","sequenceNumber":"1","start":{{"accountSid":"AC1","streamSid":"{sid}","callSid":"CA1","tracks":["inbound"],"customParameters":{{"token":"good"}},"mediaFormat":{{"encoding":"audio/L16","sampleRate":16000,"channels":1}}}},"streamSid":"{sid}"}}"#
    ))
    .await;
    let report = call.finish().await;
    assert!(
        matches!(report.end_reason, EndReason::UnsupportedMedia { format } if format.contains("L16"))
    );
    assert_eq!(
        call.close_frame().unwrap().code,
        close_code::UNSUPPORTED_DATA
    );
}
