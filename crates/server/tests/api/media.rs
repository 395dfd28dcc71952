//! The media path end to end: the simulated caller dials the real `/media/twilio` endpoint and
//! talks to the echo agent over a real WebSocket.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::json;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::{
    CallEnd, CallReport, CallerConfig, CallerError, Script, SimulatedCaller, Utterance,
};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{Account, TestApp, read, spawn_app, spawn_app_with};

const LEAD_MS: u64 = 80;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The second phrase of the committed speech fixture (858 ms of real speech, 8 kHz mu-law).
fn phrase() -> Utterance {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audio/fixtures/speech_8k_ulaw.wav"
    ))
    .unwrap();
    let wav = switchboard_audio::wav::parse(&bytes).unwrap();
    Utterance::from_mulaw(wav.data[4758 * 8..5616 * 8].to_vec())
}

/// A one-time stream token for the echo agent, as the diagnostics endpoint hands it out.
async fn echo_token(app: &TestApp, account: &Account) -> String {
    let (status, body) = read(
        app.post("/v1/diagnostics/echo-stream", &account.token, json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["twiml"]
            .as_str()
            .unwrap()
            .contains("<Parameter name=\"stream_token\""),
        "{body}"
    );
    body["stream_token"].as_str().unwrap().to_owned()
}

fn media_url(app: &TestApp) -> String {
    format!("{}/media/twilio", app.base.replacen("http://", "ws://", 1))
}

async fn call(app: &TestApp, token: &str, script: Script) -> CallReport {
    let config = CallerConfig::new(media_url(app))
        .parameter("stream_token", token)
        .call_timeout(Duration::from_secs(30));
    SimulatedCaller::new(config)
        .run(script)
        .await
        .expect("the call connects")
}

async fn wait_until_no_live_sessions(app: &TestApp) {
    for _ in 0..100 {
        if app.state.media.active() == 0 {
            return;
        }
        tokio::time::sleep(ms(50)).await;
    }
    panic!(
        "{} media sessions are still alive",
        app.state.media.active()
    );
}

async fn the_echo_agent_plays_back_what_the_caller_said(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let token = echo_token(&app, &ada).await;
    let phrase = phrase();
    let script = Script::new()
        .pause(ms(300))
        .say(phrase.clone())
        .wait_for_agent(ms(600), Duration::from_secs(5))
        .hangup();
    let report = call(&app, &token, script).await;

    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(
        report.protocol_errors.is_empty(),
        "{:?}",
        report.protocol_errors
    );
    assert!(
        report.recording.contains_with_gaps(phrase.mulaw()),
        "the caller hears their own words back, intact"
    );
    let latency = report.turns[0].latency().expect("the agent answered");
    eprintln!(
        "echo turn: first agent audio {} ms after the caller's speech ended",
        latency.as_millis()
    );
    assert!(latency < Duration::from_secs(2), "{latency:?}");
    assert!(report.marks_echoed() >= 1, "the agent marks its audio");

    // Paced at real time: a mark is echoed once everything queued before it has played, so the
    // gap between its arrival and its echo is the audio that was queued ahead of real time.
    for mark in report.marks.iter().filter(|m| !m.cleared) {
        let queued_ahead = mark.echoed_at.expect("echoed") - mark.received_at;
        assert!(
            queued_ahead <= ms(LEAD_MS + 60),
            "{} ran {queued_ahead:?} ahead (lead {LEAD_MS} ms)",
            mark.name
        );
    }
    wait_until_no_live_sessions(&app).await;
}

async fn caller_speech_over_the_agent_clears_its_audio_within_150_ms(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let token = echo_token(&app, &ada).await;
    let script = Script::new()
        .pause(ms(200))
        .say(phrase())
        .barge_in(phrase(), ms(250), Duration::from_secs(5))
        .pause(ms(300))
        .hangup();
    let report = call(&app, &token, script).await;

    let barge_in = report.barge_ins.first().expect("the caller barged in");
    let reaction = barge_in.latency().expect("a clear arrived");
    eprintln!(
        "barge-in: clear received {} ms after the caller's speech onset",
        reaction.as_millis()
    );
    assert!(
        reaction <= ms(150),
        "clear arrived {reaction:?} after the caller started speaking"
    );
    assert!(!report.clears.is_empty());
    wait_until_no_live_sessions(&app).await;
}

async fn a_stream_without_a_valid_token_is_closed_with_a_reason(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;

    let no_token = SimulatedCaller::new(CallerConfig::new(media_url(&app)))
        .run(Script::new().pause(ms(500)).hangup());
    let report = no_token.await.unwrap();
    let close = report.server_close.expect("the server closed the stream");
    assert_eq!(close.code, 1008);
    assert!(close.reason.contains("stream_token"), "{}", close.reason);

    let token = echo_token(&app, &ada).await;
    call(&app, &token, Script::new().pause(ms(100)).hangup()).await;
    let reused = call(&app, &token, Script::new().pause(ms(500)).hangup()).await;
    let close = reused.server_close.expect("a used token is refused");
    assert_eq!(close.code, 1008);
    assert!(close.reason.contains("already used"), "{}", close.reason);
    wait_until_no_live_sessions(&app).await;
}

async fn twilio_upgrades_must_be_signed_when_a_twilio_carrier_is_configured(db: TestDatabase) {
    let app = spawn_app_with(db, |c| {
        c.carriers.insert(
            "tw".into(),
            toml::from_str(
                "kind = \"twilio\"\naccount_sid = \"AC0123456789abcdef0123456789abcdef\"\nauth_token = \"twilio-auth-token\"",
            )
            .unwrap(),
        );
        c.public_url = Some("https://switchboard.example.com".into());
    })
    .await;
    let ada = app.signup("ada@example.com", "A").await;
    let token = echo_token(&app, &ada).await;

    let unsigned = CallerConfig::new(media_url(&app)).parameter("stream_token", &token);
    match SimulatedCaller::new(unsigned)
        .run(Script::new().hangup())
        .await
    {
        Err(CallerError::Rejected { status, .. }) => assert_eq!(status, 403),
        other => panic!("an unsigned upgrade must be refused, got {other:?}"),
    }
    let forged = CallerConfig::new(media_url(&app))
        .parameter("stream_token", &token)
        .signed("wrong-token", "wss://switchboard.example.com/media/twilio");
    assert!(matches!(
        SimulatedCaller::new(forged)
            .run(Script::new().hangup())
            .await,
        Err(CallerError::Rejected { status: 403, .. })
    ));

    let signed = CallerConfig::new(media_url(&app))
        .parameter("stream_token", &token)
        .signed(
            "twilio-auth-token",
            "wss://switchboard.example.com/media/twilio",
        );
    let report = SimulatedCaller::new(signed)
        .run(Script::new().pause(ms(200)).hangup())
        .await
        .unwrap();
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(
        report.server_close.is_none_or(|c| c.code != 1008),
        "the signed stream is let in"
    );
}

async fn malformed_oversized_and_out_of_order_messages_do_not_crash_the_server(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(media_url(&app))
        .await
        .unwrap();
    socket
        .send(Message::text("this is not json"))
        .await
        .unwrap();
    socket
        .send(Message::text(
            r#"{"event":"media","media":{"payload":"//8="}}"#,
        ))
        .await
        .unwrap();
    socket
        .send(Message::text(r#"{"event":"mark"}"#))
        .await
        .unwrap();
    // Media before start ends the stream with a policy violation.
    let closed = socket.next().await;
    assert!(
        matches!(&closed, Some(Ok(Message::Close(Some(frame)))) if u16::from(frame.code) == 1008)
            || closed.is_none(),
        "{closed:?}"
    );

    let (mut socket, _) = tokio_tungstenite::connect_async(media_url(&app))
        .await
        .unwrap();
    let oversized = "x".repeat(2 * 1024 * 1024);
    let _ = socket.send(Message::text(oversized)).await;
    while let Some(Ok(_)) = socket.next().await {}

    // A socket that opens and vanishes without a word.
    let (socket, _) = tokio_tungstenite::connect_async(media_url(&app))
        .await
        .unwrap();
    drop(socket);

    wait_until_no_live_sessions(&app).await;
    assert_eq!(
        app.request(reqwest::Method::GET, "/healthz", None, None)
            .await
            .status(),
        StatusCode::OK
    );
}

async fn a_dropped_socket_ends_the_session_and_frees_it(db: TestDatabase) {
    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let token = echo_token(&app, &ada).await;
    let config = CallerConfig::new(media_url(&app))
        .parameter("stream_token", &token)
        .call_timeout(ms(1200));
    // The caller talks, then the call times out and the connection is torn down mid-stream.
    let running = tokio::spawn(
        SimulatedCaller::new(config)
            .run(Script::new().say(phrase()).pause(Duration::from_secs(10))),
    );
    tokio::time::sleep(ms(600)).await;
    assert_eq!(app.state.media.active(), 1, "the session is live");
    let report = running.await.unwrap().unwrap();
    assert_eq!(report.ended_by, CallEnd::TimedOut);
    wait_until_no_live_sessions(&app).await;
    let metrics = app
        .request(reqwest::Method::GET, "/metrics", None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("switchboard_media_sessions_active 0"),
        "{metrics}"
    );
}

/// Telnyx speaks its own dialect (`stream_id`, `custom_parameters`, PCMU); the same echo agent
/// answers it through `/media/telnyx`.
async fn a_telnyx_stream_round_trips_through_the_echo_agent(db: TestDatabase) {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    let app = spawn_app(db).await;
    let ada = app.signup("ada@example.com", "A").await;
    let token = echo_token(&app, &ada).await;
    let url = format!("{}/media/telnyx", app.base.replacen("http://", "ws://", 1));
    let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (mut sink, mut stream) = socket.split();

    let phrase = phrase().mulaw().to_vec();
    let start = json!({
        "event": "start", "sequence_number": "1", "stream_id": "telnyx-stream-1",
        "start": {
            "call_control_id": "v3:test-call", "from": "+13125550100", "to": "+13125550199",
            "custom_parameters": { "stream_token": token },
            "media_format": { "encoding": "PCMU", "sample_rate": 8000, "channels": 1 }
        }
    });
    sink.send(Message::text(r#"{"event":"connected","version":"1.0.0"}"#))
        .await
        .unwrap();
    sink.send(Message::text(start.to_string())).await.unwrap();
    // 300 ms of line silence, the phrase, then silence, in 20 ms frames at real time.
    let mut audio = vec![0xFF_u8; 2400];
    audio.extend_from_slice(&phrase);
    audio.resize(audio.len() + 8 * 3000, 0xFF);
    let sender = tokio::spawn(async move {
        let mut tick = tokio::time::interval(ms(20));
        for (i, frame) in audio.chunks(160).enumerate() {
            tick.tick().await;
            let media = json!({
                "event": "media", "sequence_number": (i + 2).to_string(), "stream_id": "telnyx-stream-1",
                "media": { "track": "inbound", "chunk": (i + 1).to_string(), "timestamp": (i * 20).to_string(),
                           "payload": STANDARD.encode(frame) }
            });
            if sink.send(Message::text(media.to_string())).await.is_err() {
                break;
            }
        }
        sink
    });

    let mut heard = Vec::new();
    let mut marks = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    while heard.iter().filter(|b| **b != 0xFF).count() < phrase.len() / 2 {
        let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout_at(deadline, stream.next()).await
        else {
            break;
        };
        let frame: serde_json::Value = serde_json::from_str(&text).unwrap();
        match frame["event"].as_str() {
            Some("media") => heard.extend(
                STANDARD
                    .decode(frame["media"]["payload"].as_str().unwrap())
                    .unwrap(),
            ),
            Some("mark") => marks += 1,
            other => panic!("unexpected frame from the server: {other:?} in {text}"),
        }
    }
    let middle = &phrase[phrase.len() / 3..phrase.len() / 3 + 800];
    assert!(
        heard.windows(middle.len()).any(|w| w == middle),
        "the caller's words come back over Telnyx"
    );
    assert!(
        marks >= 1 || heard.len() >= phrase.len(),
        "audio is followed by marks"
    );

    let mut sink = sender.await.unwrap();
    let stop = json!({ "event": "stop", "sequence_number": "999", "stream_id": "telnyx-stream-1", "stop": { "call_control_id": "v3:test-call" } });
    sink.send(Message::text(stop.to_string())).await.ok();
    wait_until_no_live_sessions(&app).await;
}

switchboard_testkit::on_each_database!(
    a_telnyx_stream_round_trips_through_the_echo_agent,
    the_echo_agent_plays_back_what_the_caller_said,
    caller_speech_over_the_agent_clears_its_audio_within_150_ms,
    a_stream_without_a_valid_token_is_closed_with_a_reason,
    twilio_upgrades_must_be_signed_when_a_twilio_carrier_is_configured,
    malformed_oversized_and_out_of_order_messages_do_not_crash_the_server,
    a_dropped_socket_ends_the_session_and_frees_it,
);
