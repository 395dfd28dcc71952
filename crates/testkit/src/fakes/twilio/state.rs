//! The account's state, shared by the REST handlers, the running calls and the test's handle.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, OnceLock};

use jiff::Timestamp;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use super::config::{CallbackDelivery, Callee, FakeTwilioConfig};
use super::records::{CallRecord, MessageRecord, NumberRecord, WebhookRecord};
use crate::fakes::{Faults, Recorder};

/// What the REST API asks of a live call.
#[derive(Debug, Clone)]
pub(super) enum Interrupt {
    /// `Status=completed` (or `canceled` before the answer): a ringing call is canceled,
    /// a live one completed.
    End,
    /// `Twiml=…` or `Url=…`: stop what the call is doing and run this instead.
    Replace(Source),
}

/// Where TwiML comes from.
#[derive(Debug, Clone)]
pub(super) enum Source {
    Url { url: String, method: String },
    Inline(String),
}

pub(super) struct CallEntry {
    pub record: CallRecord,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub started: Option<Timestamp>,
    pub ended: Option<Timestamp>,
    /// Reaches the running call; `None` once it is over.
    pub control: Option<mpsc::UnboundedSender<Interrupt>>,
}

pub(super) struct MessageEntry {
    pub record: MessageRecord,
    pub created: Timestamp,
}

pub(super) struct NumberEntry {
    pub record: NumberRecord,
    pub created: Timestamp,
}

pub(super) struct RecordingEntry {
    pub call_sid: String,
    pub wav: Vec<u8>,
    pub duration: u64,
    pub created: Timestamp,
}

pub(super) struct State {
    pub calls: Vec<CallEntry>,
    pub messages: Vec<MessageEntry>,
    pub numbers: Vec<NumberEntry>,
    /// (texter, our number) pairs blocked by STOP.
    pub opt_outs: HashSet<(String, String)>,
    pub recordings: HashMap<String, RecordingEntry>,
    pub webhooks: Vec<WebhookRecord>,
    pub callees: BTreeMap<String, Callee>,
    pub default_callee: Callee,
    pub delivery: CallbackDelivery,
}

impl State {
    pub fn call(&self, sid: &str) -> Option<&CallEntry> {
        self.calls.iter().find(|c| c.record.sid == sid)
    }

    pub fn call_mut(&mut self, sid: &str) -> Option<&mut CallEntry> {
        self.calls.iter_mut().find(|c| c.record.sid == sid)
    }

    pub fn number(&self, phone_number: &str) -> Option<&NumberEntry> {
        self.numbers
            .iter()
            .find(|n| n.record.phone_number == phone_number)
    }

    pub fn callee(&self, number: &str) -> Callee {
        self.callees
            .get(number)
            .unwrap_or(&self.default_callee)
            .clone()
    }
}

/// Everything the fake's tasks share.
pub(super) struct Shared {
    pub config: FakeTwilioConfig,
    /// `http://127.0.0.1:PORT`, known once the server listens.
    pub base_url: OnceLock<String>,
    pub http: reqwest::Client,
    pub started: Instant,
    state: Mutex<State>,
    /// Woken whenever a call changes.
    pub changed: Notify,
    pub recorder: Recorder,
    pub faults: Mutex<Faults>,
}

impl Shared {
    pub fn new(config: FakeTwilioConfig, http: reqwest::Client) -> Self {
        let now = Timestamp::now();
        let numbers = config
            .owned_numbers
            .iter()
            .map(|number| NumberEntry {
                record: NumberRecord {
                    sid: crate::caller::random_sid("PN"),
                    phone_number: number.clone(),
                    voice_url: None,
                    voice_method: "POST".to_owned(),
                    sms_url: None,
                    sms_method: "POST".to_owned(),
                    status_callback: None,
                    friendly_name: super::wire::formatted(number),
                },
                created: now,
            })
            .collect();
        let state = State {
            calls: Vec::new(),
            messages: Vec::new(),
            numbers,
            opt_outs: HashSet::new(),
            recordings: HashMap::new(),
            webhooks: Vec::new(),
            callees: config.callees.clone(),
            default_callee: config.default_callee.clone(),
            delivery: config.delivery,
        };
        Shared {
            config,
            base_url: OnceLock::new(),
            http,
            started: Instant::now(),
            state: Mutex::new(state),
            changed: Notify::new(),
            recorder: Recorder::default(),
            faults: Mutex::new(Faults::default()),
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes call `sid` and wakes whoever waits on calls.
    pub fn update_call(&self, sid: &str, change: impl FnOnce(&mut CallEntry)) {
        if let Some(entry) = self.state().call_mut(sid) {
            change(entry);
            entry.updated = Timestamp::now();
        }
        self.changed.notify_waiters();
    }

    pub fn base_url(&self) -> &str {
        self.base_url.get().map_or("", String::as_str)
    }

    /// `/2010-04-01/Accounts/{AC}`.
    pub fn account_path(&self) -> String {
        format!(
            "/{}/Accounts/{}",
            super::wire::API_VERSION,
            self.config.account_sid
        )
    }
}
