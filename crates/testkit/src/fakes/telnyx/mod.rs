//! A fake Telnyx: the v2 REST API our client uses (Call Control, numbers, messaging) and
//! the signed webhooks Telnyx sends back.
//!
//! ```ignore
//! let fake = FakeTelnyx::start(FakeTelnyxConfig::new("KEY", "app-1", "profile-1")).await?;
//! fake.set_connection_webhook("app-1", &format!("{server}/webhooks/telnyx/voice"));
//! // a client with base_url fake.base_url() and key "KEY"; the server verifies webhooks
//! // with fake.public_key_base64()
//! let call_id = fake.inbound_call("+15550001111", "+15557654321").await;
//! assert!(fake.wait_for_webhooks(2, Duration::from_secs(2)).await);
//! ```
//!
//! A dial answers at once and then, in the background, sends `call.initiated` and what the
//! callee does ([`Callee`]): `call.answered` (and machine detection when asked) or
//! `call.hangup`. Commands answer at once too and send their events in the background
//! (`streaming.started`; `streaming.stopped`, `call.hangup` and `call.recording.saved` on a
//! hangup). A sent SMS gets `message.sent` and `message.finalized`. Inbound calls and texts
//! are sent before their method returns. Every request is recorded; every webhook too, with
//! the receiver's status. Telnyx never promises order or single delivery: the knobs
//! reorder and duplicate webhooks.

mod calls;
mod config;
mod messages;
mod numbers;
mod rest;
mod signer;
mod state;
mod webhooks;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::Notify;

pub use config::{Callee, FakeNumber, FakeTelnyxConfig};
pub use rest::Refusal;
pub use signer::TelnyxSigner;
pub use state::{CallAction, CallState, FakeCall, FakeMessage, FakeOwnedNumber};
pub use webhooks::WebhookDelivery;

use super::{FakeServer, Recorder};
use state::State;

#[derive(Debug, Default)]
struct Knobs {
    duplicate_webhooks: bool,
    reorder_webhooks: bool,
    refusal: Option<Refusal>,
    hold_orders: bool,
}

/// State shared by the server's handlers and the test's handle.
struct Shared {
    config: FakeTelnyxConfig,
    signer: TelnyxSigner,
    state: Mutex<State>,
    knobs: Mutex<Knobs>,
    deliveries: Mutex<Vec<WebhookDelivery>>,
    delivered: Notify,
    recorder: Recorder,
    http: reqwest::Client,
    base_url: OnceLock<String>,
}

impl Shared {
    fn base_url(&self) -> String {
        self.base_url.get().cloned().unwrap_or_default()
    }
}

/// A running fake Telnyx. Dropping it stops the server.
pub struct FakeTelnyx {
    server: FakeServer,
    shared: Arc<Shared>,
}

impl FakeTelnyx {
    pub async fn start(config: FakeTelnyxConfig) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Starts on a given port (for `switchboard fakes`).
    pub async fn start_on(config: FakeTelnyxConfig, port: u16) -> std::io::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(std::io::Error::other)?;
        let shared = Arc::new(Shared {
            signer: TelnyxSigner::from_seed(config.signing_seed),
            state: Mutex::new(State::new(&config)),
            config,
            knobs: Mutex::new(Knobs::default()),
            deliveries: Mutex::new(Vec::new()),
            delivered: Notify::new(),
            recorder: Recorder::default(),
            http,
            base_url: OnceLock::new(),
        });
        let server = FakeServer::start(rest::router(shared.clone()), port).await?;
        let _ = shared.base_url.set(server.http_url());
        Ok(Self { server, shared })
    }

    /// `http://127.0.0.1:PORT`: the client's `base_url` (it appends `/v2/…`).
    pub fn base_url(&self) -> String {
        self.server.http_url()
    }

    pub fn server(&self) -> &FakeServer {
        &self.server
    }

    /// The key webhooks are signed with, as the portal shows it.
    pub fn public_key_base64(&self) -> String {
        self.shared.signer.public_key_base64()
    }

    pub fn signer(&self) -> &TelnyxSigner {
        &self.shared.signer
    }

    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    // Configuration and knobs.

    /// Where a Call Control application's events go.
    pub fn set_connection_webhook(&self, connection_id: &str, url: &str) {
        let mut state = self.shared.state.lock().expect("state lock");
        state
            .connections
            .insert(connection_id.to_owned(), url.to_owned());
    }

    /// Where a messaging profile's events go.
    pub fn set_messaging_webhook(&self, messaging_profile_id: &str, url: &str) {
        let mut state = self.shared.state.lock().expect("state lock");
        state
            .messaging_profiles
            .insert(messaging_profile_id.to_owned(), url.to_owned());
    }

    /// How calls to `phone_number` go (default [`Callee::Answer`]).
    pub fn set_callee(&self, phone_number: &str, callee: Callee) {
        let mut state = self.shared.state.lock().expect("state lock");
        state.callees.insert(phone_number.to_owned(), callee);
    }

    /// Send every webhook twice (same event id).
    pub fn duplicate_webhooks(&self, on: bool) {
        self.shared
            .knobs
            .lock()
            .expect("knobs lock")
            .duplicate_webhooks = on;
    }

    /// Send the events one trigger produces in reverse order (e.g. `call.answered` before
    /// `call.initiated`).
    pub fn reorder_webhooks(&self, on: bool) {
        self.shared
            .knobs
            .lock()
            .expect("knobs lock")
            .reorder_webhooks = on;
    }

    /// Answer every authenticated request with this error until cleared.
    pub fn refuse(&self, refusal: Option<Refusal>) {
        self.shared.knobs.lock().expect("knobs lock").refusal = refusal;
    }

    /// Orders stay pending (the numbers are not listed) until [`Self::complete_orders`].
    pub fn hold_orders(&self, on: bool) {
        self.shared.knobs.lock().expect("knobs lock").hold_orders = on;
    }

    pub fn complete_orders(&self) {
        let mut state = self.shared.state.lock().expect("state lock");
        let pending = std::mem::take(&mut state.pending);
        state.owned.extend(pending);
    }

    // Driving.

    /// Someone calls our `to`: `call.initiated` (incoming, parked) goes to the number's
    /// application webhook before this returns. Returns the call control id.
    /// Panics when `to` is not on the account or not on an application.
    pub async fn inbound_call(&self, from: &str, to: &str) -> String {
        calls::inbound(&self.shared, from, to).await
    }

    /// The far end of a live call hangs up.
    pub async fn remote_hangup(&self, call_control_id: &str) {
        calls::remote_hangup(&self.shared, call_control_id).await
    }

    /// Someone texts our `to`: `message.received` goes to its messaging profile's webhook
    /// before this returns. `STOP` blocks later sends from `to` to `from`; `START` lifts it.
    pub async fn inbound_sms(&self, from: &str, to: &str, text: &str) {
        messages::inbound(&self.shared, from, to, text).await
    }

    // Observation.

    pub fn calls(&self) -> Vec<FakeCall> {
        self.shared.state.lock().expect("state lock").calls.clone()
    }

    pub fn call(&self, call_control_id: &str) -> Option<FakeCall> {
        let state = self.shared.state.lock().expect("state lock");
        let call = state
            .calls
            .iter()
            .find(|c| c.call_control_id == call_control_id);
        call.cloned()
    }

    pub fn webhooks(&self) -> Vec<WebhookDelivery> {
        self.shared
            .deliveries
            .lock()
            .expect("deliveries lock")
            .clone()
    }

    /// Waits until at least `count` webhooks were sent; false on timeout.
    pub async fn wait_for_webhooks(&self, count: usize, within: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.shared.delivered.notified();
                if self.webhooks().len() >= count {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(within, wait).await.is_ok()
    }

    /// Texts sent and received, in order.
    pub fn messages(&self) -> Vec<FakeMessage> {
        self.shared
            .state
            .lock()
            .expect("state lock")
            .messages
            .clone()
    }

    /// Numbers on the account (active ones; pending orders are not listed).
    pub fn owned_numbers(&self) -> Vec<FakeOwnedNumber> {
        self.shared.state.lock().expect("state lock").owned.clone()
    }

    pub fn released_numbers(&self) -> Vec<FakeOwnedNumber> {
        self.shared
            .state
            .lock()
            .expect("state lock")
            .released
            .clone()
    }
}
