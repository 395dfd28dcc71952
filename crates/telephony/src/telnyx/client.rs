//! [`TelnyxClient`]: the client object and one JSON exchange with the v2 API.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use url::Url;

use super::config::TelnyxCredentials;
use super::errors;
use crate::carrier::{self, CarrierError, CarrierResult, CarrierTimeouts, ConfigError};

/// A Telnyx account's REST client (Call Control, numbers, messaging). Cheap to clone; clones
/// share one connection pool.
#[derive(Clone)]
pub struct TelnyxClient {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub credentials: TelnyxCredentials,
    http: reqwest::Client,
    base: Url,
    authorization: HeaderValue,
    /// Recording downloads get longer than other requests.
    pub download_timeout: std::time::Duration,
}

impl std::fmt::Debug for TelnyxClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelnyxClient")
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl TelnyxClient {
    pub fn new(
        credentials: TelnyxCredentials,
        timeouts: CarrierTimeouts,
    ) -> Result<Self, ConfigError> {
        let base = Url::parse(&credentials.base_url)
            .ok()
            .filter(|url| !url.cannot_be_a_base())
            .ok_or_else(|| ConfigError("Telnyx base_url is not an absolute URL".into()))?;
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {}", credentials.api_key))
                .map_err(|_| ConfigError("Telnyx api_key has invalid characters".into()))?;
        authorization.set_sensitive(true);
        Ok(Self {
            inner: Arc::new(Inner {
                http: carrier::client(timeouts)?,
                base,
                authorization,
                credentials,
                download_timeout: timeouts.download,
            }),
        })
    }
}

impl Inner {
    pub fn name(&self) -> &str {
        &self.credentials.name
    }

    /// `{base}/v2/{segments…}`, each segment percent-encoded (call control ids carry `:`
    /// and `=`).
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("checked in new: the base URL can be a base")
            .pop_if_empty()
            .push("v2")
            .extend(segments);
        url
    }

    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .header(AUTHORIZATION, self.authorization.clone())
    }

    /// Only the API's own origin gets the key: a recording URL could point anywhere.
    pub fn is_api_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request` and reads a 2xx reply as JSON (`Null` when empty). `what` names the
    /// resource in a `NotFound`.
    pub async fn send(&self, request: RequestBuilder, what: &str) -> CarrierResult<Value> {
        let response = request
            .send()
            .await
            .map_err(|e| carrier::transport_error(self.name(), e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| carrier::transport_error(self.name(), e))?;
        if !status.is_success() {
            let error = errors::from_status(self.name(), status.as_u16(), &headers, &body, what);
            return Err(errors::scrub(error, &self.credentials.api_key));
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|e| CarrierError::Protocol {
            carrier: self.name().to_owned(),
            reason: format!("reply is not JSON: {e}"),
        })
    }

    /// The string at `pointer` in a reply, or a `Protocol` error naming it.
    pub fn field(&self, reply: &Value, pointer: &str) -> CarrierResult<String> {
        reply
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| CarrierError::Protocol {
                carrier: self.name().to_owned(),
                reason: format!("reply has no {pointer}"),
            })
    }
}
