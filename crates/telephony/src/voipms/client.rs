//! [`VoipMsClient`]: the client object and one `rest.php` call.

use std::sync::Arc;

use serde_json::Value;

use super::config::VoipMsCredentials;
use super::status;
use crate::carrier::{self, CarrierError, CarrierResult, CarrierTimeouts, ConfigError};

/// A VoIP.ms account's REST client (numbers and SMS; voice needs SIP). Cheap to clone;
/// clones share one connection pool.
#[derive(Clone)]
pub struct VoipMsClient {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub credentials: VoipMsCredentials,
    http: reqwest::Client,
}

impl std::fmt::Debug for VoipMsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoipMsClient")
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl VoipMsClient {
    pub fn new(
        credentials: VoipMsCredentials,
        timeouts: CarrierTimeouts,
    ) -> Result<Self, ConfigError> {
        url::Url::parse(&credentials.base_url)
            .map_err(|_| ConfigError("VoIP.ms base_url is not an absolute URL".into()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http: carrier::client(timeouts)?,
                credentials,
            }),
        })
    }
}

impl Inner {
    pub fn name(&self) -> &str {
        &self.credentials.name
    }

    /// Calls `method` with `params` (GET, everything in the query, digest §5.1). `Ok(None)`
    /// is a `no_*` status: an empty result.
    pub async fn call(
        &self,
        method: &str,
        params: &[(&str, &str)],
    ) -> CarrierResult<Option<Value>> {
        let credentials = &self.credentials;
        let mut query = vec![
            ("api_username", credentials.username.as_str()),
            ("api_password", credentials.api_password.as_str()),
            ("method", method),
        ];
        query.extend_from_slice(params);
        let response = self
            .http
            .get(&credentials.base_url)
            .query(&query)
            .send()
            .await
            .map_err(|e| carrier::transport_error(self.name(), e))?;
        let http_status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| carrier::transport_error(self.name(), e))?;
        if !http_status.is_success() {
            return Err(CarrierError::Unavailable {
                carrier: self.name().to_owned(),
                reason: format!("{method} answered HTTP {}", http_status.as_u16()),
            });
        }
        let reply: Value =
            serde_json::from_slice(&body).map_err(|_| self.unreadable(method, &body))?;
        let Some(status) = reply.get("status").and_then(Value::as_str) else {
            return Err(self.unreadable(method, &body));
        };
        status::check(self.name(), method, status)?;
        Ok((status == "success").then_some(reply))
    }

    /// A reply that is not VoIP.ms JSON, quoted without the password should it echo the URL.
    fn unreadable(&self, method: &str, body: &[u8]) -> CarrierError {
        let text = carrier::truncate(&String::from_utf8_lossy(body));
        let password = &self.credentials.api_password;
        let text = if password.is_empty() {
            text
        } else {
            text.replace(password.as_str(), "[redacted]")
        };
        CarrierError::Protocol {
            carrier: self.name().to_owned(),
            reason: format!("{method} reply has no JSON status: {text}"),
        }
    }
}

/// A VoIP.ms value as text: they are strings, but numbers are read too.
pub(super) fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
