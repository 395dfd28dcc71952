//! A fake VoIP.ms `rest.php` (digest §5): GET with the query or POST form, credentials,
//! the DID and SMS methods our client uses with all-string JSON, `sms_toolong` past 160
//! characters, and the inbound-SMS URL callback.
//!
//! ```ignore
//! let fake = FakeVoipMs::start(FakeVoipMsConfig::new("me@example.com", "pw")
//!     .inventory(vec![FakeDid::us("5551230001", "MIAMI", "FL")])).await?;
//! // a client with base_url fake.base_url()
//! let delivery = fake.inbound_sms("5550009999", "5551230001", "hi there").await;
//! assert!(!delivery.will_retry);
//! ```

mod callback;
mod config;
mod methods;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

pub use callback::CallbackDelivery;
pub use config::{FakeDid, FakeVoipMsConfig};

use super::{FakeServer, Recorder};

/// A DID on the account, as `getDIDsInfo` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeDidRecord {
    pub did: String,
    pub routing: String,
    pub pop: String,
    pub dialtime: String,
    pub cnam: String,
    pub billing_type: String,
    pub sms_available: bool,
    pub sms_enabled: bool,
    pub url_callback: String,
    pub url_callback_enabled: bool,
    pub url_callback_retry: bool,
}

impl FakeDidRecord {
    fn to_json(&self) -> Value {
        let flag = |on: bool| if on { "1" } else { "0" };
        json!({
            "did": self.did,
            "description": "",
            "routing": self.routing,
            "pop": self.pop,
            "dialtime": self.dialtime,
            "cnam": self.cnam,
            "billing_type": self.billing_type,
            "sms_available": flag(self.sms_available),
            "sms_enabled": flag(self.sms_enabled),
            "sms_url_callback": self.url_callback,
            "sms_url_callback_enabled": flag(self.url_callback_enabled),
            "sms_url_callback_retry": flag(self.url_callback_retry),
        })
    }
}

/// A message `sendSMS` accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeSentSms {
    pub id: String,
    pub did: String,
    pub dst: String,
    pub message: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub date: String,
}

/// A text someone sent to one of our DIDs, as `getSMS` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeReceivedSms {
    pub id: String,
    pub did: String,
    pub contact: String,
    pub message: String,
    pub date: String,
}

#[derive(Debug, Default)]
struct State {
    owned: Vec<FakeDidRecord>,
    cancelled: Vec<String>,
    sent: Vec<FakeSentSms>,
    received: Vec<FakeReceivedSms>,
    callbacks: Vec<CallbackDelivery>,
    forced_status: Option<String>,
    next_sms_id: u64,
    next_inbound_id: u64,
}

struct Shared {
    config: FakeVoipMsConfig,
    state: Mutex<State>,
    recorder: Recorder,
    http: reqwest::Client,
}

/// A running fake VoIP.ms. Dropping it stops the server.
pub struct FakeVoipMs {
    server: FakeServer,
    shared: Arc<Shared>,
}

impl FakeVoipMs {
    pub async fn start(config: FakeVoipMsConfig) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Starts on a given port (for `switchboard fakes`).
    pub async fn start_on(config: FakeVoipMsConfig, port: u16) -> std::io::Result<Self> {
        let owned = config
            .owned
            .iter()
            .map(|did| FakeDidRecord {
                did: did.clone(),
                sms_available: true,
                ..FakeDidRecord::default()
            })
            .collect();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(std::io::Error::other)?;
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State {
                owned,
                next_sms_id: 23_433,
                next_inbound_id: 111_119,
                ..State::default()
            }),
            recorder: Recorder::default(),
            http,
        });
        let server = FakeServer::start(methods::router(shared.clone()), port).await?;
        Ok(Self { server, shared })
    }

    /// `http://127.0.0.1:PORT/api/v1/rest.php`: the client's `base_url`.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.server.http_url(), methods::PATH)
    }

    pub fn server(&self) -> &FakeServer {
        &self.server
    }

    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// Answer every authenticated request with this status (e.g. `api_limit_exceeded`,
    /// `ip_not_enabled`) until cleared.
    pub fn force_status(&self, status: Option<&str>) {
        self.shared.state.lock().expect("state lock").forced_status = status.map(str::to_owned);
    }

    /// Someone texts our DID `to` (both 10 digits): the DID's callback is sent before this
    /// returns. Panics when `to` has no enabled URL callback.
    pub async fn inbound_sms(&self, from: &str, to: &str, message: &str) -> CallbackDelivery {
        callback::send(&self.shared, from, to, message).await
    }

    pub fn owned_dids(&self) -> Vec<FakeDidRecord> {
        self.shared.state.lock().expect("state lock").owned.clone()
    }

    pub fn cancelled_dids(&self) -> Vec<String> {
        self.shared
            .state
            .lock()
            .expect("state lock")
            .cancelled
            .clone()
    }

    pub fn sent_sms(&self) -> Vec<FakeSentSms> {
        self.shared.state.lock().expect("state lock").sent.clone()
    }

    pub fn callbacks(&self) -> Vec<CallbackDelivery> {
        self.shared
            .state
            .lock()
            .expect("state lock")
            .callbacks
            .clone()
    }
}
