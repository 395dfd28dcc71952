//! Turning provider failures into [`ProviderError`]: HTTP statuses, error bodies, WebSocket
//! close codes and transport errors. Messages come from the provider's own error text, never
//! from our request, and pass through [`ApiKey::redact`] in case the provider echoed the key.

use reqwest::header::HeaderMap;

pub(crate) use crate::retry_after::retry_after;
use serde_json::Value;

use crate::ProviderError;

use super::api_key::ApiKey;

/// Longest provider message kept in an error.
const MAX_MESSAGE: usize = 300;

/// Maps a non-success HTTP answer (a request or a refused WebSocket upgrade).
pub(crate) fn from_status(
    provider: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    key: &ApiKey,
) -> ProviderError {
    let message = key.redact(&provider_message(body));
    ProviderError::from_http_status(provider, status, retry_after(headers), message)
}

/// The human part of an error body, whichever provider shape it has:
/// OpenAI `{"error":{"message"}}`, ElevenLabs `{"detail":{"message"}}` or FastAPI
/// `{"detail":[{"msg"}]}`, Deepgram `{"err_msg"}`, or plain text.
pub(crate) fn provider_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let found = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        let candidates = [
            v.pointer("/error/message"),
            v.pointer("/detail/message"),
            v.pointer("/detail/0/msg"),
            v.pointer("/err_msg"),
            v.pointer("/message"),
            v.pointer("/detail"),
            v.pointer("/error"),
        ];
        candidates
            .into_iter()
            .flatten()
            .find_map(|m| m.as_str().map(str::to_owned))
    });
    truncate(found.unwrap_or_else(|| text.trim().to_owned()))
}

pub(crate) fn truncate(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

/// A transport failure of an HTTP request. `reqwest` errors name the URL, which carries no
/// secret for our providers, but we keep only the kind to stay terse.
pub(crate) fn from_reqwest(provider: &'static str, error: &reqwest::Error) -> ProviderError {
    let kind = if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the response body broke off"
    } else {
        "request failed"
    };
    ProviderError::Upstream {
        provider,
        message: kind.to_owned(),
    }
}

/// A WebSocket closed by the provider before the end of the stream.
///
/// 1000/1001 without our final marker is a dropped stream; 1008 is the provider refusing
/// what we sent (ElevenLabs errors, Deepgram `DATA-*`); 1011 and the rest are its failures.
pub(crate) fn from_close(
    provider: &'static str,
    code: u16,
    reason: &str,
    key: &ApiKey,
) -> ProviderError {
    let reason = truncate(key.redact(reason));
    match code {
        1008 | 1007 | 1003 => ProviderError::BadRequest {
            provider,
            status: code,
            message: reason,
        },
        4001 | 4003 => ProviderError::Auth {
            provider,
            status: code,
        },
        _ => ProviderError::Upstream {
            provider,
            message: format!("WebSocket closed ({code}) before the end: {reason}"),
        },
    }
}
