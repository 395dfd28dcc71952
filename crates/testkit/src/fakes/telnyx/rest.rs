//! The one HTTP handler: record, check the key, then route `/v2/…` by method and path.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{Shared, calls, messages, numbers};
use crate::fakes::Recorded;

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// A refusal in Telnyx's shape, answered to every request while set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: String,
    pub title: String,
    /// Sent as `retry-after` (seconds).
    pub retry_after: Option<u64>,
}

impl Refusal {
    pub fn new(status: u16, code: &str, title: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            title: title.to_owned(),
            retry_after: None,
        }
    }

    fn response(&self) -> Response {
        let mut response = error(self.status, &self.code, &self.title, "", None);
        if let Some(seconds) = self.retry_after {
            let value = seconds
                .to_string()
                .parse()
                .expect("digits are a header value");
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared
        .recorder
        .push(Recorded::http(method.as_str(), &uri, &headers, &body));
    let expected = format!("Bearer {}", shared.config.api_key);
    let authorized = headers
        .get("authorization")
        .is_some_and(|value| value.as_bytes() == expected.as_bytes());
    if !authorized {
        return error(
            401,
            "10009",
            "Authentication failed",
            "Could not understand the provided credentials.",
            None,
        );
    }
    let refusal = shared.knobs.lock().expect("knobs lock").refusal.clone();
    if let Some(refusal) = refusal {
        return refusal.response();
    }
    let segments: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["recordings", file]) => calls::recording(&shared, file),
        ("POST", ["v2", "calls"]) => with_json(&body, |b| calls::dial(&shared, b)),
        ("POST", ["v2", "calls", id, "actions", action]) => {
            with_json(&body, |b| calls::action(&shared, id, action, b))
        }
        ("GET", ["v2", "available_phone_numbers"]) => numbers::search(&shared, &query),
        ("POST", ["v2", "number_orders"]) => with_json(&body, |b| numbers::order(&shared, b)),
        ("GET", ["v2", "phone_numbers"]) => numbers::list(&shared, &query),
        ("PATCH", ["v2", "phone_numbers", id]) => {
            with_json(&body, |b| numbers::update(&shared, id, b, "connection_id"))
        }
        ("PATCH", ["v2", "phone_numbers", id, "messaging"]) => with_json(&body, |b| {
            numbers::update(&shared, id, b, "messaging_profile_id")
        }),
        ("DELETE", ["v2", "phone_numbers", id]) => numbers::delete(&shared, id),
        ("POST", ["v2", "messages"]) => with_json(&body, |b| messages::send(&shared, b)),
        _ => not_found("resource"),
    }
}

/// Parses the body as a JSON object, or answers 422 as Telnyx does.
fn with_json(body: &[u8], then: impl FnOnce(&Map<String, Value>) -> Response) -> Response {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => then(&object),
        _ => invalid("", "The request body must be a JSON object."),
    }
}

pub(super) fn json_reply(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `{"errors":[{"code","title","detail","source":{"pointer"}}]}`.
pub(super) fn error(
    status: u16,
    code: &str,
    title: &str,
    detail: &str,
    pointer: Option<&str>,
) -> Response {
    let mut entry = json!({"code": code, "title": title, "detail": detail});
    if let Some(pointer) = pointer {
        entry["source"] = json!({"pointer": pointer});
    }
    json_reply(status, json!({"errors": [entry]}))
}

/// A 422 about the body field `field` (`""` for the whole body) \[I: code 10015\].
pub(super) fn invalid(field: &str, detail: &str) -> Response {
    let pointer = format!("/{field}");
    error(
        422,
        "10015",
        "Invalid value",
        detail,
        (!field.is_empty()).then_some(pointer.as_str()),
    )
}

/// \[I: code 10005\].
pub(super) fn not_found(what: &str) -> Response {
    error(
        404,
        "10005",
        "Resource not found",
        &format!("The requested {what} was not found."),
        None,
    )
}

/// `field` as a string, if present.
pub(super) fn text<'a>(body: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// `+` and 8 to 15 digits.
pub(super) fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
