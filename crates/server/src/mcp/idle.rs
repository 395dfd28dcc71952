//! Calls an MCP client started end themselves when no tool has touched them for the idle
//! limit (the client crashed, the laptop slept): a short goodbye, then the line hangs up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_voice::conversation::RemoteControl;
use tokio::time::Instant;

const GOODBYE: &str = "I have to go now. Goodbye!";

/// The MCP calls live on this server, by call id.
pub struct McpCalls {
    idle_limit: Duration,
    live: Mutex<HashMap<String, Arc<Activity>>>,
}

struct Activity {
    last: Mutex<Instant>,
    /// Tool calls using the call right now; a call waiting on a reply is not idle.
    busy: AtomicUsize,
}

/// Held while a tool call uses a call; dropping it counts as the last activity.
pub struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        *self.0.last.lock().expect("activity lock") = Instant::now();
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Activity {
    fn enter(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::AcqRel);
        Busy(self.clone())
    }
}

impl McpCalls {
    pub fn new(idle_limit: Duration) -> Self {
        McpCalls {
            idle_limit,
            live: Mutex::default(),
        }
    }

    /// Starts watching a call that just connected; the guard marks the first tool call.
    pub fn watch(self: &Arc<Self>, call_id: &str, control: RemoteControl) -> Busy {
        let activity = Arc::new(Activity {
            last: Mutex::new(Instant::now()),
            busy: AtomicUsize::new(0),
        });
        let busy = activity.enter();
        self.live
            .lock()
            .expect("mcp calls lock")
            .insert(call_id.to_owned(), activity.clone());
        let calls = self.clone();
        let call_id = call_id.to_owned();
        tokio::spawn(async move {
            calls.hang_up_when_idle(&activity, &control).await;
            calls.live.lock().expect("mcp calls lock").remove(&call_id);
        });
        busy
    }

    /// Marks a tool call on `call_id`; `None` for calls this server does not watch.
    pub fn enter(&self, call_id: &str) -> Option<Busy> {
        let live = self.live.lock().expect("mcp calls lock");
        live.get(call_id).map(Activity::enter)
    }

    async fn hang_up_when_idle(&self, activity: &Activity, control: &RemoteControl) {
        // Checked often enough to notice the call ending without anyone touching it.
        let check = self.idle_limit.min(Duration::from_secs(5));
        loop {
            if control.is_ended() {
                return;
            }
            let idle_since = *activity.last.lock().expect("activity lock");
            let busy = activity.busy.load(Ordering::Acquire) > 0;
            if !busy && idle_since.elapsed() >= self.idle_limit {
                tracing::info!("an MCP call went idle; hanging up");
                let _ = control.hang_up(Some(GOODBYE.into())).await;
                return;
            }
            tokio::time::sleep(check).await;
        }
    }
}
