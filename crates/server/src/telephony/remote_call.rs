//! Phoning someone to speak words that come from elsewhere (an MCP client, a verification
//! code): place a remote-controlled call and wait until it is live or over.

use std::collections::BTreeMap;
use std::time::Duration;

use switchboard_core::E164;
use switchboard_core::agent::AgentConfig;
use switchboard_store::{Call, PageRequest, PhoneNumber};
use switchboard_voice::conversation::RemoteControl;

use super::TelephonyError;
use super::options::CallOptions;
use super::outbound::{self, OutboundCall};
use crate::http::AppState;

/// How often the call row is read while waiting for the person to pick up.
const STATUS_POLL: Duration = Duration::from_millis(500);
/// How long after the ring timeout a call may take to connect its media stream.
const CONNECT_GRACE: Duration = Duration::from_secs(30);

/// What a remote-controlled call needs besides its words.
pub struct RemoteDial<'a> {
    pub tenant_id: &'a str,
    pub user_id: &'a str,
    pub to: E164,
    pub from: &'a PhoneNumber,
    pub max_duration_secs: u32,
    /// Stored with the call, e.g. `{"source": "mcp"}`.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// How a placed call turned out while we waited for it.
pub enum Connected {
    /// The person picked up and the media stream runs: speak through this.
    Live(RemoteControl),
    /// It ended without connecting (busy, no answer, failed), as stored.
    Over(Box<Call>),
}

/// Places the call: the platform's default voice and speech recognition, no LLM.
pub async fn dial(state: &AppState, request: RemoteDial<'_>) -> Result<Call, TelephonyError> {
    let agent = AgentConfig {
        max_duration_secs: request.max_duration_secs,
        ..remote_voice()
    };
    let options = CallOptions {
        remote: true,
        inline_agent: Some(agent),
        max_duration_secs: Some(request.max_duration_secs),
        ..CallOptions::default()
    };
    outbound::place(
        state,
        OutboundCall {
            tenant_id: request.tenant_id,
            user_id: Some(request.user_id),
            agent_id: None,
            to: request.to,
            from: request.from,
            variables: &BTreeMap::new(),
            metadata: &request.metadata,
            options,
        },
    )
    .await
}

/// Waits until `call` is live here (its stream joined) or over. `Ok(None)` when neither
/// happened in time (the call then still rings or connects elsewhere).
pub async fn connected(state: &AppState, call: &Call) -> Result<Option<Connected>, TelephonyError> {
    let ring = Duration::from_secs(u64::from(state.config.telephony.ring_timeout_seconds));
    let deadline = tokio::time::Instant::now() + ring + CONNECT_GRACE;
    loop {
        let joined = state.remote_calls.joined();
        if let Some(control) = state.remote_calls.get(&call.tenant_id, &call.id) {
            return Ok(Some(Connected::Live(control)));
        }
        let stored = state.store.get_call(&call.tenant_id, &call.id).await?;
        if stored.status().is_terminal() {
            return Ok(Some(Connected::Over(Box::new(stored))));
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(None);
        }
        // Woken at once when a stream joins; the row is read again at least this often.
        let _ = tokio::time::timeout(STATUS_POLL, joined).await;
    }
}

/// The tenant's first number that can do `what` (`voice` or `sms`), oldest first.
pub async fn tenant_number(
    state: &AppState,
    tenant_id: &str,
    sms: bool,
) -> Result<Option<PhoneNumber>, TelephonyError> {
    let numbers = state
        .store
        .list_phone_numbers(tenant_id, &PageRequest::first(100))
        .await?;
    Ok(numbers
        .items
        .into_iter()
        .find(|n| if sms { n.sms() } else { n.voice() }))
}

/// The agent a remote-controlled call runs with: only its voice, ears and limits matter.
fn remote_voice() -> AgentConfig {
    serde_json::from_value(serde_json::json!({
        "system_prompt": "Words on this call come from a remote controller, not a model.",
        // A person asked something may need time to think; the controller's own wait limit
        // decides when to give up, so the line only checks in now and then.
        "silence": {"reprompt_after_secs": 30, "hangup_after_secs": 600}
    }))
    .expect("the remote voice's configuration is valid")
}
