//! What calls are charged (`[pricing]`) and how the MCP endpoint waits for people (`[mcp]`).

use serde::{Deserialize, Serialize};
use switchboard_core::pricing::{Multiplier, Pricing};

/// The operator's costs per minute (micro-units of `currency`) and the multiplier that makes
/// them prices. See docs/usage.md for the formula and its rounding.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PricingConfig {
    /// ISO 4217 code of the currency micro-units count in; shown in usage reports and logs.
    pub currency: String,
    /// What a connected minute of a carrier call costs you.
    pub telephony_per_minute: u64,
    /// What a minute of speech-to-text costs you.
    pub stt_per_minute: u64,
    /// What a minute of text-to-speech costs you.
    pub tts_per_minute: u64,
    /// What a million LLM tokens (in and out) cost you, for agent-driven calls.
    pub llm_per_million_tokens: u64,
    /// Price = cost x multiplier, e.g. 2.0 (six decimal places are kept).
    pub multiplier: f64,
}

impl Default for PricingConfig {
    fn default() -> Self {
        PricingConfig {
            currency: "USD".into(),
            telephony_per_minute: 0,
            stt_per_minute: 0,
            tts_per_minute: 0,
            llm_per_million_tokens: 0,
            multiplier: 1.0,
        }
    }
}

impl PricingConfig {
    /// The pricing these settings describe; `validate` has refused a bad multiplier.
    pub fn pricing(&self) -> Pricing {
        Pricing {
            telephony_per_minute: self.telephony_per_minute,
            stt_per_minute: self.stt_per_minute,
            tts_per_minute: self.tts_per_minute,
            llm_per_million_tokens: self.llm_per_million_tokens,
            multiplier: Multiplier::from_decimal(self.multiplier).unwrap_or(Multiplier::ONE),
        }
    }

    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        Multiplier::from_decimal(self.multiplier).map_err(|e| ("pricing.multiplier", e))?;
        let code = self.currency.as_bytes();
        if code.len() != 3 || !code.iter().all(u8::is_ascii_uppercase) {
            return Err((
                "pricing.currency",
                "a three-letter ISO 4217 code such as USD".into(),
            ));
        }
        Ok(())
    }
}

/// How `/mcp` tool calls wait for the person on the phone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct McpConfig {
    /// How long `initiate_call` and `continue_call` wait for the person's reply before
    /// answering "no answer" (a tool call may ask for less).
    pub wait_limit_seconds: u64,
    /// A call no tool has touched for this long (the MCP client went away) says goodbye and
    /// hangs up.
    pub idle_limit_seconds: u64,
    /// How often a waiting tool call sends a progress notification, so clients do not time out.
    pub progress_interval_ms: u64,
    /// The longest an MCP call may last.
    pub max_call_minutes: u32,
    /// `Host` values accepted besides loopback and `public_url`'s host (DNS-rebinding guard).
    #[serde(deserialize_with = "super::providers::names")]
    pub allowed_hosts: Vec<String>,
    /// Browser origins accepted (e.g. `https://app.example.com`); a request with any other
    /// `Origin` gets 403. Requests without an `Origin` (CLI clients) always pass.
    #[serde(deserialize_with = "super::providers::names")]
    pub allowed_origins: Vec<String>,
}

impl Default for McpConfig {
    fn default() -> Self {
        McpConfig {
            wait_limit_seconds: 180,
            idle_limit_seconds: 300,
            progress_interval_ms: 5_000,
            max_call_minutes: 30,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
        }
    }
}

impl McpConfig {
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        let above_zero = |key, value: u64| {
            if value == 0 {
                Err((key, "a number above 0".to_owned()))
            } else {
                Ok(())
            }
        };
        above_zero("mcp.wait_limit_seconds", self.wait_limit_seconds)?;
        above_zero("mcp.idle_limit_seconds", self.idle_limit_seconds)?;
        above_zero("mcp.max_call_minutes", u64::from(self.max_call_minutes))?;
        if self.progress_interval_ms < 100 {
            return Err(("mcp.progress_interval_ms", "at least 100".into()));
        }
        if let Some(bad) = self
            .allowed_origins
            .iter()
            .find(|o| !(o.starts_with("http://") || o.starts_with("https://") || *o == "null"))
        {
            return Err((
                "mcp.allowed_origins",
                format!("origins with a scheme, such as https://app.example.com (got {bad})"),
            ));
        }
        Ok(())
    }
}
