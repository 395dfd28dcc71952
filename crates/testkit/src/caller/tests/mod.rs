//! The caller against tiny WebSocket servers on 127.0.0.1:0. Timing assertions are loose
//! (the machine is shared): they catch a wrong mechanism, not a slow scheduler.

mod agent;

use std::time::Duration;

use futures_util::SinkExt;
use serde_json::json;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use self::agent::{
    Received, echo_agent, handshake, next_json, record_all, refuse, send_clear, send_mark,
    send_media, serve,
};
use super::*;
use switchboard_telephony::twilio::signature;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn events(frames: &[Received]) -> Vec<&str> {
    frames.iter().map(Received::event).collect()
}

/// Sequence numbers of everything after `connected`.
fn sequence_numbers(frames: &[Received]) -> Vec<u64> {
    frames[1..]
        .iter()
        .map(|f| f.json["sequenceNumber"].as_str().unwrap().parse().unwrap())
        .collect()
}

/// Waits for the caller's echo of the mark `name`; returns when it arrived.
async fn echo_of(ws: &mut agent::Ws, name: &str) -> Instant {
    loop {
        let frame = next_json(ws).await.expect("caller still there");
        if frame.event() == "mark" {
            assert_eq!(frame.json["mark"]["name"], name);
            return frame.at;
        }
    }
}

#[tokio::test]
async fn opens_with_connected_then_start_like_twilio() {
    let (url, server) = serve(|ws, upgrade| async move { (record_all(ws).await, upgrade) }).await;
    let public = "wss://switchboard.example/media/twilio";
    let config = CallerConfig::new(url)
        .parameter("token", "one-time-123")
        .parameter("call_id", "abc")
        .signed("auth-token", public);
    let stream_sid = config.stream_sid.clone();
    let script = Script::new().pause(ms(60)).hangup();
    let report = SimulatedCaller::new(config).run(script).await.unwrap();
    let (frames, upgrade) = server.await.unwrap();

    assert_eq!(upgrade.path, "/media/twilio");
    let sig = upgrade.headers["x-twilio-signature"].to_str().unwrap();
    let no_params = std::iter::empty::<(&str, &str)>();
    assert!(signature::validate("auth-token", public, no_params, sig).is_ok());

    assert_eq!(
        frames[0].json,
        json!({"event": "connected", "protocol": "Call", "version": "1.0.0"})
    );
    let start = &frames[1].json;
    assert_eq!(start["event"], "start");
    assert_eq!(start["sequenceNumber"], "1");
    assert_eq!(start["streamSid"], stream_sid.as_str());
    assert_eq!(start["start"]["streamSid"], stream_sid.as_str());
    assert!(stream_sid.starts_with("MZ") && stream_sid.len() == 34);
    assert_eq!(start["start"]["callSid"], report.call_sid.as_str());
    assert_eq!(start["start"]["tracks"], json!(["inbound"]));
    assert_eq!(
        start["start"]["customParameters"],
        json!({"token": "one-time-123", "call_id": "abc"})
    );
    assert_eq!(
        start["start"]["mediaFormat"],
        json!({"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1})
    );
    assert_eq!(
        events(&frames),
        ["connected", "start", "media", "media", "media", "stop"]
    );
    assert_eq!(sequence_numbers(&frames), [1, 2, 3, 4, 5]);
    assert_eq!(frames[5].json["stop"]["callSid"], report.call_sid.as_str());
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert_eq!(report.frames_sent, 3);
    assert_eq!(report.server_close.as_ref().map(|c| c.code), Some(1000));
}

#[tokio::test]
async fn media_flows_every_20_ms_in_real_time() {
    let (url, server) = serve(|ws, _| record_all(ws)).await;
    let script = Script::new().pause(ms(1000));
    let report = SimulatedCaller::new(CallerConfig::new(url))
        .run(script)
        .await
        .unwrap();
    let frames = server.await.unwrap();
    let media: Vec<&Received> = frames.iter().filter(|f| f.event() == "media").collect();

    assert_eq!(media.len(), 50);
    for (i, frame) in media.iter().enumerate() {
        assert_eq!(frame.json["media"]["track"], "inbound");
        assert_eq!(frame.json["media"]["chunk"], (i + 1).to_string());
        assert_eq!(frame.json["media"]["timestamp"], (i * 20).to_string());
        assert_eq!(frame.audio(), [0xFF; 160], "silence between utterances");
    }
    let span = media[49].at - media[0].at;
    assert!(span > ms(850) && span < ms(1500), "50 frames took {span:?}");
    let mut gaps: Vec<Duration> = media.windows(2).map(|w| w[1].at - w[0].at).collect();
    gaps.sort();
    let median = gaps[gaps.len() / 2];
    assert!(median > ms(10) && median < ms(30), "median gap {median:?}");
    assert!(report.pacing.mean_lateness < ms(20), "{:?}", report.pacing);
}

#[tokio::test]
async fn faster_paces_compress_the_call() {
    let (url, server) = serve(|ws, _| record_all(ws)).await;
    let config = CallerConfig::new(url).pace(Pace::Speed(5.0));
    let report = SimulatedCaller::new(config)
        .run(Script::new().pause(ms(1000)))
        .await
        .unwrap();
    let frames = server.await.unwrap();
    let media: Vec<&Received> = frames.iter().filter(|f| f.event() == "media").collect();
    assert_eq!(media.len(), 50);
    let span = media[49].at - media[0].at;
    assert!(span > ms(120) && span < ms(700), "5x: {span:?}");
    assert_eq!(
        media[49].json["media"]["timestamp"], "980",
        "media time is unchanged"
    );
    assert!(report.duration < ms(900));

    let (url, server) = serve(|ws, _| record_all(ws)).await;
    let config = CallerConfig::new(url).pace(Pace::Unpaced);
    let report = SimulatedCaller::new(config)
        .run(Script::new().pause(ms(10_000)))
        .await
        .unwrap();
    assert_eq!(report.frames_sent, 500);
    assert!(report.duration < ms(3000), "unpaced: {:?}", report.duration);
    assert_eq!(server.await.unwrap().len(), 503);
}

#[tokio::test]
async fn invalid_speed_is_a_configuration_error() {
    let config = CallerConfig::new("ws://127.0.0.1:9/media").pace(Pace::Speed(0.0));
    let error = SimulatedCaller::new(config).run(Script::new()).await;
    assert!(matches!(error, Err(CallerError::Config(_))), "{error:?}");
}

/// The server queues audio and marks, clears, and closes; the caller echoes marks only
/// once their audio has played, or at once on `clear`.
#[tokio::test]
async fn marks_echo_after_playback_and_at_once_on_clear() {
    let (url, server) = serve(|mut ws, _| async move {
        let (_, _, sid) = handshake(&mut ws).await;
        // 400 ms of audio in one chunk, then two marks behind it.
        let sent = Instant::now();
        send_media(&mut ws, &sid, &[0x11; 3200]).await;
        send_mark(&mut ws, &sid, "a").await;
        send_mark(&mut ws, &sid, "b").await;
        let a = echo_of(&mut ws, "a").await - sent;
        let b = echo_of(&mut ws, "b").await - sent;
        // Two seconds of audio, then a clear 100 ms in.
        send_media(&mut ws, &sid, &[0x22; 16_000]).await;
        send_mark(&mut ws, &sid, "c").await;
        tokio::time::sleep(ms(100)).await;
        let cleared = Instant::now();
        send_clear(&mut ws, &sid).await;
        let c = echo_of(&mut ws, "c").await - cleared;
        // Nothing queued: echoed straight away.
        let idle = Instant::now();
        send_mark(&mut ws, &sid, "d").await;
        let d = echo_of(&mut ws, "d").await - idle;
        let close = CloseFrame {
            code: CloseCode::Library(4000),
            reason: "done".into(),
        };
        ws.send(Message::Close(Some(close))).await.unwrap();
        while next_json(&mut ws).await.is_some() {}
        (a, b, c, d)
    })
    .await;
    let script = Script::new().pause(ms(10_000));
    let report = SimulatedCaller::new(CallerConfig::new(url))
        .run(script)
        .await
        .unwrap();
    let (a, b, c, d) = server.await.unwrap();

    assert!(a >= ms(350) && a < ms(1000), "a echoed after {a:?}");
    assert!(b >= a && b - a < ms(100), "b echoed after {b:?}");
    assert!(c < ms(300), "c echoed {c:?} after the clear");
    assert!(d < ms(300), "d echoed after {d:?}");

    assert_eq!(report.ended_by, CallEnd::ServerClosed);
    let close = report.server_close.as_ref().unwrap();
    assert_eq!((close.code, close.reason.as_str()), (4000, "done"));
    let names: Vec<_> = report.marks.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
    let cleared: Vec<_> = report.marks.iter().map(|m| m.cleared).collect();
    assert_eq!(cleared, [false, false, true, false]);
    assert_eq!(report.marks_echoed(), 4);
    let a_mark = &report.marks[0];
    assert!(a_mark.echoed_at.unwrap() - a_mark.received_at >= ms(350));

    assert_eq!(report.clears.len(), 1);
    let dropped = report.clears[0].dropped;
    assert!(
        dropped > ms(1500) && dropped < ms(1950),
        "dropped {dropped:?}"
    );
    assert!(report.recording.contains(&[0x11; 3200]));
    let played_22 = report
        .recording
        .mulaw()
        .iter()
        .filter(|&&b| b == 0x22)
        .count();
    assert!(
        played_22 > 0 && played_22 < 16_000 - 8 * 1500,
        "{played_22}"
    );
    assert_eq!(report.frames_received, 2);
    assert_eq!(report.agent_audio_bytes, 3200 + 16_000);
    assert!(report.protocol_errors.is_empty());
}

#[tokio::test]
async fn converses_with_an_echoing_agent() {
    let (url, server) = serve(|ws, _| echo_agent(ws)).await;
    let hello = Utterance::tone(440.0, ms(300));
    let script = Script::new()
        .pause(ms(40))
        .say(hello.clone())
        .wait_for_agent(ms(100), ms(3000))
        .dtmf('7')
        .hangup();
    let report = SimulatedCaller::new(CallerConfig::new(url))
        .run(script)
        .await
        .unwrap();
    let frames = server.await.unwrap();

    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(report.timed_out_steps.is_empty());
    assert_eq!(report.turns.len(), 1);
    assert_eq!(report.turns[0].step, 1);
    let latency = report.turns[0].latency().expect("the agent answered");
    // The agent waits for five silent frames (100 ms) before answering.
    assert!(
        latency >= ms(60) && latency < ms(1000),
        "turn latency {latency:?}"
    );
    assert_eq!(report.turn_latencies(), [latency]);

    // Heard the echo byte for byte, and echoed its mark after it played.
    // Byte for byte, though a loaded machine may read the burst with gaps in between.
    assert!(report.recording.contains_with_gaps(hello.mulaw()));
    assert_eq!(report.frames_received, 15);
    let mark = &report.marks[0];
    assert_eq!(mark.name, "reply-1");
    assert!(
        mark.echoed_at.unwrap() - mark.received_at >= ms(250),
        "{mark:?}"
    );

    // Server side: the line never stopped, the key press and the echo arrived, stop last.
    let kinds = events(&frames);
    assert_eq!(kinds.last(), Some(&"stop"));
    let digit = frames.iter().find(|f| f.event() == "dtmf").unwrap();
    assert_eq!(
        digit.json["dtmf"],
        json!({"track": "inbound_track", "digit": "7"})
    );
    let echo = frames.iter().find(|f| f.event() == "mark").unwrap();
    assert_eq!(echo.json["mark"]["name"], "reply-1");
    let seqs = sequence_numbers(&frames);
    assert!(seqs.iter().enumerate().all(|(i, &n)| n == i as u64 + 1));
    assert_eq!(report.dtmf_sent, 1);
    assert_eq!(
        kinds.iter().filter(|k| **k == "media").count() as u64,
        report.frames_sent
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.wav");
    report.recording.save_wav(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let wav = switchboard_audio::wav::parse(&bytes).unwrap();
    assert_eq!(wav.data, report.recording.mulaw());
}

#[tokio::test]
async fn barge_in_is_timed_to_the_clear() {
    let (url, server) = serve(|ws, _| echo_agent(ws)).await;
    let question = Utterance::tone(440.0, ms(400));
    let interruption = Utterance::tone(700.0, ms(200));
    let script = Script::new()
        .say(question.clone())
        .barge_in(interruption.clone(), ms(100), ms(3000))
        .wait_for_agent(ms(60), ms(3000))
        .hangup();
    let report = SimulatedCaller::new(CallerConfig::new(url))
        .run(script)
        .await
        .unwrap();
    let frames = server.await.unwrap();

    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(
        report.timed_out_steps.is_empty(),
        "{:?}",
        report.timed_out_steps
    );
    assert_eq!(report.barge_ins.len(), 1);
    let barge_in = &report.barge_ins[0];
    assert_eq!(barge_in.step, 1);
    let latency = barge_in.latency().expect("the agent cleared");
    assert!(latency < ms(500), "barge-in latency {latency:?}");

    assert_eq!(report.clears.len(), 1);
    assert!(report.clears[0].dropped > Duration::ZERO);
    let names: Vec<_> = report
        .marks
        .iter()
        .map(|m| (m.name.as_str(), m.cleared))
        .collect();
    assert_eq!(names, [("reply-1", true), ("reply-2", false)]);
    // The first answer was cut short after at least the 100 ms before the interruption;
    // the second played in full.
    let recording = &report.recording;
    assert!(!recording.contains_with_gaps(question.mulaw()));
    assert!(recording.contains_with_gaps(&question.mulaw()[..800]));
    assert!(recording.contains_with_gaps(interruption.mulaw()));
    assert_eq!(report.turns.len(), 2);
    assert!(
        report.turns.iter().all(|t| t.latency().is_some()),
        "{:?}",
        report.turns
    );
    assert_eq!(events(&frames).last(), Some(&"stop"));
}

#[tokio::test]
async fn bad_server_events_are_protocol_errors() {
    let (url, server) = serve(|mut ws, _| async move {
        let (_, _, sid) = handshake(&mut ws).await;
        let frames = [
            json!({"event": "play", "streamSid": sid}).to_string(),
            json!({"event": "media", "streamSid": sid, "media": {"payload": "not base64!"}})
                .to_string(),
            "{oops".to_owned(),
        ];
        for text in frames {
            ws.send(Message::text(text)).await.unwrap();
        }
        ws.send(Message::binary(vec![1, 2, 3])).await.unwrap();
        send_media(&mut ws, "MZ-not-this-stream", &[0xFF; 160]).await;
        send_media(&mut ws, &sid, b"RIFF\x24\0\0\0WAVEfmt ").await;
        send_media(&mut ws, &sid, &[0x33; 160]).await;
        ws.send(Message::Close(None)).await.unwrap();
        while next_json(&mut ws).await.is_some() {}
    })
    .await;
    let report = SimulatedCaller::new(CallerConfig::new(url))
        .run(Script::new().pause(ms(10_000)))
        .await
        .unwrap();
    server.await.unwrap();

    let violations: Vec<_> = report
        .protocol_errors
        .iter()
        .map(|e| &e.violation)
        .collect();
    assert_eq!(violations.len(), 6, "{violations:?}");
    assert_eq!(
        violations[0],
        &ProtocolViolation::UnknownEvent("play".into())
    );
    assert!(matches!(violations[1], ProtocolViolation::BadPayload(_)));
    assert!(matches!(violations[2], ProtocolViolation::Malformed(_)));
    assert_eq!(violations[3], &ProtocolViolation::BinaryFrame(3));
    assert_eq!(
        violations[4],
        &ProtocolViolation::WrongStreamSid("MZ-not-this-stream".into())
    );
    assert_eq!(violations[5], &ProtocolViolation::FileHeader);
    assert_eq!(report.frames_received, 1, "the valid frame still plays");
    assert_eq!(report.ended_by, CallEnd::ServerClosed);
    assert_eq!(report.server_close.as_ref().unwrap().code, 1005);
}

#[tokio::test]
async fn call_timeout_hangs_up() {
    let (url, server) = serve(|ws, _| record_all(ws)).await;
    let config = CallerConfig::new(url).call_timeout(ms(300));
    let script = Script::new().wait_for_agent(ms(100), ms(60_000));
    let report = SimulatedCaller::new(config).run(script).await.unwrap();
    let frames = server.await.unwrap();
    assert_eq!(report.ended_by, CallEnd::TimedOut);
    assert!(report.duration >= ms(300) && report.duration < ms(2000));
    assert_eq!(events(&frames).last(), Some(&"stop"));
}

#[tokio::test]
async fn a_stop_from_outside_sends_stop_and_closes() {
    let (url, server) = serve(|ws, _| record_all(ws)).await;
    let stop = tokio_util::sync::CancellationToken::new();
    let config = CallerConfig::new(url).stop_on(stop.clone());
    let call = tokio::spawn(SimulatedCaller::new(config).run(Script::new().pause(ms(60_000))));
    tokio::time::sleep(ms(100)).await;
    stop.cancel();
    let report = timeout(ms(5000), call)
        .await
        .expect("stops")
        .unwrap()
        .unwrap();
    let frames = server.await.unwrap();
    assert_eq!(report.ended_by, CallEnd::Stopped);
    assert!(report.duration < ms(2000), "{:?}", report.duration);
    assert_eq!(events(&frames).last(), Some(&"stop"));
    assert_eq!(report.server_close.as_ref().map(|c| c.code), Some(1000));
}

#[tokio::test]
async fn dropped_connection_is_reported() {
    let (url, server) = serve(|mut ws, _| async move {
        handshake(&mut ws).await;
        drop(ws); // TCP closed without a close frame
    })
    .await;
    let report = timeout(
        ms(5000),
        SimulatedCaller::new(CallerConfig::new(url)).run(Script::new().pause(ms(10_000))),
    )
    .await
    .expect("the caller notices")
    .unwrap();
    server.await.unwrap();
    assert!(
        matches!(report.ended_by, CallEnd::ConnectionLost(_)),
        "{:?}",
        report.ended_by
    );
    assert!(report.server_close.is_none());
}

#[tokio::test]
async fn refused_upgrade_is_an_error() {
    let url = refuse(StatusCode::FORBIDDEN).await;
    let error = SimulatedCaller::new(CallerConfig::new(url))
        .run(Script::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, CallerError::Rejected { status: 403, .. }),
        "{error:?}"
    );
}
