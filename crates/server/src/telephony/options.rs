//! How a carrier call was asked to run, stored with it (`calls.options`) so the webhooks
//! that answer it later know.

use serde::{Deserialize, Serialize};
use switchboard_core::agent::AgentConfig;

use crate::calls::Control;

/// What to do when answering-machine detection says a machine picked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MachinePolicy {
    /// End the call.
    Hangup,
    /// Wait for the beep, say `voicemail_message`, then end the call.
    Voicemail,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CallOptions {
    /// Who speaks for the agent.
    #[serde(default)]
    pub remote: bool,
    /// The carrier records the call.
    #[serde(default)]
    pub record: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_policy: Option<MachinePolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voicemail_message: Option<String>,
    /// An agent given inline with the call instead of by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_agent: Option<AgentConfig>,
    /// Replaces the agent's `max_duration_secs` for this call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_secs: Option<u32>,
}

impl CallOptions {
    /// Reads a stored call's options; a damaged document reads as the defaults.
    pub fn of(raw: &str) -> Self {
        serde_json::from_str(raw).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    pub fn control(&self) -> Control {
        if self.remote {
            Control::Remote
        } else {
            Control::Agent
        }
    }
}
