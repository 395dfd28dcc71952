use std::fmt;

/// One VoIP.ms account as configured. `Debug` never shows the password.
#[derive(Clone)]
pub struct VoipMsCredentials {
    /// The account's e-mail (`api_username`).
    pub username: String,
    /// The API password set in the portal (`api_password`), not the login password.
    pub api_password: String,
    /// `https://voip.ms/api/v1/rest.php` by default.
    pub base_url: String,
    /// Where ordered DIDs send calls (`orderDID routing`), `header:record`, e.g.
    /// `account:100001_VoIP` (digest §5.2).
    pub routing: String,
    /// The POP server id ordered DIDs use (`orderDID pop`) \[I: the portal lists the ids\].
    pub pop: String,
    /// Seconds to ring the routing target (`orderDID dialtime`).
    pub dialtime: String,
    /// `1` per-minute, `2` flat rate (`orderDID billing_type`).
    pub billing_type: String,
    /// The account's name in logs and errors.
    pub name: String,
}

impl VoipMsCredentials {
    pub const DEFAULT_BASE_URL: &'static str = "https://voip.ms/api/v1/rest.php";

    pub fn new(
        name: impl Into<String>,
        username: impl Into<String>,
        api_password: impl Into<String>,
        routing: impl Into<String>,
    ) -> Self {
        Self {
            username: username.into(),
            api_password: api_password.into(),
            base_url: Self::DEFAULT_BASE_URL.to_owned(),
            routing: routing.into(),
            pop: "1".to_owned(),
            dialtime: "60".to_owned(),
            billing_type: "1".to_owned(),
            name: name.into(),
        }
    }

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
}

impl fmt::Debug for VoipMsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VoipMsCredentials")
            .field("name", &self.name)
            .field("username", &self.username)
            .field("api_password", &"[redacted]")
            .field("base_url", &self.base_url)
            .field("routing", &self.routing)
            .field("pop", &self.pop)
            .field("dialtime", &self.dialtime)
            .field("billing_type", &self.billing_type)
            .finish()
    }
}
