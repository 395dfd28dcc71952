//! What Deepgram checks before it transcribes (digest §1.1): the key, and the query's types.
//! Refusals are plain HTTP replies with a JSON body and a `dg-error` header [M for both].

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Encodings Deepgram accepts.
const ENCODINGS: &[&str] = &[
    "linear16", "linear32", "flac", "alaw", "mulaw", "amr-nb", "amr-wb", "opus", "ogg-opus",
    "speex", "g729",
];

/// Boolean parameters: only `true` or `false` is accepted.
const BOOLEANS: &[&str] = &[
    "interim_results",
    "punctuate",
    "smart_format",
    "numerals",
    "profanity_filter",
    "diarize",
    "dictation",
    "filler_words",
    "vad_events",
    "multichannel",
    "utterances",
    "paragraphs",
    "detect_language",
    "mip_opt_out",
];

/// A refusal, boxed: a `Response` is large for an `Err`.
pub(crate) type Refusal = Box<Response>;

/// The options the fake acts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Params {
    pub model: String,
    pub encoding: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: u32,
    pub interim_results: bool,
    /// `None`: endpointing turned off.
    pub endpointing_ms: Option<u32>,
    pub utterance_end_ms: Option<u32>,
    pub vad_events: bool,
}

/// Checks `Authorization: Token <key>` / `Bearer <key>`.
pub(crate) fn check_auth(headers: &HeaderMap, api_key: &str) -> Result<(), Refusal> {
    let value = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let presented = value
        .strip_prefix("Token ")
        .or_else(|| value.strip_prefix("Bearer "));
    match presented {
        Some(key) if key == api_key => Ok(()),
        _ => Err(Box::new(refuse(
            StatusCode::UNAUTHORIZED,
            "INVALID_AUTH",
            "Invalid credentials. Requires an Authorization header: Token <API_KEY>.",
        ))),
    }
}

/// Parses and checks the query; `live` requires a `sample_rate` with raw encodings.
pub(crate) fn check_query(query: &[(String, String)]) -> Result<Params, Refusal> {
    let get = |name: &str| {
        query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let bad = |message: String| Box::new(refuse(StatusCode::BAD_REQUEST, "Bad Request", &message));
    for (key, value) in query {
        if BOOLEANS.contains(&key.as_str()) && value != "true" && value != "false" {
            return Err(bad(format!(
                "Invalid value for {key}: expected true or false, got {value}"
            )));
        }
    }
    let flag = |name: &str| get(name) == Some("true");
    let Some(model) = get("model") else {
        return Err(bad("The model parameter is required.".into()));
    };
    let encoding = get("encoding").map(str::to_owned);
    if let Some(e) = &encoding
        && !ENCODINGS.contains(&e.as_str())
    {
        return Err(bad(format!("Unsupported encoding: {e}")));
    }
    let sample_rate = match get("sample_rate") {
        Some(v) => match v.parse::<u32>() {
            Ok(rate) if rate > 0 => Some(rate),
            _ => return Err(bad(format!("Invalid sample_rate: {v}"))),
        },
        None => None,
    };
    if encoding.is_some() && sample_rate.is_none() {
        return Err(bad("sample_rate is required when encoding is given".into()));
    }
    let channels = match get("channels") {
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => return Err(bad(format!("Invalid channels: {v}"))),
        },
        None => 1,
    };
    let endpointing_ms = match get("endpointing") {
        None | Some("true") => Some(10),
        Some("false") => None,
        Some(v) => match v.parse::<u32>() {
            Ok(ms) => Some(ms),
            Err(_) => return Err(bad(format!("Invalid endpointing: {v}"))),
        },
    };
    let utterance_end_ms = match get("utterance_end_ms") {
        None => None,
        Some(v) => match v.parse::<u32>() {
            Ok(ms) => Some(ms),
            Err(_) => return Err(bad(format!("Invalid utterance_end_ms: {v}"))),
        },
    };
    let interim_results = flag("interim_results");
    if utterance_end_ms.is_some() && !interim_results {
        return Err(bad("utterance_end_ms requires interim_results=true".into()));
    }
    Ok(Params {
        model: model.to_owned(),
        encoding,
        sample_rate,
        channels,
        interim_results,
        endpointing_ms,
        utterance_end_ms,
        vad_events: flag("vad_events"),
    })
}

/// A Deepgram-style refusal.
pub(crate) fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        json!({"err_code": code, "err_msg": message, "request_id": ulid::Ulid::new().to_string()});
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = message.parse() {
        response.headers_mut().insert("dg-error", value);
    }
    response
}

/// The `Faults::http_error` reply, if one is set.
pub(crate) fn injected(faults: &crate::fakes::Faults) -> Option<Response> {
    let (status, body) = faults.http_error.clone()?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Some((status, [("content-type", "application/json")], body).into_response())
}
