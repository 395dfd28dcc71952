//! The live media sessions of this replica: counted for metrics, drained on shutdown.

use std::sync::atomic::AtomicI64;
use std::time::Duration;

use prometheus_client::metrics::gauge::Gauge;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Default)]
pub struct LiveSessions {
    tracker: TaskTracker,
    end_all: CancellationToken,
    active: Gauge<i64, AtomicI64>,
}

impl LiveSessions {
    /// The gauge the metrics registry exposes as `switchboard_media_sessions_active`.
    pub fn gauge(&self) -> Gauge<i64, AtomicI64> {
        self.active.clone()
    }

    pub fn active(&self) -> i64 {
        self.active.get()
    }

    pub fn tracker(&self) -> &TaskTracker {
        &self.tracker
    }

    /// Fires when live sessions must end (the drain's grace period is over).
    pub fn end_all(&self) -> &CancellationToken {
        &self.end_all
    }

    /// Counts a session for as long as the guard lives.
    pub fn enter(&self) -> ActiveGuard<'_> {
        self.active.inc();
        ActiveGuard(&self.active)
    }

    /// Lets live calls finish until `deadline`, then ends the rest and waits (briefly) for them
    /// to close their sockets.
    pub async fn drain_until(&self, deadline: tokio::time::Instant) {
        self.tracker.close();
        if tokio::time::timeout_at(deadline, self.tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                active = self.active(),
                "ending live calls still running at the shutdown deadline"
            );
            self.end_all.cancel();
            if tokio::time::timeout(ENDING_WAIT, self.tracker.wait())
                .await
                .is_err()
            {
                tracing::warn!(
                    active = self.active(),
                    "some calls did not end in time; exiting anyway"
                );
            }
        }
    }
}

/// How long ended calls get to say goodbye to the carrier (close frames) at shutdown.
const ENDING_WAIT: Duration = Duration::from_secs(3);

pub struct ActiveGuard<'a>(&'a Gauge<i64, AtomicI64>);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}
