//! Twilio's answers as [`CarrierError`]s. Messages name the account, never its token.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde_json::Value;

use crate::carrier::CarrierError;

/// Twilio's authentication failure.
const AUTH_FAILED: i64 = 20003;
/// The recipient texted STOP to this number.
pub(super) const OPTED_OUT: &str = "21610";

/// `{"code": 20404, "message": "...", "more_info": "...", "status": 404}`.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    code: Option<Value>,
    message: Option<String>,
}

pub(super) fn from_status(
    carrier: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    what: &str,
) -> CarrierError {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let code = match &parsed.code {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let carrier = carrier.to_owned();
    if status == 401 || code == Some(AUTH_FAILED) {
        return CarrierError::Unauthorized { carrier };
    }
    match status {
        404 => CarrierError::NotFound {
            carrier,
            what: what.to_owned(),
        },
        429 => CarrierError::RateLimited {
            carrier,
            retry_after: retry_after(headers, Timestamp::now()),
        },
        500.. => CarrierError::Unavailable {
            carrier,
            reason: format!("HTTP {status}"),
        },
        _ => CarrierError::Rejected {
            carrier,
            status,
            code: code.map(|c| c.to_string()).unwrap_or_default(),
            message: parsed
                .message
                .unwrap_or_else(|| format!("HTTP {status} on {what}")),
        },
    }
}

pub(super) fn from_transport(carrier: &str, error: reqwest::Error) -> CarrierError {
    let reason = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        error.without_url().to_string()
    };
    CarrierError::Unavailable {
        carrier: carrier.to_owned(),
        reason,
    }
}

/// `Retry-After` as seconds or an HTTP date (RFC 9110), as `providers` reads it.
fn retry_after(headers: &HeaderMap, now: Timestamp) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    match value.parse::<f64>() {
        Ok(seconds) => Duration::try_from_secs_f64(seconds).ok(),
        Err(_) => {
            let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
            Duration::try_from(at.duration_since(now).max(SignedDuration::ZERO)).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("retry-after", HeaderValue::from_str(retry_after).unwrap());
        map
    }

    fn error(status: u16, body: &str) -> CarrierError {
        from_status(
            "acme",
            status,
            &HeaderMap::new(),
            body.as_bytes(),
            "call CA1",
        )
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now: Timestamp = "2026-11-21T18:00:00Z".parse().unwrap();
        let read = |v: &str| retry_after(&headers(v), now);
        assert_eq!(read("2"), Some(Duration::from_secs(2)));
        assert_eq!(
            read("Sat, 21 Nov 2026 18:00:30 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(read("Sat, 21 Nov 2026 17:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(read("later"), None);
    }

    #[test]
    fn statuses_and_codes_map_to_carrier_errors() {
        assert!(matches!(error(401, ""), CarrierError::Unauthorized { .. }));
        assert!(matches!(
            error(403, r#"{"code": 20003, "message": "Authenticate"}"#),
            CarrierError::Unauthorized { .. }
        ));
        assert!(
            matches!(error(404, r#"{"code": 20404}"#), CarrierError::NotFound { what, .. } if what == "call CA1")
        );
        assert!(matches!(
            error(503, "<html>"),
            CarrierError::Unavailable { .. }
        ));
        match error(
            400,
            r#"{"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}"#,
        ) {
            CarrierError::Rejected {
                status,
                code,
                message,
                ..
            } => {
                assert_eq!((status, code.as_str()), (400, "21211"));
                assert_eq!(message, "Invalid 'To' Phone Number");
            }
            other => panic!("{other:?}"),
        }
        let limited = from_status("acme", 429, &headers("3"), b"{}", "x");
        assert!(matches!(
            limited,
            CarrierError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3)
        ));
    }
}
