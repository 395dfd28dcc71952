//! Twilio's wire conventions: form bodies, JSON errors, RFC 2822 dates, E.164 numbers.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

/// `ApiVersion` on every webhook and resource.
pub(super) const API_VERSION: &str = "2010-04-01";

/// A decoded form, repeated keys kept in order.
#[derive(Debug, Clone, Default)]
pub(super) struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Self {
        Form(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Twilio booleans: `true`/`false`, case-insensitive.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// Twilio's error body with its HTTP status.
pub(super) fn error(status: u16, code: u32, message: impl Into<String>) -> Response {
    let body = json!({
        "code": code,
        "message": message.into(),
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status,
    });
    json_response(status, &body)
}

/// 404 `20404` for `path`.
pub(super) fn not_found(path: &str) -> Response {
    error(
        404,
        20404,
        format!("The requested resource {path} was not found"),
    )
}

pub(super) fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// `Thu, 30 Jul 2015 23:19:04 +0000`.
pub(super) fn rfc2822(at: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&at.to_zoned(TimeZone::UTC)).unwrap_or_default()
}

/// `+` and 8 to 15 digits, the first not 0.
pub(super) fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// `(415) 555-0100` for a NANP number; other numbers as given.
pub(super) fn formatted(number: &str) -> String {
    match number.strip_prefix("+1") {
        Some(d) if d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit()) => {
            format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
        }
        _ => number.to_owned(),
    }
}

/// SMS segments: 160 GSM characters in one, 153 per part after; 70 and 67 for UCS-2.
pub(super) fn segments(body: &str) -> u32 {
    let gsm = body
        .chars()
        .all(|c| c.is_ascii() && (c >= ' ' || c == '\n' || c == '\r'));
    let chars = body.encode_utf16().count();
    let (single, part) = if gsm { (160, 153) } else { (70, 67) };
    if chars <= single {
        1
    } else {
        chars.div_ceil(part) as u32
    }
}

/// Seconds, to the nearest.
pub(super) fn whole_seconds(duration: std::time::Duration) -> u64 {
    ((duration.as_millis() + 500) / 1000) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_conventions() {
        let at: Timestamp = "2015-07-30T23:19:04Z".parse().unwrap();
        assert_eq!(rfc2822(at), "Thu, 30 Jul 2015 23:19:04 +0000");
        assert!(is_e164("+14155550100"));
        for bad in ["4155550100", "+0155550100", "+1415555", "+1415abc0100", ""] {
            assert!(!is_e164(bad), "{bad}");
        }
        assert_eq!(formatted("+14155550100"), "(415) 555-0100");
        assert_eq!(formatted("+447700900123"), "+447700900123");
        assert_eq!(segments("hi"), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments("é"), 1);
        assert_eq!(segments(&"é".repeat(71)), 2);
        let form = Form::parse(b"A=1&B=x+y&A=2&C=%2B1");
        assert_eq!(form.all("A"), ["1", "2"]);
        assert_eq!(form.get("B"), Some("x y"));
        assert_eq!(form.get("C"), Some("+1"));
    }
}
