//! Callbacks of one call or message, delivered in the background and in order (or in the
//! disorder [`CallbackDelivery`] asks for), so a slow server never holds up the call.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::config::CallbackDelivery;
use super::records::WebhookKind;
use super::state::Shared;
use super::webhook;

/// A callback waiting to go out.
#[derive(Debug, Clone)]
pub(super) struct Callback {
    pub kind: WebhookKind,
    pub url: String,
    pub method: String,
    pub params: Vec<(String, String)>,
}

pub(super) struct Outbox {
    queue: mpsc::UnboundedSender<Callback>,
    task: JoinHandle<()>,
}

impl Outbox {
    /// Delivery for `sid` in the mode set now.
    pub fn start(shared: Arc<Shared>, sid: String) -> Self {
        let delivery = shared.state().delivery;
        let (queue, pending) = mpsc::unbounded_channel();
        let task = tokio::spawn(deliver(shared, sid, delivery, pending));
        Outbox { queue, task }
    }

    pub fn send(&self, callback: Callback) {
        let _ = self.queue.send(callback);
    }

    /// A handle for a task that posts later (asynchronous machine detection).
    pub fn sender(&self) -> mpsc::UnboundedSender<Callback> {
        self.queue.clone()
    }

    /// Waits until every callback queued (here or through a [`Outbox::sender`]) went out.
    pub async fn finish(self) {
        drop(self.queue);
        let _ = self.task.await;
    }
}

async fn deliver(
    shared: Arc<Shared>,
    sid: String,
    delivery: CallbackDelivery,
    mut pending: mpsc::UnboundedReceiver<Callback>,
) {
    let post = |callback: Callback| {
        let shared = shared.clone();
        let sid = sid.clone();
        async move {
            let times = if delivery == CallbackDelivery::Duplicated {
                2
            } else {
                1
            };
            for _ in 0..times {
                let c = callback.clone();
                webhook::send(&shared, c.kind, &sid, &c.url, &c.method, c.params).await;
            }
        }
    };
    let mut held: Option<Callback> = None;
    while let Some(callback) = pending.recv().await {
        let is_status = matches!(
            callback.kind,
            WebhookKind::CallStatus | WebhookKind::MessageStatus
        );
        if delivery == CallbackDelivery::Swapped && is_status {
            match held.take() {
                None => held = Some(callback),
                Some(first) => {
                    post(callback).await;
                    post(first).await;
                }
            }
        } else {
            post(callback).await;
        }
    }
    if let Some(last) = held {
        post(last).await;
    }
}
