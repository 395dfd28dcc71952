//! The server's configuration: what can be set, its defaults, and its checks.
//!
//! Layers, lowest first: built-in defaults, `switchboard.toml`, `.env`, the process
//! environment (`SWITCHBOARD_*`, `__` for nesting, `..._FILE` to read a secret from a file),
//! then command-line flags. [`load`] merges them and remembers where each value came from.

mod billing;
pub mod carriers;
mod load;
pub mod providers;
mod report;
mod secret;
mod secrets_key;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use switchboard_voice::tools::NetworkPolicy;

pub use billing::{McpConfig, PricingConfig};
pub use carriers::{CarrierConfig, CarrierPrices, TelephonyConfig};
pub use load::{ConfigError, LoadedConfig, Overrides, load, load_from};
pub use providers::{ProviderConfig, ProviderKind, VoiceDefaults};
pub use report::render_report;
pub use secret::Secret;
pub use secrets_key::{SECRETS_KEY_FILE, secrets_key};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port the HTTP server binds.
    pub listen: SocketAddr,
    /// Folder for local state: the SQLite database lives here unless `database_url` says otherwise.
    pub data_dir: PathBuf,
    /// `sqlite://path` or `postgres://user:password@host/db`. Unset: SQLite in `data_dir`.
    pub database_url: Option<Secret>,
    /// The public https URL carriers and browsers reach this server at (behind any proxy).
    pub public_url: Option<String>,
    /// Log filter, e.g. `info` or `info,switchboard=debug`.
    pub log: String,
    pub log_format: LogFormat,
    pub auth: AuthConfig,
    pub http: HttpConfig,
    pub media: MediaConfig,
    /// Carrier accounts by name (see docs/telephony.md).
    pub carriers: BTreeMap<String, CarrierConfig>,
    /// Rules for every call and number: destinations, limits, defaults.
    pub telephony: TelephonyConfig,
    /// AI provider accounts by name (see docs/providers.md).
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Which providers calls use by default, and the fallback budgets.
    pub voice: VoiceDefaults,
    /// What calls are charged: costs per minute and the multiplier (see docs/usage.md).
    pub pricing: PricingConfig,
    /// How the MCP endpoint's tools wait for the person on the phone (see docs/mcp.md).
    pub mcp: McpConfig,
    pub secrets: SecretsConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// Whether anyone may create a tenant with `POST /v1/auth/signup`.
    pub allow_signup: bool,
    /// How long a login session lasts.
    pub session_ttl_hours: u32,
    /// Login and signup attempts allowed per client IP per minute.
    pub attempts_per_ip_per_minute: u32,
    /// Login attempts allowed per account (email) per minute.
    pub attempts_per_account_per_minute: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy you control).
    pub trust_forwarded_for: bool,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace_seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    /// How long a media-stream token stays valid after it is issued.
    pub stream_token_ttl_seconds: u64,
    /// How far agent audio may run ahead of real time, in ms (at least 20).
    pub playback_lead_ms: u64,
    /// A media socket silent this long (no frames, no pongs) is treated as dead.
    pub idle_timeout_seconds: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsConfig {
    /// The key tenants' secrets are encrypted with at rest: 32 bytes in base64. Unset: a key
    /// generated into `<data_dir>/secret.key` on first start. Secret.
    pub key: Option<Secret>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: None,
            log: "info".into(),
            log_format: LogFormat::Pretty,
            auth: AuthConfig {
                allow_signup: true,
                session_ttl_hours: 24 * 30,
                attempts_per_ip_per_minute: 30,
                attempts_per_account_per_minute: 10,
            },
            http: HttpConfig {
                max_body_bytes: 1024 * 1024,
                trust_forwarded_for: false,
                shutdown_grace_seconds: 30,
            },
            media: MediaConfig {
                stream_token_ttl_seconds: 120,
                playback_lead_ms: 80,
                idle_timeout_seconds: 15,
            },
            carriers: BTreeMap::new(),
            telephony: TelephonyConfig::default(),
            providers: BTreeMap::new(),
            voice: VoiceDefaults::default(),
            pricing: PricingConfig::default(),
            mcp: McpConfig::default(),
            secrets: SecretsConfig::default(),
        }
    }
}

impl Config {
    /// The database URL in effect: the configured one, or SQLite inside `data_dir`.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}/switchboard.db", self.data_dir.display()),
        }
    }

    /// The WebSocket URL carriers open for `path` (e.g. `/media/twilio`), from `public_url`;
    /// `None` when no public URL is configured.
    pub fn public_ws_url(&self, path: &str) -> Option<String> {
        let base = self.public_url.as_deref()?.trim_end_matches('/');
        let ws = base
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1);
        Some(format!("{ws}{path}"))
    }

    /// Where tenants' HTTP tools may send requests.
    pub fn tool_network_policy(&self) -> NetworkPolicy {
        NetworkPolicy {
            allow_private: self.voice.allow_private_tool_urls,
        }
    }

    /// Cookies get `Secure` when browsers reach us over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Checks that go beyond types: returns the offending key and what was expected.
    fn validate(&self) -> Result<(), (String, String)> {
        self.validate_fixed()
            .map_err(|(key, expected)| (key.to_owned(), expected))?;
        providers::validate(&self.providers, &self.voice)?;
        carriers::validate(&self.carriers, &self.telephony)
    }

    fn validate_fixed(&self) -> Result<(), (&'static str, String)> {
        if let Some(url) = &self.database_url
            && switchboard_store::Backend::from_url(url.expose()).is_err()
        {
            return Err((
                "database_url",
                "a URL starting with sqlite:// or postgres://".into(),
            ));
        }
        if let Some(url) = &self.public_url {
            let parsed = url::Url::parse(url)
                .map_err(|_| ("public_url", "an absolute http(s) URL".to_owned()))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                return Err((
                    "public_url",
                    "an absolute http(s) URL such as https://switchboard.example.com".into(),
                ));
            }
        }
        let real_carrier = self
            .carriers
            .values()
            .any(|c| c.kind != switchboard_telephony::carrier::CarrierKind::Simulator);
        if real_carrier && self.public_url.is_none() {
            return Err((
                "public_url",
                "the https URL carriers reach this server at: webhooks point there and their \
                 signatures are checked against it"
                    .into(),
            ));
        }
        if self.auth.session_ttl_hours == 0 {
            return Err(("auth.session_ttl_hours", "a number of hours above 0".into()));
        }
        if self.auth.attempts_per_ip_per_minute == 0 {
            return Err((
                "auth.attempts_per_ip_per_minute",
                "a number of attempts above 0".into(),
            ));
        }
        if self.auth.attempts_per_account_per_minute == 0 {
            return Err((
                "auth.attempts_per_account_per_minute",
                "a number of attempts above 0".into(),
            ));
        }
        if self.media.playback_lead_ms < 20 {
            return Err((
                "media.playback_lead_ms",
                "at least 20 (one 20 ms frame)".into(),
            ));
        }
        if self.media.stream_token_ttl_seconds == 0 {
            return Err((
                "media.stream_token_ttl_seconds",
                "a number of seconds above 0".into(),
            ));
        }
        if self.media.idle_timeout_seconds == 0 {
            return Err((
                "media.idle_timeout_seconds",
                "a number of seconds above 0".into(),
            ));
        }
        if let Some(key) = &self.secrets.key
            && switchboard_store::SecretsKey::from_base64(key.expose()).is_none()
        {
            return Err((
                "secrets.key",
                "32 random bytes in base64, such as the output of `openssl rand -base64 32`".into(),
            ));
        }
        if self.http.max_body_bytes < 1024 {
            return Err(("http.max_body_bytes", "at least 1024 bytes".into()));
        }
        self.pricing.validate()?;
        self.mcp.validate()
    }
}

/// Keys whose values never appear anywhere: replaced by `<redacted>` in reports.
const SECRET_KEYS: &[&str] = &["secrets.key"];

/// The fields of a provider or carrier account that hold secrets.
const SECRET_FIELDS: &[&str] = &[".api_key", ".auth_token", ".api_password"];

/// Whether `key` holds a secret: one of [`SECRET_KEYS`] or any provider's `api_key`.
pub(crate) fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
        || ((key.starts_with("providers.") || key.starts_with("carriers."))
            && SECRET_FIELDS.iter().any(|field| key.ends_with(field)))
}

/// Shows a value without its secret part: passwords inside URLs are masked.
pub fn redact(key: &str, value: &str) -> String {
    if is_secret_key(key) && value != "null" {
        return "<redacted>".into();
    }
    if key == "database_url" || key == "public_url" {
        return redact_url_password(value);
    }
    value.to_owned()
}

fn redact_url_password(value: &str) -> String {
    let Ok(mut url) = url::Url::parse(value) else {
        return "<unparsable URL, redacted>".into();
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("redacted"));
    }
    // PostgreSQL URLs may carry the password as a query parameter too.
    if url.query_pairs().any(|(k, _)| is_password_param(&k)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_password_param(&k) {
                    "redacted".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

fn is_password_param(key: &str) -> bool {
    matches!(key, "password" | "sslpassword")
}

#[cfg(test)]
mod tests;
