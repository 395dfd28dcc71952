use std::fmt;

/// One Telnyx account as configured. `Debug` never shows the key.
#[derive(Clone)]
pub struct TelnyxCredentials {
    /// Sent as `Authorization: Bearer KEY`.
    pub api_key: String,
    /// The Call Control application (Telnyx calls it `connection_id`): outbound calls are
    /// placed from it, and numbers are pointed at it so inbound calls reach its webhook.
    pub connection_id: String,
    /// Numbers are assigned to this messaging profile, whose webhook gets inbound SMS.
    pub messaging_profile_id: Option<String>,
    /// `https://api.telnyx.com` by default; `/v2/...` is appended.
    pub base_url: String,
    /// The account's name in logs and errors.
    pub name: String,
}

impl TelnyxCredentials {
    pub const DEFAULT_BASE_URL: &'static str = "https://api.telnyx.com";

    pub fn new(
        name: impl Into<String>,
        api_key: impl Into<String>,
        connection_id: impl Into<String>,
    ) -> Self {
        Self {
            api_key: api_key.into(),
            connection_id: connection_id.into(),
            messaging_profile_id: None,
            base_url: Self::DEFAULT_BASE_URL.to_owned(),
            name: name.into(),
        }
    }

    pub fn messaging_profile_id(mut self, id: impl Into<String>) -> Self {
        self.messaging_profile_id = Some(id.into());
        self
    }

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
}

impl fmt::Debug for TelnyxCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelnyxCredentials")
            .field("name", &self.name)
            .field("api_key", &"[redacted]")
            .field("connection_id", &self.connection_id)
            .field("messaging_profile_id", &self.messaging_profile_id)
            .field("base_url", &self.base_url)
            .finish()
    }
}
