//! Deepgram failures as [`ProviderError`]s: refused handshakes (digest §1.1: plain HTTP 4xx/5xx
//! with a `dg-error` header) and close frames during a stream (§1.4). Messages carry the
//! status or close code and Deepgram's own text, never the request (which holds the key).

use std::time::Duration;

use tokio_tungstenite::tungstenite;

use super::config::PROVIDER;
use crate::ProviderError;

/// An error from an HTTP status and Deepgram's explanation of it.
pub(crate) fn from_status(
    status: u16,
    retry_after: Option<Duration>,
    message: String,
) -> ProviderError {
    ProviderError::from_http_status(PROVIDER, status, retry_after, message)
}

pub(crate) use crate::retry_after::retry_after;

/// Deepgram's reason for a refusal: the `dg-error` header, else the body's `err_msg`, else
/// the body itself (cut short).
pub(crate) fn explanation(headers: &http_types::HeaderMap, body: &[u8]) -> String {
    if let Some(v) = headers.get("dg-error").and_then(|v| v.to_str().ok()) {
        return v.to_owned();
    }
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(msg) = json.get("err_msg").and_then(|m| m.as_str())
    {
        return msg.to_owned();
    }
    String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned()
}

/// A failed WebSocket handshake.
pub(crate) fn from_handshake(error: tungstenite::Error) -> ProviderError {
    match error {
        tungstenite::Error::Http(response) => {
            let body = response.body().as_deref().unwrap_or_default();
            let message = explanation(response.headers(), body);
            from_status(
                response.status().as_u16(),
                retry_after(response.headers()),
                message,
            )
        }
        other => ProviderError::Upstream {
            provider: PROVIDER,
            message: format!("connect failed: {other}"),
        },
    }
}

/// A close frame with a code other than 1000: `1008 DATA-0000` means we sent audio it could
/// not decode (our fault, not retried); `1011 NET-0000` / `NET-0001` are server-side failures
/// and timeouts (the next provider may do better).
pub(crate) fn from_close(code: u16, reason: &str) -> ProviderError {
    let message = format!("closed with {code}: {reason}");
    match code {
        1008 | 1003 | 1007 => ProviderError::BadRequest {
            provider: PROVIDER,
            status: code,
            message,
        },
        _ => ProviderError::Upstream {
            provider: PROVIDER,
            message,
        },
    }
}

/// The connection broke without a close frame, or a read failed.
pub(crate) fn dropped(error: Option<tungstenite::Error>) -> ProviderError {
    let message = match error {
        Some(e) => format!("connection lost: {e}"),
        None => "connection closed without a close frame".to_owned(),
    };
    ProviderError::Upstream {
        provider: PROVIDER,
        message,
    }
}

/// `http` as re-exported by tungstenite, so the header types match its responses.
mod http_types {
    pub(crate) use tokio_tungstenite::tungstenite::http::HeaderMap;
}
