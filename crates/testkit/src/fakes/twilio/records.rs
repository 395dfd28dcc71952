//! What a test (or the demo dashboard) can see of the fake: calls, callbacks, messages,
//! numbers. Every record is a snapshot; ask again for fresh ones.

use std::collections::BTreeMap;
use std::time::Duration;

use switchboard_telephony::twilio::callbacks::{AnsweredBy, CallStatus};

use crate::caller::CallReport;

/// One call, outbound (`outbound-api`) or inbound.
#[derive(Debug, Clone)]
pub struct CallRecord {
    pub sid: String,
    /// `outbound-api` or `inbound`.
    pub direction: String,
    pub from: String,
    pub to: String,
    pub status: CallStatus,
    /// Every status the call went through, `queued` first.
    pub status_history: Vec<CallStatus>,
    pub answered_by: Option<AnsweredBy>,
    /// Seconds from answer to end, once over.
    pub duration: Option<u64>,
    /// The `Calls.json` form that created it (empty for inbound calls).
    pub request: Vec<(String, String)>,
    /// Every TwiML document the call ran, in order.
    pub documents: Vec<TwimlDocument>,
    /// What the call did, verb by verb.
    pub events: Vec<CallEvent>,
    /// Every media stream, with the simulated caller's report.
    pub streams: Vec<StreamRecord>,
    /// Twilio's error notifications (`11200`, `12100`, `31920`, …) and unsupported verbs.
    pub errors: Vec<String>,
    /// `RE…` when the call was recorded.
    pub recording_sid: Option<String>,
    /// The final status is set and every callback was delivered.
    pub finished: bool,
}

impl CallRecord {
    /// The text of every `<Say>`, in order.
    pub fn said(&self) -> Vec<&str> {
        self.events
            .iter()
            .filter_map(|e| match e {
                CallEvent::Said(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The URL of every `<Play>`, in order.
    pub fn played(&self) -> Vec<&str> {
        self.events
            .iter()
            .filter_map(|e| match e {
                CallEvent::Played(url) => Some(url.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every `<Dial>`, in order.
    pub fn transfers(&self) -> Vec<&Transfer> {
        self.events
            .iter()
            .filter_map(|e| match e {
                CallEvent::Dialed(transfer) => Some(transfer),
                _ => None,
            })
            .collect()
    }

    /// The last stream's report, if a stream ran and its caller connected.
    pub fn caller_report(&self) -> Option<&CallReport> {
        self.streams.iter().rev().find_map(|s| s.report.as_ref())
    }
}

/// TwiML the call ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwimlDocument {
    /// Where it came from (the public URL), or `None` for `Twiml=` on the REST API.
    pub url: Option<String>,
    pub twiml: String,
}

/// A verb executed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    Said(String),
    Played(String),
    Paused(u32),
    Redirected(String),
    Dialed(Transfer),
    /// A `<Connect><Stream>` opened (index into [`CallRecord::streams`]).
    Streamed(usize),
    HungUp,
    /// The REST API replaced the running TwiML.
    Updated,
}

/// A `<Dial>`: where the caller was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub to: String,
    pub caller_id: Option<String>,
    /// How the dialled leg went, by that number's [`Callee`](super::Callee).
    pub outcome: CallStatus,
}

/// One `<Connect><Stream>`.
#[derive(Debug, Clone)]
pub struct StreamRecord {
    /// As in the TwiML (the signed URL).
    pub url: String,
    /// Where the caller really dialled.
    pub dialled: String,
    pub parameters: BTreeMap<String, String>,
    /// `None` if the caller could not connect (see `error`).
    pub report: Option<CallReport>,
    pub error: Option<String>,
}

/// What the fake's webhooks were for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookKind {
    /// A voice URL, `<Redirect>`, `<Connect action>`, `<Dial action>` or `Url=` update:
    /// asks for TwiML.
    Voice,
    CallStatus,
    Recording,
    MachineDetection,
    /// An incoming SMS: asks for messaging TwiML.
    Sms,
    MessageStatus,
}

/// One request the fake made to the server.
#[derive(Debug, Clone)]
pub struct WebhookRecord {
    pub kind: WebhookKind,
    /// The call or message it is about.
    pub sid: String,
    /// The public URL, which the signature covers.
    pub url: String,
    /// Where it was sent (differs under [`UrlRewrite`](super::UrlRewrite)).
    pub delivered_to: String,
    pub method: String,
    pub params: Vec<(String, String)>,
    /// `X-Twilio-Signature`.
    pub signature: String,
    /// The answer's status; `None` when there was no answer (see `error`).
    pub status: Option<u16>,
    pub error: Option<String>,
    /// How long after the fake started it was sent.
    pub at: Duration,
}

impl WebhookRecord {
    /// The first value of a form field.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A message sent, received or auto-replied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub sid: String,
    /// `outbound-api`, `outbound-reply` (TwiML `<Message>` or Twilio's own opt-out reply)
    /// or `inbound`.
    pub direction: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub status: String,
    pub num_segments: u32,
    /// Twilio's own reply to STOP, START or HELP.
    pub auto_reply: bool,
    pub error_code: Option<u32>,
}

/// A number the account holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRecord {
    pub sid: String,
    pub phone_number: String,
    pub voice_url: Option<String>,
    pub voice_method: String,
    pub sms_url: Option<String>,
    pub sms_method: String,
    pub status_callback: Option<String>,
    pub friendly_name: String,
}

/// What an incoming SMS led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundSmsOutcome {
    pub sid: String,
    /// The webhook's answer status (`None`: no answer).
    pub status: Option<u16>,
    /// The bodies of the TwiML `<Message>` replies, sent back to the texter.
    pub replies: Vec<String>,
}

/// Why the fake could not do what the test asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FakeTwilioError {
    #[error("{0} is not an E.164 number")]
    InvalidNumber(String),
    #[error("the account does not hold {0}")]
    UnknownNumber(String),
    #[error("{number} has no {which} URL")]
    NoWebhook { number: String, which: &'static str },
    #[error("no call {0}")]
    UnknownCall(String),
    #[error("call {sid} did not end within {within:?}")]
    StillRunning { sid: String, within: Duration },
}
