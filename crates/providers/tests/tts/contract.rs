//! The fakes refuse what the real services refuse, so a client bug cannot hide behind a
//! lenient fake. Raw HTTP and WebSocket requests, no client code of ours.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use switchboard_testkit::fakes::tts::{FAKE_KEY, FakeTts, FakeTtsConfig};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::elevenlabs::VOICE;

async fn post(url: String, headers: &[(&str, &str)], body: Value) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(url).json(&body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The status of a refused WebSocket upgrade (`None` when it was accepted).
async fn upgrade_status(url: String, headers: &[(&'static str, String)]) -> Option<u16> {
    let mut request = url.into_client_request().unwrap();
    for (k, v) in headers {
        request.headers_mut().insert(*k, v.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => None,
        Err(WsError::Http(response)) => Some(response.status().as_u16()),
        Err(other) => panic!("{other}"),
    }
}

#[tokio::test]
async fn elevenlabs_http_refuses_bad_requests() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let base = fake.http_url();
    let stream = |voice: &str, format: &str| {
        format!("{base}/v1/text-to-speech/{voice}/stream?output_format={format}")
    };
    let key = [("xi-api-key", FAKE_KEY)];
    let text = json!({"text": "Hello"});

    assert_eq!(
        post(stream(VOICE, "ulaw_8000"), &key, text.clone()).await.0,
        200
    );
    assert_eq!(
        post(stream(VOICE, "ulaw_8000"), &[], text.clone()).await.0,
        401,
        "missing key"
    );
    assert_eq!(
        post(
            stream(VOICE, "ulaw_8000"),
            &[("xi-api-key", "wrong")],
            text.clone()
        )
        .await
        .0,
        401,
        "wrong key"
    );
    assert_eq!(
        post(
            stream(VOICE, "ulaw_8000"),
            &[("authorization", &format!("Bearer {FAKE_KEY}"))],
            text.clone()
        )
        .await
        .0,
        401,
        "wrong header"
    );
    let (status, body) = post(
        stream(VOICE, "ulaw_8000"),
        &key,
        json!({"model_id": "eleven_flash_v2_5"}),
    )
    .await;
    assert_eq!(status, 422, "missing text");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "text"]));
    let (status, body) = post(stream("no-such-voice", "ulaw_8000"), &key, text.clone()).await;
    assert_eq!(
        (status, body["detail"]["status"].as_str()),
        (400, Some("voice_not_found"))
    );
    assert_eq!(
        post(stream(VOICE, "ulaw_16000"), &key, text.clone())
            .await
            .0,
        422,
        "unknown output_format"
    );
    assert_eq!(
        post(
            format!("{base}/v1/text-to-speech/{VOICE}"),
            &key,
            text.clone()
        )
        .await
        .0,
        404,
        "wrong path"
    );
    let voices = reqwest::Client::new()
        .get(format!("{base}/v1/voices"))
        .send()
        .await
        .unwrap();
    assert_eq!(voices.status().as_u16(), 401);
}

#[tokio::test]
async fn elevenlabs_websocket_refuses_bad_streams() {
    let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await.unwrap();
    let ws = fake.ws_url();
    let url = |format: &str| {
        format!(
            "{ws}/v1/text-to-speech/{VOICE}/stream-input?model_id=eleven_flash_v2_5&output_format={format}"
        )
    };
    assert_eq!(
        upgrade_status(url("ulaw_8000"), &[("xi-api-key", "wrong".into())]).await,
        Some(401)
    );
    assert_eq!(
        upgrade_status(url("nonsense"), &[("xi-api-key", FAKE_KEY.into())]).await,
        Some(422)
    );
    assert_eq!(
        upgrade_status(format!("{ws}/v1/text-to-speech/{VOICE}/stream-inputs"), &[]).await,
        Some(404)
    );

    // No key anywhere: an error report, then close 1008.
    let (mut socket, _) = tokio_tungstenite::connect_async(url("ulaw_8000"))
        .await
        .unwrap();
    socket
        .send(Message::text(json!({"text": " "}).to_string()))
        .await
        .unwrap();
    let Some(Ok(Message::Text(report))) = socket.next().await else {
        panic!()
    };
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["error"], "invalid_api_key");
    let Some(Ok(Message::Close(Some(frame)))) = socket.next().await else {
        panic!()
    };
    assert_eq!(u16::from(frame.code), 1008);

    // The first message must be a single space.
    let mut request = url("ulaw_8000").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("xi-api-key", FAKE_KEY.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::text(json!({"text": "Hello "}).to_string()))
        .await
        .unwrap();
    let Some(Ok(Message::Text(report))) = socket.next().await else {
        panic!()
    };
    assert_eq!(
        serde_json::from_str::<Value>(&report).unwrap()["error"],
        "invalid_input_message"
    );
}

#[tokio::test]
async fn openai_speech_refuses_bad_requests() {
    let fake = FakeTts::openai_speech(FakeTtsConfig::default())
        .await
        .unwrap();
    let url = format!("{}/v1/audio/speech", fake.http_url());
    let bearer = format!("Bearer {FAKE_KEY}");
    let auth = [("authorization", bearer.as_str())];
    let good = json!({"model": "gpt-4o-mini-tts", "input": "Hi", "voice": "marin", "response_format": "pcm"});
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        body
    };
    assert_eq!(post(url.clone(), &auth, good.clone()).await.0, 200);
    assert_eq!(
        post(url.clone(), &[], good.clone()).await.0,
        401,
        "missing key"
    );
    assert_eq!(
        post(
            url.clone(),
            &[("authorization", &format!("Token {FAKE_KEY}"))],
            good.clone()
        )
        .await
        .0,
        401,
        "wrong scheme"
    );
    assert_eq!(
        post(
            format!("{}/v1/audio/speak", fake.http_url()),
            &auth,
            good.clone()
        )
        .await
        .0,
        404,
        "wrong path"
    );
    let (status, body) = post(url.clone(), &auth, with("input", Value::Null)).await;
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("input"))
    );
    assert_eq!(
        post(url.clone(), &auth, with("voice", Value::Null)).await.0,
        400,
        "missing voice"
    );
    assert_eq!(
        post(url.clone(), &auth, with("voice", json!("robot")))
            .await
            .0,
        400,
        "unknown voice"
    );
    assert_eq!(
        post(url.clone(), &auth, with("response_format", json!("ulaw")))
            .await
            .0,
        400,
        "unknown format"
    );
    assert_eq!(
        post(url.clone(), &auth, with("input", json!("x".repeat(4097))))
            .await
            .0,
        400,
        "too long"
    );
    assert_eq!(
        post(url.clone(), &auth, with("model", json!("tts-2")))
            .await
            .0,
        404,
        "unknown model"
    );
    let mut tts1 = with("model", json!("tts-1"));
    tts1["instructions"] = json!("Warm.");
    assert_eq!(
        post(url.clone(), &auth, tts1).await.0,
        400,
        "instructions on tts-1"
    );
    assert_eq!(
        post(
            url.clone(),
            &auth,
            with("voice", json!({"id": "voice_abc"}))
        )
        .await
        .0,
        200,
        "custom voice"
    );
}

#[tokio::test]
async fn deepgram_aura_refuses_bad_handshakes() {
    let fake = FakeTts::deepgram_aura(FakeTtsConfig::default())
        .await
        .unwrap();
    let ws = fake.ws_url();
    let token = [("authorization", format!("Token {FAKE_KEY}"))];
    let url = |query: &str| format!("{ws}/v1/speak?{query}");
    assert_eq!(
        upgrade_status(
            url("model=aura-2-thalia-en&encoding=mulaw&sample_rate=8000"),
            &token
        )
        .await,
        None
    );
    assert_eq!(
        upgrade_status(
            url("model=aura-2-thalia-en&encoding=mulaw&sample_rate=8000"),
            &[("authorization", format!("Bearer {FAKE_KEY}"))]
        )
        .await,
        Some(401)
    );
    assert_eq!(
        upgrade_status(
            url("model=aura-2-thalia-en&encoding=mulaw&sample_rate=8000"),
            &[]
        )
        .await,
        Some(401)
    );
    assert_eq!(
        upgrade_status(url("model=aura-2-thalia-en&encoding=mp3"), &token).await,
        Some(400)
    );
    assert_eq!(
        upgrade_status(
            url("model=aura-2-thalia-en&encoding=mulaw&sample_rate=16000"),
            &token
        )
        .await,
        Some(400)
    );
    assert_eq!(
        upgrade_status(format!("{ws}/v1/speakers"), &token).await,
        Some(404)
    );
}
