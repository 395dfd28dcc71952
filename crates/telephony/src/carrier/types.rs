//! Carrier-neutral requests and results. Phone numbers are E.164 (`+15551234567`)
//! everywhere here; clients convert at the edge (VoIP.ms wants 10 digits).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CarrierKind {
    Twilio,
    Telnyx,
    Voipms,
    /// The in-process Twilio look-alike: no account, a simulated callee.
    Simulator,
}

impl CarrierKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CarrierKind::Twilio => "twilio",
            CarrierKind::Telnyx => "telnyx",
            CarrierKind::Voipms => "voipms",
            CarrierKind::Simulator => "simulator",
        }
    }
}

/// Where a call's progress is reported. Twilio fetches TwiML from `voice_url` and posts
/// status to `status_url`; Telnyx sends every call event to `voice_url`.
#[derive(Debug, Clone, Default)]
pub struct CallWebhooks {
    pub voice_url: String,
    pub status_url: String,
    /// Recording status callbacks, when the call is recorded.
    pub recording_url: Option<String>,
    /// Asynchronous answering-machine results, when detection is on.
    pub machine_detection_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineDetection {
    /// Report human or machine as soon as known.
    Enable,
    /// Wait for the greeting's end (the beep) before reporting a machine, so a voicemail
    /// can be left.
    DetectMessageEnd,
}

#[derive(Debug, Clone)]
pub struct PlaceCall {
    pub to: String,
    pub from: String,
    pub webhooks: CallWebhooks,
    /// Seconds to let it ring before giving up.
    pub ring_timeout_secs: u32,
    /// The carrier ends the call after this many seconds.
    pub time_limit_secs: Option<u32>,
    /// Record both sides at the carrier.
    pub record: bool,
    pub machine_detection: Option<MachineDetection>,
    /// Echoed back on this call's webhooks where the carrier supports it (Telnyx
    /// `client_state`); our call id.
    pub client_state: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    /// Twilio `CA…`, Telnyx `call_control_id`.
    pub carrier_call_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct NumberSearch {
    /// ISO 3166-1 alpha-2, e.g. `US`.
    pub country: String,
    pub area_code: Option<String>,
    /// Digits the number must contain.
    pub contains: Option<String>,
    pub voice: bool,
    pub sms: bool,
    pub mms: bool,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberCapabilities {
    pub voice: bool,
    pub sms: bool,
    pub mms: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailableNumber {
    pub phone_number: String,
    pub region: Option<String>,
    pub locality: Option<String>,
    pub capabilities: NumberCapabilities,
}

/// Where a number's calls and messages are sent.
#[derive(Debug, Clone, Default)]
pub struct NumberHooks {
    pub voice_url: String,
    pub sms_url: String,
    /// Call status for inbound calls, where the carrier takes one per number.
    pub status_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedNumber {
    /// Twilio `PN…`, Telnyx phone-number id, VoIP.ms the 10-digit DID.
    pub carrier_number_id: String,
    pub phone_number: String,
    pub capabilities: NumberCapabilities,
}

#[derive(Debug, Clone)]
pub struct OutboundSms {
    pub from: String,
    pub to: String,
    pub body: String,
    pub status_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSms {
    pub carrier_message_id: String,
}

#[derive(Debug, Clone)]
pub struct RecordingMedia {
    pub content_type: String,
    pub bytes: Vec<u8>,
}
