//! Remote-controlled calls live on this server: their command handles, by call id, for the
//! API (and MCP) to drive. A handle lives from the stream joining to the call finishing.

use std::collections::HashMap;
use std::sync::Mutex;

use switchboard_voice::conversation::RemoteControl;

/// Who drives a call's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// The agent's LLM.
    Agent,
    /// Commands from the API: say, ask, hang up.
    Remote,
}

impl Control {
    /// The brain name its stream token carries.
    pub fn brain(self) -> &'static str {
        match self {
            Control::Agent => "agent",
            Control::Remote => "remote",
        }
    }
}

/// The remote-controlled calls running here.
#[derive(Debug, Default)]
pub struct RemoteCalls {
    live: Mutex<HashMap<String, (String, RemoteControl)>>,
    joined: tokio::sync::Notify,
}

impl RemoteCalls {
    pub fn insert(&self, tenant_id: &str, call_id: &str, control: RemoteControl) {
        self.live
            .lock()
            .expect("remote calls lock")
            .insert(call_id.to_owned(), (tenant_id.to_owned(), control));
        self.joined.notify_waiters();
    }

    /// Completes when the next call joins. Create it before looking, so a call joining
    /// in between still wakes it.
    pub fn joined(&self) -> tokio::sync::futures::Notified<'_> {
        self.joined.notified()
    }

    pub fn remove(&self, call_id: &str) {
        self.live.lock().expect("remote calls lock").remove(call_id);
    }

    /// The handle of `tenant_id`'s live call; `None` for another tenant's, an ended one, or
    /// one that is not remote-controlled.
    pub fn get(&self, tenant_id: &str, call_id: &str) -> Option<RemoteControl> {
        let live = self.live.lock().expect("remote calls lock");
        live.get(call_id)
            .filter(|(owner, _)| owner == tenant_id)
            .map(|(_, control)| control.clone())
    }
}
