//! What the fake Telnyx account holds when it starts.

use std::collections::BTreeMap;

/// A number in the inventory the fake sells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeNumber {
    /// E.164.
    pub phone_number: String,
    /// ISO alpha-2, e.g. `US`.
    pub country: String,
    /// The state (`region_type: state`).
    pub state: Option<String>,
    /// The place (`region_type: location`).
    pub locality: Option<String>,
    /// `voice`, `sms`, `mms`, …
    pub features: Vec<String>,
}

impl FakeNumber {
    /// A US number with voice and SMS.
    pub fn us(phone_number: &str, state: &str, locality: &str) -> Self {
        Self {
            phone_number: phone_number.to_owned(),
            country: "US".to_owned(),
            state: Some(state.to_owned()),
            locality: Some(locality.to_owned()),
            features: vec!["voice".to_owned(), "sms".to_owned()],
        }
    }
}

/// How the far end of an outbound call behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Callee {
    /// A person answers.
    #[default]
    Answer,
    /// Voicemail answers (machine detection says `machine`).
    Machine,
    /// `call.hangup` with `user_busy`.
    Busy,
    /// `call.hangup` with `timeout` after nobody answered.
    NoAnswer,
}

#[derive(Debug, Clone)]
pub struct FakeTelnyxConfig {
    /// The key `Authorization: Bearer` must carry.
    pub api_key: String,
    /// Call Control applications: id → webhook URL (inbound calls, and outbound ones dialled
    /// without `webhook_url`). A URL may be set later with
    /// [`super::FakeTelnyx::set_connection_webhook`].
    pub connections: BTreeMap<String, String>,
    /// Messaging profiles: id → webhook URL (inbound SMS, and delivery reports of messages
    /// sent without `webhook_url`).
    pub messaging_profiles: BTreeMap<String, String>,
    /// The inventory searches and orders draw from.
    pub inventory: Vec<FakeNumber>,
    /// Numbers the account holds at start, unassigned.
    pub owned: Vec<String>,
    /// Seed of the webhook signing key.
    pub signing_seed: [u8; 32],
}

impl FakeTelnyxConfig {
    /// One Call Control application and one messaging profile, no webhook URLs yet.
    pub fn new(api_key: &str, connection_id: &str, messaging_profile_id: &str) -> Self {
        Self {
            api_key: api_key.to_owned(),
            connections: BTreeMap::from([(connection_id.to_owned(), String::new())]),
            messaging_profiles: BTreeMap::from([(messaging_profile_id.to_owned(), String::new())]),
            inventory: Vec::new(),
            owned: Vec::new(),
            signing_seed: [7; 32],
        }
    }

    pub fn inventory(mut self, numbers: Vec<FakeNumber>) -> Self {
        self.inventory = numbers;
        self
    }

    pub fn owned(mut self, numbers: &[&str]) -> Self {
        self.owned = numbers.iter().map(|n| (*n).to_owned()).collect();
        self
    }
}
