//! [`TwilioClient`]: the HTTP plumbing every request shares.

use std::sync::Arc;

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use url::Url;

use super::credentials::TwilioCredentials;
use super::errors;
use crate::carrier::{CarrierError, CarrierKind};
use crate::carrier::{CarrierTimeouts, ConfigError};

/// A Twilio account's REST client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct TwilioClient {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub credentials: TwilioCredentials,
    pub kind: CarrierKind,
    timeouts: CarrierTimeouts,
    http: reqwest::Client,
    /// `{base}/2010-04-01/Accounts/{AccountSid}`.
    account: Url,
}

impl std::fmt::Debug for TwilioClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioClient")
            .field("kind", &self.inner.kind)
            .field("credentials", &self.inner.credentials)
            .field("timeouts", &self.inner.timeouts)
            .finish()
    }
}

impl TwilioClient {
    pub fn new(
        credentials: TwilioCredentials,
        timeouts: CarrierTimeouts,
    ) -> Result<Self, ConfigError> {
        let sid = &credentials.account_sid;
        if sid.is_empty() || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ConfigError(format!("account sid {sid:?}")));
        }
        let mut account = Url::parse(&credentials.base_url)
            .map_err(|e| ConfigError(format!("base URL {:?}: {e}", credentials.base_url)))?;
        account
            .path_segments_mut()
            .map_err(|()| ConfigError(format!("base URL {:?}", credentials.base_url)))?
            .pop_if_empty()
            .extend(["2010-04-01", "Accounts", sid.as_str()]);
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert("accept-charset", HeaderValue::from_static("utf-8"));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(timeouts.connect)
            .build()
            .map_err(|e| ConfigError(format!("HTTP client: {e}")))?;
        Ok(TwilioClient {
            inner: Arc::new(Inner {
                credentials,
                kind: CarrierKind::Twilio,
                timeouts,
                http,
                account,
            }),
        })
    }

    /// The same client reporting another [`CarrierKind`]: the in-process simulator speaks
    /// Twilio's API and is configured as [`CarrierKind::Simulator`].
    pub fn with_kind(self, kind: CarrierKind) -> Self {
        let inner = &self.inner;
        TwilioClient {
            inner: Arc::new(Inner {
                credentials: inner.credentials.clone(),
                kind,
                timeouts: inner.timeouts,
                http: inner.http.clone(),
                account: inner.account.clone(),
            }),
        }
    }

    pub fn credentials(&self) -> &TwilioCredentials {
        &self.inner.credentials
    }
}

impl Inner {
    pub fn name(&self) -> &str {
        &self.credentials.name
    }

    /// `…/Accounts/{AC}/a/b/c.json`, each segment percent-encoded.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.account.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            let (last, rest) = segments.split_last().expect("a resource path has segments");
            path.extend(rest).push(&format!("{last}.json"));
        }
        url
    }

    /// Whether `url` is on the API host (scheme, host and port), so it may get our credentials.
    pub fn is_api_url(&self, url: &Url) -> bool {
        url.origin() == self.account.origin()
    }

    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(
                &self.credentials.account_sid,
                Some(&self.credentials.auth_token),
            )
            .timeout(self.timeouts.request)
    }

    pub fn download(&self, url: Url) -> RequestBuilder {
        self.request(Method::GET, url)
            .timeout(self.timeouts.download)
    }

    /// Sends `request`; a non-2xx answer becomes the error its status and body say, with
    /// `what` naming the resource for a 404.
    pub async fn send(
        &self,
        request: RequestBuilder,
        what: &str,
    ) -> Result<Response, CarrierError> {
        let response = request
            .send()
            .await
            .map_err(|e| errors::from_transport(self.name(), e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_default();
        Err(errors::from_status(
            self.name(),
            status.as_u16(),
            &headers,
            &body,
            what,
        ))
    }

    /// [`send`](Self::send), then reads the JSON reply.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        what: &str,
    ) -> Result<T, CarrierError> {
        let response = self.send(request, what).await?;
        let body = response
            .bytes()
            .await
            .map_err(|e| errors::from_transport(self.name(), e))?;
        serde_json::from_slice(&body).map_err(|e| CarrierError::Protocol {
            carrier: self.name().to_owned(),
            reason: format!("{what}: {e}"),
        })
    }
}
