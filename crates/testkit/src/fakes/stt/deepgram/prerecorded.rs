//! `POST /v1/listen` (digest §1.5): the recording in the body (a container such as WAV, or
//! raw audio named by `encoding` and `sample_rate`); one scripted text per utterance our VAD
//! finds, joined with spaces.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use switchboard_audio::g711;
use switchboard_audio::vad::{Vad, VadConfig, VadEvent};
use switchboard_audio::wav;

use super::Shared;
use super::handshake::{self, refuse};
use super::wire::ResultsMsg;
use crate::fakes::Recorded;

pub(crate) async fn transcribe(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared
        .recorder
        .push(Recorded::http("POST", &uri, &headers, &body));
    let script = &shared.script;
    tokio::time::sleep(script.faults.first_byte).await;
    if let Some(reply) = handshake::injected(&script.faults) {
        return reply;
    }
    if let Err(reply) = handshake::check_auth(&headers, &script.api_key) {
        return *reply;
    }
    let params = match handshake::check_query(&query) {
        Ok(params) => params,
        Err(reply) => return *reply,
    };
    let corrupt = || {
        refuse(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Bad Request: failed to process audio: corrupt or unsupported data",
        )
    };
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") {
        // {"url": ...}: the fake cannot fetch; it answers as if the URL held the script.
        let has_url = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .is_some_and(|v| v.get("url").is_some());
        if !has_url {
            return refuse(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                "Bad Request: the JSON body must have a url",
            );
        }
        return answer(&script.utterances.join(" "), 0.0);
    }
    if body.is_empty() {
        return corrupt();
    }
    let (pcm, rate) = match wav::parse(&body) {
        Ok(file) => (file.to_pcm16(), file.spec.sample_rate),
        Err(_) => match (params.encoding.as_deref(), params.sample_rate) {
            (Some("mulaw"), Some(rate)) => {
                let mut pcm = vec![0i16; body.len()];
                g711::decode_ulaw(&body, &mut pcm);
                (pcm, rate)
            }
            (Some("linear16"), Some(rate)) => (
                body.chunks_exact(2)
                    .map(|p| i16::from_le_bytes([p[0], p[1]]))
                    .collect(),
                rate,
            ),
            _ => return corrupt(),
        },
    };
    let Ok(mut vad) = Vad::new(VadConfig::new(rate)) else {
        return corrupt();
    };
    let mut segments = 0;
    vad.process(&pcm, |e| {
        segments += usize::from(matches!(e, VadEvent::SpeechStart { .. }))
    });
    let text: Vec<&str> = script
        .utterances
        .iter()
        .take(segments)
        .map(String::as_str)
        .collect();
    answer(&text.join(" "), pcm.len() as f64 / f64::from(rate))
}

fn answer(text: &str, duration: f64) -> Response {
    let request_id = ulid::Ulid::new().to_string();
    let alternative = ResultsMsg {
        text,
        start: 0.0,
        duration,
        is_final: true,
        speech_final: false,
        from_finalize: false,
        channels: 1,
        request_id: &request_id,
    }
    .to_json()["channel"]["alternatives"][0]
        .clone();
    let body = json!({
        "metadata": {
            "request_id": request_id,
            "created": super::wire::now_iso(),
            "duration": duration,
            "channels": 1,
            "models": ["00000000-0000-0000-0000-000000000000"],
            "model_info": {"00000000-0000-0000-0000-000000000000": {"name": "general-nova-3", "version": "fake", "arch": "nova-3"}},
        },
        "results": {"channels": [{"alternatives": [alternative]}]},
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}
