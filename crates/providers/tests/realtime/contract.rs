//! The fake refuses what the service refuses, so a client bug cannot hide behind a lenient
//! fake. Raw WebSocket requests, no client of ours.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use switchboard_testkit::fakes::realtime::{FAKE_REALTIME_KEY, FakeRealtime, RealtimeScript};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Upgrades to `path_and_query` with `auth`: the socket, or the HTTP status and body.
async fn upgrade(
    fake: &FakeRealtime,
    path_and_query: &str,
    auth: Option<&str>,
) -> Result<Socket, (u16, Value)> {
    let mut request = format!("{}{path_and_query}", fake.ws_url())
        .into_client_request()
        .unwrap();
    if let Some(auth) = auth {
        request
            .headers_mut()
            .insert("authorization", auth.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(Error::Http(response)) => {
            let body = response
                .body()
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            Err((response.status().as_u16(), body))
        }
        Err(e) => panic!("{e}"),
    }
}

fn bearer() -> String {
    format!("Bearer {FAKE_REALTIME_KEY}")
}

#[tokio::test]
async fn the_upgrade_needs_the_path_the_model_and_a_bearer_key() {
    let fake = FakeRealtime::start(RealtimeScript::default())
        .await
        .unwrap();
    let good = "/v1/realtime?model=gpt-realtime";
    assert!(upgrade(&fake, good, Some(&bearer())).await.is_ok());

    for auth in [None, Some("Bearer sk-wrong"), Some(FAKE_REALTIME_KEY)] {
        let (status, body) = upgrade(&fake, good, auth).await.expect_err("refused");
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(body["error"]["code"], "invalid_api_key");
    }
    let token = format!("Token {FAKE_REALTIME_KEY}");
    assert_eq!(
        upgrade(&fake, good, Some(&token))
            .await
            .expect_err("refused")
            .0,
        401
    );
    let (status, _) = upgrade(&fake, "/v1/realtimes?model=gpt-realtime", Some(&bearer()))
        .await
        .expect_err("wrong path");
    assert_eq!(status, 404);
    let (status, body) = upgrade(&fake, "/v1/realtime", Some(&bearer()))
        .await
        .err()
        .unwrap();
    assert_eq!(status, 400);
    assert_eq!(body["error"]["param"], "model");
}

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        match socket.next().await.expect("open").expect("readable") {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            _ => continue,
        }
    }
}

/// Sends `event` and returns the server's answer.
async fn answer_to(socket: &mut Socket, event: &str) -> Value {
    socket.send(Message::text(event)).await.unwrap();
    next_json(socket).await
}

fn assert_refused(answer: &Value, code: &str, param: Option<&str>) {
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(answer["error"]["type"], "invalid_request_error", "{answer}");
    assert_eq!(answer["error"]["code"], code, "{answer}");
    if let Some(param) = param {
        assert_eq!(answer["error"]["param"], param, "{answer}");
    }
}

#[tokio::test]
async fn bad_events_are_refused_with_an_error_event_and_the_session_goes_on() {
    let fake = FakeRealtime::start(RealtimeScript::default())
        .await
        .unwrap();
    let mut socket = upgrade(&fake, "/v1/realtime?model=gpt-realtime", Some(&bearer()))
        .await
        .unwrap();
    let created = next_json(&mut socket).await;
    assert_eq!(created["type"], "session.created");
    assert_eq!(created["session"]["model"], "gpt-realtime");

    let unknown = answer_to(
        &mut socket,
        r#"{"type":"input_audio_buffer.push","event_id":"e1"}"#,
    )
    .await;
    assert_refused(&unknown, "invalid_value", Some("type"));
    assert_eq!(unknown["error"]["event_id"], "e1");
    let not_base64 = answer_to(
        &mut socket,
        r#"{"type":"input_audio_buffer.append","audio":"%%%"}"#,
    )
    .await;
    assert_refused(&not_base64, "invalid_value", Some("audio"));
    let mp3 = json!({"type": "session.update", "session": {"type": "realtime",
        "audio": {"input": {"format": {"type": "audio/mpeg"}}}}});
    let refused = answer_to(&mut socket, &mp3.to_string()).await;
    assert_refused(
        &refused,
        "invalid_value",
        Some("session.audio.input.format.type"),
    );
    let beta = json!({"type": "session.update", "session": {"type": "realtime",
        "input_audio_format": "g711_ulaw"}});
    let refused = answer_to(&mut socket, &beta.to_string()).await;
    assert_refused(
        &refused,
        "unknown_parameter",
        Some("session.input_audio_format"),
    );
    let untyped = json!({"type": "session.update", "session": {"instructions": "hi"}});
    let refused = answer_to(&mut socket, &untyped.to_string()).await;
    assert_refused(&refused, "missing_required_parameter", Some("session.type"));
    let idle_cancel = answer_to(&mut socket, r#"{"type":"response.cancel"}"#).await;
    assert_refused(&idle_cancel, "response_cancel_not_active", None);
    let stray = json!({"type": "conversation.item.truncate", "item_id": "item_x",
        "content_index": 0, "audio_end_ms": 10});
    assert_refused(
        &answer_to(&mut socket, &stray.to_string()).await,
        "invalid_value",
        Some("item_id"),
    );
    let unknown_call = json!({"type": "conversation.item.create", "item": {
        "type": "function_call_output", "call_id": "call_x", "output": "{}"}});
    assert_refused(
        &answer_to(&mut socket, &unknown_call.to_string()).await,
        "invalid_value",
        Some("item.call_id"),
    );

    let good = json!({"type": "session.update", "session": {"type": "realtime",
        "audio": {"input": {"format": {"type": "audio/pcmu"}},
                  "output": {"format": {"type": "audio/pcmu"}, "voice": "cedar"}}}});
    let updated = answer_to(&mut socket, &good.to_string()).await;
    assert_eq!(updated["type"], "session.updated");
    assert_eq!(updated["session"]["audio"]["output"]["voice"], "cedar");
    assert_eq!(
        updated["session"]["audio"]["input"]["turn_detection"]["type"],
        "server_vad"
    );
    assert_eq!(
        fake.client_events().len(),
        9,
        "every client event is recorded"
    );
}
