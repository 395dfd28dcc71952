//! Fake OpenAI `POST /v1/audio/speech` (digest §4.2): `pcm` is 24 kHz s16le mono, streamed
//! in chunks of an odd byte count (as real HTTP chunking may split a sample).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use super::audio::AudioFormat;
use super::http::{json_error, openai_error, paced_body};
use super::shared::Shared;

const MODELS: [&str; 4] = [
    "tts-1",
    "tts-1-hd",
    "gpt-4o-mini-tts",
    "gpt-4o-mini-tts-2025-12-15",
];
const VOICES: [&str; 13] = [
    "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse",
    "marin", "cedar",
];
const FORMATS: [&str; 6] = ["mp3", "opus", "aac", "flac", "wav", "pcm"];
const PCM_RATE: u32 = 24_000;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/audio/speech", post(speech))
        .fallback(not_found)
        .with_state(shared)
}

async fn not_found(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    shared.record_http(&method, &uri, &headers, &[]);
    openai_error(
        404,
        &format!("Invalid URL ({method} {})", uri.path()),
        None,
        None,
    )
}

async fn speech(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = shared.record_http(&method, &uri, &headers, &body);
    if let Some(error) = shared.injected_error(n) {
        return error;
    }
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match presented {
        None => {
            return openai_error(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
                None,
                None,
            );
        }
        // The real service echoes (a masked form of) the key it was given: clients must not
        // pass such messages on verbatim.
        Some(key) if key != shared.config.api_key => {
            return openai_error(
                401,
                &format!("Incorrect API key provided: {key}."),
                None,
                Some("invalid_api_key"),
            );
        }
        Some(_) => {}
    }
    let request = match serde_json::from_slice::<Value>(&body) {
        Ok(request) => request,
        Err(_) => {
            return openai_error(
                400,
                "We could not parse the JSON body of your request.",
                None,
                None,
            );
        }
    };
    let (audio, content_type) = match validate(&request) {
        Ok(text_and_format) => render(&shared, text_and_format),
        Err(response) => return *response,
    };
    // An odd chunk size: every other chunk boundary splits a sample.
    let chunk = AudioFormat::Pcm(PCM_RATE).bytes_per_ms() * shared.config.chunk_ms as usize + 1;
    paced_body(shared.clone(), shared.faulty(n), audio, chunk, content_type)
}

/// The request's text and whether it wants WAV (else PCM), or the real service's 4xx.
fn validate(request: &Value) -> Result<(String, bool), Box<Response>> {
    let missing = |param: &str| {
        Box::new(openai_error(
            400,
            &format!("Missing required parameter: '{param}'."),
            Some(param),
            Some("missing_required_parameter"),
        ))
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("model"))?;
    if !MODELS.contains(&model) {
        return Err(Box::new(json_error(
            404,
            json!({"error": {"message": format!("The model `{model}` does not exist or you do not have access to it."), "type": "invalid_request_error", "param": null, "code": "model_not_found"}}),
        )));
    }
    let input = request
        .get("input")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("input"))?;
    if input.trim().is_empty() {
        return Err(Box::new(openai_error(
            400,
            "Invalid 'input': empty string.",
            Some("input"),
            Some("empty_string"),
        )));
    }
    if input.chars().count() > 4096 {
        return Err(Box::new(openai_error(
            400,
            "Invalid 'input': string too long. Expected a string with maximum length 4096.",
            Some("input"),
            Some("string_above_max_length"),
        )));
    }
    match request.get("voice") {
        None => return Err(missing("voice")),
        Some(Value::String(voice)) if VOICES.contains(&voice.as_str()) => {}
        Some(Value::Object(custom))
            if custom
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.starts_with("voice_")) => {}
        Some(_) => {
            return Err(Box::new(openai_error(
                400,
                "Invalid value for 'voice'.",
                Some("voice"),
                Some("invalid_value"),
            )));
        }
    }
    let format = request
        .get("response_format")
        .and_then(Value::as_str)
        .unwrap_or("mp3");
    if !FORMATS.contains(&format) {
        return Err(Box::new(openai_error(
            400,
            &format!("Invalid value for 'response_format': '{format}'."),
            Some("response_format"),
            Some("invalid_value"),
        )));
    }
    if format != "pcm" && format != "wav" {
        return Err(Box::new(openai_error(
            400,
            &format!("the fake serves pcm and wav only, not {format}"),
            Some("response_format"),
            None,
        )));
    }
    if let Some(speed) = request.get("speed")
        && !speed.as_f64().is_some_and(|s| (0.25..=4.0).contains(&s))
    {
        return Err(Box::new(openai_error(
            400,
            "Invalid 'speed': must be between 0.25 and 4.0.",
            Some("speed"),
            Some("invalid_value"),
        )));
    }
    if request.get("instructions").is_some() && model.starts_with("tts-1") {
        return Err(Box::new(openai_error(
            400,
            "Instructions are not supported for tts-1 models.",
            Some("instructions"),
            None,
        )));
    }
    Ok((input.trim().to_owned(), format == "wav"))
}

fn render(shared: &Shared, (text, wav): (String, bool)) -> (Vec<u8>, &'static str) {
    let ms = text.chars().count() as u32 * shared.config.ms_per_char;
    let pcm = AudioFormat::Pcm(PCM_RATE).render(ms, shared.config.tone_hz);
    if !wav {
        return (pcm, "audio/pcm");
    }
    let samples: Vec<i16> = pcm
        .chunks_exact(2)
        .map(|p| i16::from_le_bytes([p[0], p[1]]))
        .collect();
    let mut out = Vec::new();
    switchboard_audio::wav::write_pcm16(PCM_RATE, &samples, &mut out)
        .expect("a short mono PCM16 WAV writes");
    (out, "audio/wav")
}
