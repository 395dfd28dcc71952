//! Realtime failures as [`ProviderError`]s. The `error` event (digest §5.4) leaves the
//! session open and becomes [`RealtimeEvent::Error`](super::RealtimeEvent::Error); a close
//! frame or a broken connection ends the stream. Messages pass through the key's redaction.

use serde::Deserialize;
use tokio_tungstenite::tungstenite::Error as WsError;

use super::config::PROVIDER;
use crate::ProviderError;
use crate::tts::ApiKey;
use crate::tts::errors::truncate;
use crate::tts::ws;

/// The `error` object of an `error` event.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// By the error's `type` and `code`: refused keys are auth errors, rate limits are rate
/// limits, `server_error` is the provider's trouble; anything else is a request we got wrong.
/// The type and code names beyond `invalid_request_error` are not in the digest, so unknown
/// ones fall to the request side, which is never retried.
pub(crate) fn from_error_event(error: &ErrorBody, key: &ApiKey) -> ProviderError {
    let code = error.code.as_deref().unwrap_or_default();
    let kind = error.kind.as_deref().unwrap_or_default();
    let text = error.message.as_deref().unwrap_or("no message");
    let message = truncate(key.redact(&if code.is_empty() {
        text.to_owned()
    } else {
        format!("{code}: {text}")
    }));
    if kind == "authentication_error" || code == "invalid_api_key" {
        return ProviderError::Auth {
            provider: PROVIDER,
            status: 401,
        };
    }
    if kind.contains("rate_limit") || code.contains("rate_limit") {
        return ProviderError::RateLimited {
            provider: PROVIDER,
            retry_after: None,
        };
    }
    if kind == "server_error" {
        return ProviderError::Upstream {
            provider: PROVIDER,
            message,
        };
    }
    ProviderError::BadRequest {
        provider: PROVIDER,
        status: 400,
        message,
    }
}

/// The connection broke, or ended without a close frame.
pub(crate) fn dropped(error: Option<&WsError>) -> ProviderError {
    ProviderError::Upstream {
        provider: PROVIDER,
        message: match error {
            Some(e) => ws::kind(e).to_owned(),
            None => "connection closed without a close frame".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(kind: &str, code: &str, message: &str) -> ErrorBody {
        ErrorBody {
            kind: Some(kind.into()),
            code: Some(code.into()),
            message: Some(message.into()),
        }
    }

    #[test]
    fn error_events_map_by_type_and_code_without_the_key() {
        let key = ApiKey::new("sk-secret-123");
        let bad = from_error_event(
            &body(
                "invalid_request_error",
                "invalid_value",
                "bad key sk-secret-123",
            ),
            &key,
        );
        let ProviderError::BadRequest {
            status: 400,
            message,
            ..
        } = &bad
        else {
            panic!("{bad:?}")
        };
        assert!(message.starts_with("invalid_value: "), "{message}");
        assert!(!message.contains("sk-secret-123"));
        assert!(matches!(
            from_error_event(&body("server_error", "", "boom"), &key),
            ProviderError::Upstream { .. }
        ));
        assert!(matches!(
            from_error_event(
                &body("invalid_request_error", "rate_limit_exceeded", "slow"),
                &key
            ),
            ProviderError::RateLimited { .. }
        ));
        assert!(matches!(
            from_error_event(
                &body("invalid_request_error", "invalid_api_key", "no"),
                &key
            ),
            ProviderError::Auth { .. }
        ));
    }
}
