//! The carrier accounts an operator has, and the rules every call and number follows.
//!
//! Each `[carriers.NAME]` table is one account of one `kind`; numbers and calls name it. The
//! `simulator` kind needs nothing: it runs a Twilio look-alike inside the server whose callee
//! is a simulated person (see docs/telephony.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_telephony::carrier::CarrierKind;

use super::Secret;

/// One carrier account. Which fields a kind needs is checked at start-up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierConfig {
    pub kind: CarrierKind,
    /// Replaces the kind's default API host (a proxy, the fakes).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Twilio: the account SID (`AC…`).
    #[serde(default)]
    pub account_sid: Option<String>,
    /// Twilio: the auth token; also checks `X-Twilio-Signature`. Secret.
    #[serde(default)]
    pub auth_token: Option<Secret>,
    /// Telnyx: the API key. Secret.
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// Telnyx: the Call Control application (connection) calls and numbers use.
    #[serde(default)]
    pub connection_id: Option<String>,
    /// Telnyx: the messaging profile numbers and texts use.
    #[serde(default)]
    pub messaging_profile_id: Option<String>,
    /// Telnyx: the account's webhook public key (base64), which signs its webhooks.
    #[serde(default)]
    pub public_key: Option<String>,
    /// VoIP.ms: the account's email.
    #[serde(default)]
    pub username: Option<String>,
    /// VoIP.ms: the API password (not the portal password). Secret.
    #[serde(default)]
    pub api_password: Option<Secret>,
    /// VoIP.ms: where an ordered DID's calls go, e.g. `account:100001_VoIP`.
    #[serde(default)]
    pub routing: Option<String>,
    /// VoIP.ms: the point of presence DIDs are ordered on.
    #[serde(default)]
    pub pop: Option<String>,
    #[serde(default)]
    pub prices: CarrierPrices,
}

/// What the carrier charges the operator, in micro-units; zero means "not priced".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CarrierPrices {
    /// Per started minute of a connected call (carriers bill whole minutes).
    pub voice_per_minute: u64,
    /// Per SMS segment sent.
    pub sms_per_segment: u64,
}

/// Rules for every call and number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelephonyConfig {
    /// The carrier numbers are searched and bought at when a request names none.
    pub default_carrier: Option<String>,
    /// E.164 prefixes outbound calls and texts may go to, e.g. `["+1", "+44"]` (in the
    /// environment: `+1,+44`). Calls to anywhere else are refused (toll fraud is the usual way
    /// a leaked key costs money).
    #[serde(deserialize_with = "super::providers::names")]
    pub allowed_destinations: Vec<String>,
    /// Live calls (queued, ringing or in progress) one tenant may have at once.
    pub max_concurrent_calls_per_tenant: u32,
    /// How long an outbound call rings before it counts as unanswered.
    pub ring_timeout_seconds: u32,
    /// The longest an outbound call may last unless the request says less.
    pub max_call_seconds: u32,
    /// The answer to HELP when the tenant has set none.
    pub default_sms_help_text: String,
}

impl Default for TelephonyConfig {
    fn default() -> Self {
        TelephonyConfig {
            default_carrier: None,
            allowed_destinations: vec!["+1".into()],
            max_concurrent_calls_per_tenant: 10,
            ring_timeout_seconds: 30,
            max_call_seconds: 3600,
            default_sms_help_text: "Reply STOP to stop receiving messages, START to resume.".into(),
        }
    }
}

/// Checks each account has what its kind needs. Returns the offending key and what was
/// expected.
pub(super) fn validate(
    carriers: &BTreeMap<String, CarrierConfig>,
    telephony: &TelephonyConfig,
) -> Result<(), (String, String)> {
    for (name, carrier) in carriers {
        if !super::providers::valid_name(name) {
            return Err((
                format!("carriers.{name}"),
                "a carrier name of lowercase letters, digits and underscores".into(),
            ));
        }
        let key = |field: &str| format!("carriers.{name}.{field}");
        if let Some(url) = &carrier.base_url
            && !url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        {
            return Err((key("base_url"), "an absolute http(s) URL".into()));
        }
        let missing = match carrier.kind {
            CarrierKind::Twilio => [
                ("account_sid", carrier.account_sid.is_none()),
                ("auth_token", carrier.auth_token.is_none()),
            ]
            .into_iter()
            .find(|(_, missing)| *missing),
            CarrierKind::Telnyx => [
                ("api_key", carrier.api_key.is_none()),
                ("connection_id", carrier.connection_id.is_none()),
                ("public_key", carrier.public_key.is_none()),
            ]
            .into_iter()
            .find(|(_, missing)| *missing),
            CarrierKind::Voipms => [
                ("username", carrier.username.is_none()),
                ("api_password", carrier.api_password.is_none()),
                ("routing", carrier.routing.is_none()),
            ]
            .into_iter()
            .find(|(_, missing)| *missing),
            CarrierKind::Simulator => None,
        };
        if let Some((field, _)) = missing {
            return Err((
                key(field),
                format!("a value: {} accounts need it", carrier.kind.as_str()),
            ));
        }
    }
    if let Some(name) = &telephony.default_carrier
        && !carriers.contains_key(name)
    {
        return Err((
            "telephony.default_carrier".into(),
            format!("the name of a [carriers.*] account; {name:?} is not one"),
        ));
    }
    for prefix in &telephony.allowed_destinations {
        let digits = prefix.strip_prefix('+').unwrap_or("");
        if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err((
                "telephony.allowed_destinations".into(),
                format!("E.164 prefixes such as \"+1\"; {prefix:?} is not one"),
            ));
        }
    }
    if telephony.max_concurrent_calls_per_tenant == 0 {
        return Err((
            "telephony.max_concurrent_calls_per_tenant".into(),
            "a number of calls above 0".into(),
        ));
    }
    if !(5..=600).contains(&telephony.ring_timeout_seconds) {
        return Err((
            "telephony.ring_timeout_seconds".into(),
            "between 5 and 600 seconds".into(),
        ));
    }
    if telephony.max_call_seconds == 0 {
        return Err((
            "telephony.max_call_seconds".into(),
            "a number of seconds above 0".into(),
        ));
    }
    Ok(())
}
