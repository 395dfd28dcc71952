//! Turning what went wrong into a typed [`ProviderError`] (§3.3), deciding whether the same
//! model may be tried again, and keeping the key out of every message.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::ProviderError;

/// A failed attempt: the error, and whether trying the same model again is safe and useful.
#[derive(Debug)]
pub(super) struct Failure {
    pub error: ProviderError,
    pub retry: bool,
    /// The server's hint for when to come back.
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn fatal(error: ProviderError) -> Self {
        Self {
            error,
            retry: false,
            retry_after: None,
        }
    }
}

/// Longest provider text kept in an error.
const MAX_MESSAGE: usize = 300;

fn truncate(text: &str) -> String {
    let mut end = text.len().min(MAX_MESSAGE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim().to_owned()
}

/// The `error.message` of an OpenAI-shaped body, or the start of whatever else it is.
fn message_of(body: &[u8]) -> String {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    match json.as_ref().and_then(|v| v.get("error")) {
        Some(Value::Object(error)) => {
            truncate(error.get("message").and_then(Value::as_str).unwrap_or(""))
        }
        Some(Value::String(text)) => truncate(text),
        _ => truncate(&String::from_utf8_lossy(body)),
    }
}

/// What the headers say (`retry-after-ms`, `retry-after` in seconds or as a date), else
/// Groq's "try again in 5.289s" in the message \[D\].
fn retry_after(headers: &HeaderMap, message: &str) -> Option<Duration> {
    crate::retry_after::retry_after(headers).or_else(|| {
        hint_in_message(message)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
    })
}

fn hint_in_message(message: &str) -> Option<f64> {
    let rest = &message[message.find("try again in ")? + "try again in ".len()..];
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let value: f64 = number.parse().ok()?;
    let unit = &rest[number.len()..];
    if unit.starts_with("ms") {
        Some(value / 1000.0)
    } else if unit.starts_with('s') {
        Some(value)
    } else {
        None
    }
}

/// A non-2xx answer.
pub(super) fn from_status(
    provider: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Failure {
    let message = message_of(body);
    let retry_after = retry_after(headers, &message);
    let error = ProviderError::from_http_status(provider, status, retry_after, message);
    let mut retry = matches!(status, 408 | 409 | 429 | 500..);
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => retry = true,
        Some("false") => retry = false,
        _ => {}
    }
    Failure {
        error,
        retry,
        retry_after,
    }
}

/// An `{"error": …}` object inside a 200 stream or body.
pub(super) fn from_stream_error(provider: &'static str, error: &Value) -> ProviderError {
    let field = |name: &str| error.get(name).and_then(Value::as_str).unwrap_or("");
    let message = match error {
        Value::String(text) => truncate(text),
        _ => truncate(field("message")),
    };
    if field("code") == "rate_limit_exceeded" || matches!(field("type"), "requests" | "tokens") {
        let retry_after = hint_in_message(&message).map(Duration::from_secs_f64);
        ProviderError::RateLimited {
            provider,
            retry_after,
        }
    } else {
        ProviderError::Upstream {
            provider,
            message: format!("error in stream: {message}"),
        }
    }
}

/// A transport failure; `connect` is the configured connect timeout, for the report.
pub(super) fn from_transport(
    provider: &'static str,
    error: &reqwest::Error,
    connect: Duration,
) -> Failure {
    if error.is_connect() && error.is_timeout() {
        let error = ProviderError::Timeout {
            provider,
            phase: crate::error::Phase::Connect,
            after: connect,
        };
        return Failure {
            error,
            retry: true,
            retry_after: None,
        };
    }
    // reqwest's own text names the URL; say what kind of failure it was, then its causes.
    let mut message = error_kind(error);
    let mut source = std::error::Error::source(error);
    while let Some(current) = source {
        message.push_str(": ");
        message.push_str(&current.to_string());
        source = current.source();
    }
    let message = truncate(&message);
    Failure {
        error: ProviderError::Upstream { provider, message },
        retry: true,
        retry_after: None,
    }
}

fn error_kind(error: &reqwest::Error) -> String {
    if error.is_connect() {
        "could not connect".into()
    } else if error.is_body() || error.is_decode() {
        "connection lost mid-reply".into()
    } else {
        "request failed".into()
    }
}

/// Removes `secret` from every message an error carries: a provider may echo the key back.
pub(super) fn scrub(error: ProviderError, secret: Option<&str>) -> ProviderError {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return error;
    };
    let clean = |text: String| text.replace(secret, "[redacted]");
    match error {
        ProviderError::BadRequest {
            provider,
            status,
            message,
        } => ProviderError::BadRequest {
            provider,
            status,
            message: clean(message),
        },
        ProviderError::Upstream { provider, message } => ProviderError::Upstream {
            provider,
            message: clean(message),
        },
        ProviderError::Protocol { provider, message } => ProviderError::Protocol {
            provider,
            message: clean(message),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn statuses_map_to_types() {
        let body = br#"{"error":{"message":"bad temperature","type":"invalid_request_error","param":"temperature","code":null}}"#;
        let failure = from_status("p", 400, &HeaderMap::new(), body);
        assert!(!failure.retry);
        assert!(
            matches!(failure.error, ProviderError::BadRequest { status: 400, ref message, .. } if message == "bad temperature")
        );
        assert!(matches!(
            from_status("p", 403, &HeaderMap::new(), b"").error,
            ProviderError::Auth { status: 403, .. }
        ));
        let server = from_status("p", 503, &HeaderMap::new(), b"<html>down</html>");
        assert!(server.retry && matches!(server.error, ProviderError::Upstream { .. }));
        assert!(!from_status("p", 500, &headers(&[("x-should-retry", "false")]), b"").retry);
    }

    #[test]
    fn retry_after_sources_in_order() {
        let ms = from_status(
            "p",
            429,
            &headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
            b"",
        );
        assert_eq!(ms.retry_after, Some(Duration::from_millis(1500)));
        let secs = from_status("p", 429, &headers(&[("retry-after", "2")]), b"");
        assert!(
            matches!(secs.error, ProviderError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(2))
        );
        let groq = br#"{"error":{"message":"Rate limit reached. Please try again in 5.289s. Visit","type":"tokens","code":"rate_limit_exceeded"}}"#;
        assert_eq!(
            from_status("p", 429, &HeaderMap::new(), groq).retry_after,
            Some(Duration::from_secs_f64(5.289))
        );
        assert_eq!(
            from_status(
                "p",
                429,
                &headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]),
                b""
            )
            .retry_after,
            Some(Duration::ZERO),
            "an HTTP date already past: retry now"
        );
    }

    #[test]
    fn scrub_removes_the_key() {
        let error = ProviderError::BadRequest {
            provider: "p",
            status: 400,
            message: "key sk-secret is bad".into(),
        };
        assert!(
            !scrub(error, Some("sk-secret"))
                .to_string()
                .contains("sk-secret")
        );
    }
}
