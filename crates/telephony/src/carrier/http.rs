//! What every carrier REST client shares: the HTTP client, transport failures that never
//! show a URL (VoIP.ms puts the password in it), and the server's retry hint.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::{CarrierError, CarrierTimeouts, ConfigError};

/// A client with the timeouts set; one per configured account, so calls share its pool.
pub(crate) fn client(timeouts: CarrierTimeouts) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .build()
        .map_err(|e| ConfigError(format!("HTTP client: {}", e.without_url())))
}

/// Network trouble or a timeout. The text names the kind of failure and its causes, never
/// the URL.
pub(crate) fn transport_error(carrier: &str, error: reqwest::Error) -> CarrierError {
    let error = error.without_url();
    let mut reason = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "connection lost mid-reply".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(&error);
    while let Some(current) = source {
        reason.push_str(": ");
        reason.push_str(&current.to_string());
        source = current.source();
    }
    CarrierError::Unavailable {
        carrier: carrier.to_owned(),
        reason: truncate(&reason),
    }
}

/// `Retry-After` in seconds. An HTTP date is not read: carriers send seconds \[I\].
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    Duration::try_from_secs_f64(value.trim().parse().ok()?).ok()
}

/// Longest carrier text kept in an error.
const MAX_TEXT: usize = 300;

pub(crate) fn truncate(text: &str) -> String {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim().to_owned()
}
