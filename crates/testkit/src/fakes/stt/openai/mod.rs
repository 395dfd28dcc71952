//! A fake OpenAI-compatible `POST /v1/audio/transcriptions` (digest §4.1): multipart with
//! `file` and `model` required, Bearer auth, OpenAI's error shape (§3.3). Each request is
//! answered with the next scripted text.

mod multipart;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use switchboard_audio::wav;

use crate::fakes::{FakeServer, Faults, Recorded, Recorder};

const FORMATS: &[&str] = &[
    "flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm",
];
const RESPONSE_FORMATS: &[&str] = &[
    "json",
    "text",
    "srt",
    "verbose_json",
    "vtt",
    "diarized_json",
];

/// What the fake answers.
#[derive(Debug, Clone, Default)]
pub struct TranscriptionsScript {
    /// `Some`: requests must carry `Authorization: Bearer <key>`. `None`: no auth, like a
    /// self-hosted Whisper server.
    pub api_key: Option<String>,
    /// The text of each request in turn; later requests get an empty text.
    pub texts: Vec<String>,
    /// `first_byte` delays every answer; `http_error` replaces it.
    pub faults: Faults,
}

struct Shared {
    script: TranscriptionsScript,
    recorder: Recorder,
    served: AtomicUsize,
}

/// A running fake.
pub struct FakeTranscriptions {
    server: FakeServer,
    recorder: Recorder,
}

impl FakeTranscriptions {
    pub async fn start(script: TranscriptionsScript) -> std::io::Result<Self> {
        Self::start_on(script, 0).await
    }

    pub async fn start_on(script: TranscriptionsScript, port: u16) -> std::io::Result<Self> {
        let recorder = Recorder::default();
        let shared = Arc::new(Shared {
            script,
            recorder: recorder.clone(),
            served: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/v1/audio/transcriptions", post(transcribe))
            .with_state(shared);
        Ok(Self {
            server: FakeServer::start(router, port).await?,
            recorder,
        })
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL an OpenAI client is configured with.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.server.http_url())
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}

/// OpenAI's error body.
fn error(
    status: StatusCode,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": param, "code": code}});
    (status, axum::Json(body)).into_response()
}

fn invalid(message: &str, param: Option<&str>) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        message,
        "invalid_request_error",
        param,
        None,
    )
}

async fn transcribe(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared
        .recorder
        .push(Recorded::http("POST", &uri, &headers, &body));
    let script = &shared.script;
    tokio::time::sleep(script.faults.first_byte).await;
    if let Some((status, body)) = script.faults.http_error.clone() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [("content-type", "application/json")], body).into_response();
    }
    if let Some(key) = &script.api_key {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match auth.strip_prefix("Bearer ") {
            None => {
                let message = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
                return error(
                    StatusCode::UNAUTHORIZED,
                    message,
                    "invalid_request_error",
                    None,
                    None,
                );
            }
            Some(given) if given != key => {
                let message = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.";
                return error(
                    StatusCode::UNAUTHORIZED,
                    message,
                    "invalid_request_error",
                    None,
                    Some("invalid_api_key"),
                );
            }
            Some(_) => {}
        }
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(boundary) = multipart::boundary(content_type) else {
        return invalid(
            "Invalid Content-Type header: expected multipart/form-data with a boundary.",
            None,
        );
    };
    let Some(parts) = multipart::parse(&body, &boundary) else {
        return invalid("Could not parse multipart form", None);
    };
    let field = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
    };
    let Some(model) = field("model").filter(|m| !m.is_empty()) else {
        return invalid("you must provide a model parameter", Some("model"));
    };
    let Some(file) = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.is_some())
    else {
        return invalid("you must provide a file parameter", Some("file"));
    };
    let filename = file.filename.clone().unwrap_or_default();
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let bad_format = || {
        invalid(
            &format!("Invalid file format. Supported formats: {FORMATS:?}"),
            Some("file"),
        )
    };
    if !FORMATS.contains(&extension.as_str()) {
        return bad_format();
    }
    let duration = if extension == "wav" {
        match wav::parse(&file.data) {
            Ok(w) => w.duration_ms() as f64 / 1000.0,
            Err(_) => return bad_format(),
        }
    } else {
        0.0
    };
    let format = field("response_format").unwrap_or_else(|| "json".into());
    if !RESPONSE_FORMATS.contains(&format.as_str()) {
        return invalid(
            &format!("Invalid response_format: {format}"),
            Some("response_format"),
        );
    }
    let gpt4o = model.starts_with("gpt-4o") || model.starts_with("gpt-transcribe");
    if gpt4o && format != "json" {
        return invalid(
            &format!(
                "response_format '{format}' is not compatible with model '{model}'. Use 'json'."
            ),
            Some("response_format"),
        );
    }
    let n = shared.served.fetch_add(1, Ordering::SeqCst);
    let text = script.texts.get(n).cloned().unwrap_or_default();
    let usage = if gpt4o {
        json!({"type": "tokens", "input_tokens": (duration * 10.0) as u64, "output_tokens": text.split_whitespace().count(), "total_tokens": (duration * 10.0) as u64 + text.split_whitespace().count() as u64})
    } else {
        json!({"type": "duration", "seconds": duration.ceil() as u64})
    };
    let request_id = [("x-request-id", format!("req_{}", ulid::Ulid::new()))];
    match format.as_str() {
        "text" => (StatusCode::OK, request_id, text).into_response(),
        "verbose_json" => {
            let words_wanted = parts
                .iter()
                .any(|p| p.name == "timestamp_granularities[]" && p.data == b"word");
            let mut body = json!({
                "task": "transcribe",
                "language": field("language").unwrap_or_else(|| "english".into()),
                "duration": duration,
                "text": text,
                "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": duration, "text": text}],
                "usage": usage,
            });
            if words_wanted {
                body["words"] = Value::Array(spread(&text, duration));
            }
            (StatusCode::OK, request_id, axum::Json(body)).into_response()
        }
        _ => (
            StatusCode::OK,
            request_id,
            axum::Json(json!({"text": text, "usage": usage})),
        )
            .into_response(),
    }
}

/// Words evenly over the file.
fn spread(text: &str, duration: f64) -> Vec<Value> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let step = if words.is_empty() {
        0.0
    } else {
        duration / words.len() as f64
    };
    words
        .iter()
        .enumerate()
        .map(|(i, w)| json!({"word": w, "start": step * i as f64, "end": step * (i + 1) as f64}))
        .collect()
}
