//! ElevenLabs over HTTP: streaming synthesis and the voice listing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::contract;
use crate::fakes::tts::http::{json_error, paced_body, validation_error};
use crate::fakes::tts::shared::{Shared, query_map};

pub(crate) async fn stream(
    State(shared): State<Arc<Shared>>,
    Path(voice_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = shared.record_http(&method, &uri, &headers, &body);
    if let Some(error) = shared.injected_error(n) {
        return error;
    }
    match contract::header_key(&shared, &headers) {
        Ok(true) => {}
        Ok(false) => {
            return json_error(
                401,
                json!({"detail": {"status": "needs_authorization", "message": "Missing xi-api-key header"}}),
            );
        }
        Err(response) => return *response,
    }
    let format = match contract::output_format(query_map(&uri).get("output_format")) {
        Ok(format) => format,
        Err(response) => return *response,
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return validation_error(&["body"], "Expecting value: invalid JSON");
    };
    let text = match request.get("text").and_then(Value::as_str) {
        Some(text) => text.trim().to_owned(),
        None => return validation_error(&["body", "text"], "field required"),
    };
    if text.is_empty() {
        return validation_error(&["body", "text"], "text must not be empty");
    }
    if let Err(response) = contract::voice(&shared, &voice_id) {
        return *response;
    }
    let config = &shared.config;
    let audio = format.render(
        text.chars().count() as u32 * config.ms_per_char,
        config.tone_hz,
    );
    let chunk = format.bytes_per_ms() * config.chunk_ms as usize;
    paced_body(
        shared.clone(),
        shared.faulty(n),
        audio,
        chunk,
        "audio/basic",
    )
}

pub(crate) async fn voices(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let n = shared.record_http(&method, &uri, &headers, &[]);
    if let Some(error) = shared.injected_error(n) {
        return error;
    }
    if !matches!(contract::header_key(&shared, &headers), Ok(true)) {
        return contract::invalid_key();
    }
    let voices: Vec<Value> = shared
        .config
        .voices
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({"voice_id": id, "name": format!("Fake voice {i}"), "category": "premade", "labels": {"accent": "american"},
                   "description": null, "preview_url": format!("https://example.invalid/{id}.mp3"), "settings": null, "samples": null})
        })
        .collect();
    axum::Json(json!({ "voices": voices })).into_response()
}

pub(crate) async fn not_found(
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    State(shared): State<Arc<Shared>>,
) -> Response {
    shared.record_http(&method, &uri, &headers, &[]);
    json_error(404, json!({"detail": "Not Found"}))
}
