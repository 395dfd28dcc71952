//! Telnyx's error replies, `{"errors":[{"code","title","detail"}]}`, as a [`CarrierError`].

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::carrier::{self, CarrierError};

/// A send refused because the recipient texted STOP (from Telnyx's opt-out guide; the HTTP
/// status that comes with it is not documented, so only the code is read).
pub(super) const OPTED_OUT: &str = "40300";

/// A Call Control command on a call that is over \[I: code 90018, "Call has already ended"\].
const CALL_ENDED: &str = "90018";

/// A non-2xx reply. `what` names the resource for a 404.
pub(super) fn from_status(
    carrier: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    what: &str,
) -> CarrierError {
    let carrier = carrier.to_owned();
    let (code, message) = first_error(body);
    match status {
        401 | 403 => CarrierError::Unauthorized { carrier },
        404 => CarrierError::NotFound {
            carrier,
            what: what.to_owned(),
        },
        429 => CarrierError::RateLimited {
            carrier,
            retry_after: carrier::retry_after(headers),
        },
        500.. => CarrierError::Unavailable {
            carrier,
            reason: format!("HTTP {status}: {message}"),
        },
        _ => CarrierError::Rejected {
            carrier,
            status,
            code,
            message,
        },
    }
}

/// Whether a refused Call Control command means the call is already over.
pub(super) fn call_is_over(error: &CarrierError) -> bool {
    match error {
        CarrierError::NotFound { .. } => true,
        CarrierError::Rejected {
            status: 422,
            code,
            message,
            ..
        } => code == CALL_ENDED || message.to_ascii_lowercase().contains("already ended"),
        _ => false,
    }
}

/// The first error's code and "title: detail"; an unexpected body is quoted (truncated).
fn first_error(body: &[u8]) -> (String, String) {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let Some(first) = json
        .as_ref()
        .and_then(|v| v.pointer("/errors/0"))
        .filter(|v| v.is_object())
    else {
        return (
            String::new(),
            carrier::truncate(&String::from_utf8_lossy(body)),
        );
    };
    let text = |name: &str| match first.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (title, detail) = (text("title"), text("detail"));
    let message = match (title.is_empty(), detail.is_empty()) {
        (false, false) => format!("{title}: {detail}"),
        (false, true) => title,
        _ => detail,
    };
    (text("code"), carrier::truncate(&message))
}

/// Removes the key from every text an error carries: a server may echo a header back.
pub(super) fn scrub(error: CarrierError, secret: &str) -> CarrierError {
    if secret.is_empty() {
        return error;
    }
    let clean = |text: String| text.replace(secret, "[redacted]");
    match error {
        CarrierError::Rejected {
            carrier,
            status,
            code,
            message,
        } => CarrierError::Rejected {
            carrier,
            status,
            code,
            message: clean(message),
        },
        CarrierError::Unavailable { carrier, reason } => CarrierError::Unavailable {
            carrier,
            reason: clean(reason),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str) -> CarrierError {
        from_status("t", status, &HeaderMap::new(), body.as_bytes(), "call c1")
    }

    #[test]
    fn statuses_map_to_kinds() {
        let body =
            r#"{"errors":[{"code":"10015","title":"Invalid value","detail":"to is invalid"}]}"#;
        assert!(matches!(
            map(422, body),
            CarrierError::Rejected { status: 422, ref code, ref message, .. }
                if code == "10015" && message == "Invalid value: to is invalid"
        ));
        assert!(matches!(map(401, ""), CarrierError::Unauthorized { .. }));
        assert!(matches!(map(403, ""), CarrierError::Unauthorized { .. }));
        assert!(
            matches!(map(404, ""), CarrierError::NotFound { ref what, .. } if what == "call c1")
        );
        assert!(
            matches!(map(502, "<html>"), CarrierError::Unavailable { ref reason, .. } if reason == "HTTP 502: <html>")
        );
    }

    #[test]
    fn an_ended_call_is_recognised_by_code_or_text() {
        let by_code = map(
            422,
            r#"{"errors":[{"code":90018,"title":"Call has already ended"}]}"#,
        );
        assert!(call_is_over(&by_code));
        let by_text = map(
            422,
            r#"{"errors":[{"code":"1","detail":"This call has already ended"}]}"#,
        );
        assert!(call_is_over(&by_text));
        assert!(!call_is_over(&map(422, r#"{"errors":[{"code":"10015"}]}"#)));
    }
}
