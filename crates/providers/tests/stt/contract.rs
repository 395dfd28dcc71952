//! The fakes refuse what the real services refuse, so a client bug cannot hide behind a
//! lenient fake. Raw requests, no client of ours.

use switchboard_testkit::fakes::stt::{
    DeepgramScript, FakeDeepgram, FakeTranscriptions, TranscriptionsScript,
};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::support::KEY;

const GOOD: &str = "model=nova-3&encoding=mulaw&sample_rate=8000&interim_results=true";

/// The HTTP status of a WebSocket upgrade to `path_and_query` with `auth`.
async fn upgrade_status(fake: &FakeDeepgram, path_and_query: &str, auth: Option<&str>) -> u16 {
    let mut request = format!("{}{path_and_query}", fake.ws_url())
        .into_client_request()
        .unwrap();
    if let Some(auth) = auth {
        request
            .headers_mut()
            .insert("authorization", auth.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => 101,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let status = response.status().as_u16();
            if status != 404 {
                let body: serde_json::Value =
                    serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
                assert!(body["err_msg"].is_string(), "{body}");
                assert!(response.headers().contains_key("dg-error"));
            }
            status
        }
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn deepgram_live_refuses_bad_auth_paths_and_parameters() {
    let fake = FakeDeepgram::start(DeepgramScript::new(KEY)).await.unwrap();
    let token = format!("Token {KEY}");
    let good = format!("/v1/listen?{GOOD}");
    assert_eq!(upgrade_status(&fake, &good, Some(&token)).await, 101);
    assert_eq!(
        upgrade_status(&fake, &good, Some(&format!("Bearer {KEY}"))).await,
        101
    );
    assert_eq!(upgrade_status(&fake, &good, None).await, 401);
    assert_eq!(upgrade_status(&fake, &good, Some("Token wrong")).await, 401);
    assert_eq!(
        upgrade_status(&fake, &good, Some(KEY)).await,
        401,
        "the scheme word is required"
    );
    assert_eq!(
        upgrade_status(&fake, &format!("/v2/listen?{GOOD}"), Some(&token)).await,
        404
    );
    for bad in [
        "encoding=mulaw&sample_rate=8000",               // no model
        "model=nova-3&encoding=mp3&sample_rate=8000",    // not a streaming encoding
        "model=nova-3&encoding=mulaw",                   // encoding without sample_rate
        "model=nova-3&encoding=mulaw&sample_rate=eight", // not an integer
        "model=nova-3&encoding=mulaw&sample_rate=8000&interim_results=yes",
        "model=nova-3&encoding=mulaw&sample_rate=8000&endpointing=soon",
        "model=nova-3&encoding=mulaw&sample_rate=8000&utterance_end_ms=1000", // needs interim_results
    ] {
        assert_eq!(
            upgrade_status(&fake, &format!("/v1/listen?{bad}"), Some(&token)).await,
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn deepgram_prerecorded_refuses_bad_requests() {
    let fake = FakeDeepgram::start(DeepgramScript::new(KEY)).await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/listen?model=nova-3", fake.http_url());
    let status = |r: reqwest::Response| r.status().as_u16();
    let no_auth = http.post(&url).body(vec![0u8; 10]).send().await.unwrap();
    assert_eq!(status(no_auth), 401);
    let auth = format!("Token {KEY}");
    let empty = http
        .post(&url)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(status(empty), 400);
    let garbage = http
        .post(&url)
        .header("authorization", &auth)
        .body(vec![1u8; 100])
        .send()
        .await
        .unwrap();
    assert_eq!(
        status(garbage),
        400,
        "headerless audio needs encoding and sample_rate"
    );
    let raw = http
        .post(format!("{url}&encoding=mulaw&sample_rate=8000"))
        .header("authorization", &auth)
        .body(vec![0xFFu8; 8000])
        .send()
        .await
        .unwrap();
    assert_eq!(status(raw), 200);
}

#[tokio::test]
async fn transcriptions_refuse_missing_auth_file_or_model() {
    let script = TranscriptionsScript {
        api_key: Some("sk-test".into()),
        ..Default::default()
    };
    let fake = FakeTranscriptions::start(script).await.unwrap();
    let url = format!("{}/audio/transcriptions", fake.base_url());
    let http = reqwest::Client::new();
    let form = |parts: &[(&str, Option<&str>, &[u8])]| {
        let mut body = Vec::new();
        for (name, filename, data) in parts {
            body.extend_from_slice(b"--B\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            body.push(b'"');
            if let Some(f) = filename {
                body.extend_from_slice(
                    format!("; filename=\"{f}\"\r\nContent-Type: audio/wav").as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--B--\r\n");
        body
    };
    let mut wav = Vec::new();
    switchboard_audio::wav::write_pcm16(8000, &[0; 800], &mut wav).unwrap();
    let send = |body: Vec<u8>, auth: Option<&'static str>| {
        let mut request = http
            .post(&url)
            .header("content-type", "multipart/form-data; boundary=B")
            .body(body);
        if let Some(a) = auth {
            request = request.header("authorization", a);
        }
        request.send()
    };
    let check = |r: reqwest::Response, status: u16, param: Option<&'static str>| async move {
        assert_eq!(r.status().as_u16(), status);
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["error"]["message"].is_string() && body["error"]["type"].is_string(),
            "{body}"
        );
        assert_eq!(body["error"]["param"].as_str(), param, "{body}");
    };
    let full = form(&[("file", Some("a.wav"), &wav), ("model", None, b"whisper-1")]);
    check(send(full.clone(), None).await.unwrap(), 401, None).await;
    let r = send(full.clone(), Some("Bearer sk-wrong")).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(
        send(full, Some("Bearer sk-test"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let no_file = form(&[("model", None, b"whisper-1")]);
    check(
        send(no_file, Some("Bearer sk-test")).await.unwrap(),
        400,
        Some("file"),
    )
    .await;
    let no_model = form(&[("file", Some("a.wav"), &wav)]);
    check(
        send(no_model, Some("Bearer sk-test")).await.unwrap(),
        400,
        Some("model"),
    )
    .await;
    let raw_ulaw = form(&[
        ("file", Some("a.ulaw"), &[0xFF; 100]),
        ("model", None, b"whisper-1"),
    ]);
    check(
        send(raw_ulaw, Some("Bearer sk-test")).await.unwrap(),
        400,
        Some("file"),
    )
    .await;
    let not_multipart = http
        .post(&url)
        .header("authorization", "Bearer sk-test")
        .json(&serde_json::json!({"model": "whisper-1"}));
    check(not_multipart.send().await.unwrap(), 400, None).await;
}
