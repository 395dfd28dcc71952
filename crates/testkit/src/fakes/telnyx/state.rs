//! What the fake account holds and what happened to it; the observation types tests read.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::config::{Callee, FakeTelnyxConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Outbound, not answered yet.
    Ringing,
    /// Inbound, waiting for `answer`.
    Parked,
    Answered,
    Ended,
}

/// A Call Control command the fake received for a call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallAction {
    /// `answer`, `hangup`, `transfer`, `streaming_start`.
    pub action: String,
    pub body: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FakeCall {
    pub call_control_id: String,
    pub call_leg_id: String,
    pub call_session_id: String,
    pub connection_id: String,
    /// `incoming` or `outgoing`.
    pub direction: &'static str,
    pub from: String,
    pub to: String,
    /// Where this call's events go.
    pub webhook_url: String,
    /// As last sent (base64); Telnyx echoes it on later events.
    pub client_state: Option<String>,
    /// The dial request's body (outbound calls).
    pub dial: Option<Value>,
    pub state: CallState,
    pub actions: Vec<CallAction>,
    /// `stream_url`s from `streaming_start`, in order.
    pub streams: Vec<String>,
    pub(super) started_at: String,
}

impl FakeCall {
    pub(super) fn records(&self) -> bool {
        self.dial
            .as_ref()
            .and_then(|d| d.get("record"))
            .and_then(Value::as_str)
            == Some("record-from-answer")
    }

    pub(super) fn machine_detection(&self) -> Option<&str> {
        self.dial
            .as_ref()?
            .get("answering_machine_detection")?
            .as_str()
    }
}

/// A number on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOwnedNumber {
    pub id: String,
    pub phone_number: String,
    pub connection_id: Option<String>,
    pub messaging_profile_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeMessage {
    pub id: String,
    /// `inbound` or `outbound`.
    pub direction: &'static str,
    pub from: String,
    pub to: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub calls: Vec<FakeCall>,
    pub owned: Vec<FakeOwnedNumber>,
    /// Ordered, not yet active (knob `hold_orders`).
    pub pending: Vec<FakeOwnedNumber>,
    pub released: Vec<FakeOwnedNumber>,
    pub messages: Vec<FakeMessage>,
    /// (our number, their number) pairs where they texted STOP.
    pub blocked: BTreeSet<(String, String)>,
    pub recordings: BTreeMap<String, Vec<u8>>,
    pub callees: BTreeMap<String, Callee>,
    pub connections: BTreeMap<String, String>,
    pub messaging_profiles: BTreeMap<String, String>,
    next_number_id: u64,
}

impl State {
    pub fn new(config: &FakeTelnyxConfig) -> Self {
        let mut state = State {
            connections: config.connections.clone(),
            messaging_profiles: config.messaging_profiles.clone(),
            next_number_id: 1_293_384_261_075_731_400,
            ..State::default()
        };
        for number in &config.owned {
            let record = state.new_number(number, None, None);
            state.owned.push(record);
        }
        state
    }

    /// A phone-number record with a fresh numeric id, as Telnyx's ids are.
    pub fn new_number(
        &mut self,
        phone_number: &str,
        connection_id: Option<String>,
        messaging_profile_id: Option<String>,
    ) -> FakeOwnedNumber {
        self.next_number_id += 1;
        FakeOwnedNumber {
            id: self.next_number_id.to_string(),
            phone_number: phone_number.to_owned(),
            connection_id,
            messaging_profile_id,
        }
    }

    pub fn call_mut(&mut self, call_control_id: &str) -> Option<&mut FakeCall> {
        self.calls
            .iter_mut()
            .find(|call| call.call_control_id == call_control_id)
    }

    pub fn owned_by_number(&self, phone_number: &str) -> Option<&FakeOwnedNumber> {
        self.owned.iter().find(|n| n.phone_number == phone_number)
    }
}

/// A fresh id shaped like Telnyx's UUIDs.
pub(super) fn uuid() -> String {
    let hex = format!("{:032x}", u128::from(ulid::Ulid::new()));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Now, as Telnyx writes `occurred_at`.
pub(super) fn now_iso() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}
