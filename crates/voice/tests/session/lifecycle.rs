use std::time::Duration;

use switchboard_telephony::media::Carrier;
use switchboard_telephony::media::twilio::CallerStream;
use switchboard_voice::{EndReason, Session, SessionConfig, WsIn, close_code};
use tokio::runtime::Handle;
use tokio::time::Instant;

use crate::session;
use crate::support::carrier::transport;
use crate::support::{Call, Recorder, ScriptBrain, Sent, TestAuth, agent_audio};

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::test(start_paused = true)]
async fn stop_ends_the_session_and_every_task() {
    let baseline = alive_tasks();
    let recorder = Recorder::default();
    // A long turn is still playing when the call stops.
    let brain = ScriptBrain::spec(vec![agent_audio(10_000, 0)], false, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        alive_tasks() >= baseline + 5,
        "session, carrier, reader, writer, brain"
    );
    call.stop().await;
    let report = call.finish().await;

    assert_eq!(report.end_reason, EndReason::Stopped);
    assert!(recorder.brain_dropped());
    assert_eq!(alive_tasks(), baseline);
    let close = call.close_frame().unwrap();
    assert_eq!(close.code, close_code::NORMAL);
}

#[tokio::test(start_paused = true)]
async fn a_closed_socket_ends_the_session_without_a_close_frame() {
    let baseline = alive_tasks();
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(Vec::new(), false, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    call.send(WsIn::Close(None)).await;
    let report = call.finish().await;
    assert_eq!(report.end_reason, EndReason::SocketClosed);
    assert_eq!(call.close_frame(), None);
    assert!(recorder.brain_dropped());
    assert_eq!(alive_tasks(), baseline);
}

#[tokio::test(start_paused = true)]
async fn the_end_of_the_inbound_stream_ends_the_session() {
    let baseline = alive_tasks();
    let (to_session, stream, sink, mut from_session) = transport(8);
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(Vec::new(), false, &recorder);
    let session = Session::new(
        Carrier::Twilio,
        SessionConfig::default(),
        TestAuth::new(brain),
    )
    .unwrap();
    let running = tokio::spawn(session.run(stream, sink));
    let mut caller = CallerStream::new("MZ1", "AC1", "CA1");
    let mut text = String::new();
    caller.connected(&mut text);
    to_session.send(WsIn::Text(text.clone())).await.unwrap();
    text.clear();
    caller.start([("token".to_owned(), "good".to_owned())].into(), &mut text);
    to_session.send(WsIn::Text(text)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(to_session);
    let report = running.await.unwrap();
    assert_eq!(report.end_reason, EndReason::SocketClosed);
    // The sink was dropped: the receiving side drains to its end.
    while from_session.recv().await.is_some() {}
    assert!(recorder.brain_dropped());
    assert_eq!(alive_tasks(), baseline);
}

#[tokio::test(start_paused = true)]
async fn a_silent_peer_is_pinged_then_timed_out() {
    let baseline = alive_tasks();
    let mut call = Call::start(
        session(SessionConfig::default(), switchboard_voice::BrainSpec::Echo),
        true,
    );
    call.connect().await;
    let last_message = Instant::now();
    let report = call.finish().await;

    assert_eq!(report.end_reason, EndReason::IdleTimeout);
    let records = call.records();
    let pings: Vec<_> = records
        .iter()
        .filter(|r| r.sent == Sent::Ping)
        .map(|r| r.at - last_message)
        .collect();
    // Every 5 s until the end (the third falls on the same instant as the timeout).
    assert!(pings.len() >= 2, "{pings:?}");
    for (k, at) in pings.iter().enumerate() {
        assert_eq!(*at, Duration::from_secs(5 * (k as u64 + 1)));
    }
    assert_eq!(report.pings_sent, pings.len() as u64);
    let close = records.last().unwrap();
    assert_eq!(close.at - last_message, Duration::from_secs(15));
    assert_eq!(
        close.sent,
        Sent::Close(switchboard_voice::CloseFrame::new(
            close_code::GOING_AWAY,
            "idle timeout"
        ))
    );
    assert_eq!(alive_tasks(), baseline);
}

#[tokio::test(start_paused = true)]
async fn the_brain_hangs_up_once_its_goodbye_has_played() {
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(vec![agent_audio(400, 0)], true, &recorder);
    let mut call = Call::start(session(SessionConfig::default(), brain), true);
    call.connect().await;
    let report = call.finish().await;

    assert_eq!(
        report.end_reason,
        EndReason::HungUp {
            reason: "script done".into()
        }
    );
    let close = call.close_frame().unwrap();
    assert_eq!(
        (close.code, close.reason.as_str()),
        (close_code::NORMAL, "call ended")
    );
    assert_eq!(report.turns[0].played_ms, 400);
    assert!(!report.turns[0].interrupted);
    assert!(recorder.brain_dropped());
}

#[tokio::test(start_paused = true)]
async fn cancelling_from_outside_ends_the_session() {
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(Vec::new(), false, &recorder);
    let session = session(SessionConfig::default(), brain);
    let cancel = session.cancel_token();
    let mut call = Call::start(session, true);
    call.connect().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancel.cancel();
    let report = call.finish().await;
    assert_eq!(report.end_reason, EndReason::Cancelled);
    assert_eq!(call.close_frame().unwrap().code, close_code::GOING_AWAY);
}

#[tokio::test(start_paused = true)]
async fn a_transport_with_its_own_text_type_passes_frames_through() {
    // Stands in for axum's `Utf8Bytes`: any `Deref<Target = str>` works, uncopied.
    let mut caller = CallerStream::new("MZ1", "AC1", "CA1");
    let mut frames: Vec<WsIn<std::sync::Arc<str>>> = Vec::new();
    let mut text = String::new();
    caller.connected(&mut text);
    frames.push(WsIn::Text(text.as_str().into()));
    text.clear();
    caller.start([("token".to_owned(), "good".to_owned())].into(), &mut text);
    frames.push(WsIn::Text(text.as_str().into()));
    for k in 0..5 {
        text.clear();
        caller.media(k * 20, &[0xFF; 160], &mut text);
        frames.push(WsIn::Text(text.as_str().into()));
    }
    text.clear();
    caller.stop(&mut text);
    frames.push(WsIn::Text(text.as_str().into()));

    let (_unused, _stream, sink, _out) = transport(8);
    let recorder = Recorder::default();
    let brain = ScriptBrain::spec(Vec::new(), false, &recorder);
    let session = Session::new(
        Carrier::Twilio,
        SessionConfig::default(),
        TestAuth::new(brain),
    )
    .unwrap();
    let report = session.run(futures_util::stream::iter(frames), sink).await;
    assert_eq!(report.end_reason, EndReason::Stopped);
    assert_eq!(report.frames_in, 5);
}
