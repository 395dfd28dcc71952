//! Long waits (the phone ringing, the person thinking) send `notifications/progress` now and
//! then, so MCP clients that time out quiet requests keep waiting.

use std::future::Future;
use std::time::Duration;

use rmcp::RoleServer;
use rmcp::model::ProgressNotificationParam;
use rmcp::service::RequestContext;

/// What came of waiting.
pub enum Waited<T> {
    Done(T),
    /// The client cancelled the request (`notifications/cancelled`).
    Cancelled,
}

/// Runs `work`, sending a progress notification every `every` while it runs (if the request
/// asked for progress), and stops early if the client cancels.
pub async fn with_progress<F: Future>(
    context: &RequestContext<RoleServer>,
    every: Duration,
    what: &str,
    work: F,
) -> Waited<F::Output> {
    let token = context.meta.get_progress_token();
    let started = tokio::time::Instant::now();
    let mut ticks = tokio::time::interval_at(started + every, every);
    let mut sent = 0u32;
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return Waited::Done(done),
            () = context.ct.cancelled() => return Waited::Cancelled,
            _ = ticks.tick(), if token.is_some() => {
                sent += 1;
                let Some(token) = token.clone() else { continue };
                let message = format!("{what} ({} s)", started.elapsed().as_secs());
                let progress = ProgressNotificationParam::new(token, f64::from(sent))
                    .with_message(message);
                // A client that stopped listening is no reason to stop waiting.
                let _ = context.peer.notify_progress(progress).await;
            }
        }
    }
}
