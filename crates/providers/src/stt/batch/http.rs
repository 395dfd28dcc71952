//! One POST with the three timeouts, shared by the batch clients. Errors never include the
//! request (its headers hold the key).

use reqwest::header::HeaderMap;

pub(crate) use crate::retry_after::retry_after;
use tokio::time::timeout;

use crate::error::Phase;
use crate::{ProviderError, Timeouts};

/// A finished response: status, headers and the whole body.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

/// A client whose connect timeout is `timeouts.connect`.
pub(crate) fn client(timeouts: &Timeouts) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .build()
        .expect("a rustls client with default settings builds")
}

/// Sends `request`; `first_byte` bounds the wait for the response head, `idle` the body.
pub(crate) async fn send(
    provider: &'static str,
    request: reqwest::RequestBuilder,
    timeouts: &Timeouts,
) -> Result<Reply, ProviderError> {
    let response = timeout(timeouts.first_byte, request.send())
        .await
        .map_err(|_| ProviderError::Timeout {
            provider,
            phase: Phase::FirstByte,
            after: timeouts.first_byte,
        })?
        .map_err(|e| transport(provider, e, timeouts))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = timeout(timeouts.idle, response.bytes())
        .await
        .map_err(|_| ProviderError::Timeout {
            provider,
            phase: Phase::Idle,
            after: timeouts.idle,
        })?
        .map_err(|e| transport(provider, e, timeouts))?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn transport(provider: &'static str, error: reqwest::Error, timeouts: &Timeouts) -> ProviderError {
    if error.is_connect() && error.is_timeout() {
        return ProviderError::Timeout {
            provider,
            phase: Phase::Connect,
            after: timeouts.connect,
        };
    }
    // `without_url`: the URL may carry options a log need not see.
    ProviderError::Upstream {
        provider,
        message: error.without_url().to_string(),
    }
}
