//! Who we are at Twilio and how long we wait for it.

use std::fmt;

/// Twilio's API host; tests and the simulator point [`TwilioCredentials::base_url`] elsewhere.
pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";

/// One Twilio account. `Debug` never shows the auth token.
#[derive(Clone)]
pub struct TwilioCredentials {
    /// The configured account's name, carried by errors and logs.
    pub name: String,
    /// `AC` + 32 hex digits; also the Basic-auth user.
    pub account_sid: String,
    pub auth_token: String,
    /// Scheme and host (optionally a path prefix) that `/2010-04-01/…` is appended to.
    pub base_url: String,
}

impl TwilioCredentials {
    /// Credentials for Twilio itself ([`DEFAULT_BASE_URL`]).
    pub fn new(
        name: impl Into<String>,
        account_sid: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Self {
        TwilioCredentials {
            name: name.into(),
            account_sid: account_sid.into(),
            auth_token: auth_token.into(),
            base_url: DEFAULT_BASE_URL.to_owned(),
        }
    }

    /// Talks to another host that speaks Twilio's API (a fake, the simulator).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }
}

impl fmt::Debug for TwilioCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioCredentials")
            .field("name", &self.name)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish()
    }
}
