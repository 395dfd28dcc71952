use switchboard_telephony::media::MAX_MESSAGE_BYTES;
use switchboard_voice::{BrainEvent, EndReason, SessionConfig, WsIn};

use crate::session;
use crate::support::{Call, Recorder, ScriptBrain, silence, speech};

#[tokio::test(start_paused = true)]
async fn malformed_oversized_and_out_of_order_input_is_survived() {
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(Vec::new(), false, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connected().await;
    // Before start: ignored, the session keeps waiting.
    call.text("not json").await;
    call.mark_echo("early").await;
    call.start_stream("good").await;
    // After start.
    call.text("{}").await;
    call.text(r#"{"event":"media","streamSid":"MZ1"}"#).await;
    call.text(format!(
        r#"{{"event":"media","pad":"{}"}}"#,
        " ".repeat(MAX_MESSAGE_BYTES)
    ))
    .await;
    call.send(WsIn::Binary(vec![1, 2, 3])).await;
    call.send(WsIn::Ping(Vec::new())).await;
    call.start_stream("good").await;
    call.text(r#"{"event":"weird","streamSid":"MZ1"}"#).await;
    call.text(r#"{"event":"weird","streamSid":"MZ1"}"#).await;
    call.mark_echo("utt-17").await;
    call.mark_echo("t9s9").await;
    call.dtmf('5').await;
    // Still listening.
    call.speak(&speech()[..4500 * 8]).await;
    call.speak(&silence(200)).await;
    call.stop().await;
    let report = call.finish().await;

    assert_eq!(report.end_reason, EndReason::Stopped);
    let a = &report.anomalies;
    assert_eq!(a.malformed, 3, "{a:?}");
    assert_eq!(a.oversized, 1);
    assert_eq!(a.binary, 1);
    assert_eq!(a.out_of_order, 2);
    assert_eq!(a.unknown_events, 2);
    assert_eq!(a.unknown_event_names, ["weird"]);
    assert_eq!(a.unknown_marks, 2);
    assert_eq!(report.dtmf, 1);
    assert_eq!(report.frames_in, 4700 / 20);
    let events = recorder.events();
    assert_eq!(events[0], BrainEvent::Dtmf('5'));
    assert_eq!(events[1], BrainEvent::CallerSpeechStarted);
    let BrainEvent::CallerSpeechEnded(utterance) = &events[2] else {
        panic!("{:?}", events[2]);
    };
    assert!(
        (3000..=3500).contains(&utterance.speech_ms),
        "{}",
        utterance.speech_ms
    );
    assert_eq!(
        utterance.audio.len() as u64,
        (utterance.speech_ms + 200) * 8
    );
}
