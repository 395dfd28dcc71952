//! A fake Twilio account (`shared/protocols/telephony.md` §1–4) that behaves like Twilio
//! toward our server: the REST API on 127.0.0.1, and calls that really happen — signed
//! status callbacks, TwiML fetched and run, media streams answered by a
//! [`SimulatedCaller`](crate::caller::SimulatedCaller), recordings, SMS with Twilio's
//! opt-out rules.
//!
//! ```ignore
//! let fake = FakeTwilio::start(FakeTwilioConfig::with_token("token").owns("+14155550100")).await?;
//! let twilio = TwilioClient::new(fake.credentials("test"), CarrierTimeouts::default())?;
//! let placed = twilio.place_call(call).await?;              // the fake rings, answers, asks for TwiML…
//! let call = fake.wait_for_call_end(&placed.carrier_call_id, Duration::from_secs(10)).await?;
//! assert_eq!(call.said(), ["Hello"]);
//! ```
//!
//! The server can run it in-process as the demo "simulator" carrier: start-up is one
//! listener, and nothing here panics on bad input.

mod call;
mod config;
mod outbox;
mod pool;
mod records;
mod rest;
mod sms;
mod state;
mod twiml;
mod webhook;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use switchboard_telephony::twilio::rest::TwilioCredentials;

pub use config::{CallbackDelivery, Callee, FakeTwilioConfig, Timing, UrlRewrite};
pub use records::{
    CallEvent, CallRecord, FakeTwilioError, InboundSmsOutcome, MessageRecord, NumberRecord,
    StreamRecord, Transfer, TwimlDocument, WebhookKind, WebhookRecord,
};

use self::call::{CallSpec, Direction, Hook};
use self::state::{Shared, Source};
use super::{FakeServer, Faults, Recorder};
use crate::caller::{Script, random_sid};

/// A running fake Twilio. Dropping it stops the server (calls in flight stop with it).
pub struct FakeTwilio {
    server: FakeServer,
    shared: Arc<Shared>,
}

impl FakeTwilio {
    /// Listens on 127.0.0.1 at `config.port`.
    pub async fn start(config: FakeTwilioConfig) -> std::io::Result<Self> {
        let http = reqwest::Client::builder()
            .build()
            .map_err(std::io::Error::other)?;
        let port = config.port;
        let shared = Arc::new(Shared::new(config, http));
        let server = FakeServer::start(rest::router(shared.clone()), port).await?;
        let _ = shared.base_url.set(server.http_url());
        Ok(FakeTwilio { server, shared })
    }

    /// `http://127.0.0.1:PORT`: the client's base URL.
    pub fn base_url(&self) -> String {
        self.server.http_url()
    }

    pub fn server(&self) -> &FakeServer {
        &self.server
    }

    pub fn account_sid(&self) -> &str {
        &self.shared.config.account_sid
    }

    pub fn auth_token(&self) -> &str {
        &self.shared.config.auth_token
    }

    /// Credentials for a client of this fake, named `name`.
    pub fn credentials(&self, name: &str) -> TwilioCredentials {
        TwilioCredentials::new(name, self.account_sid(), self.auth_token())
            .base_url(self.base_url())
    }

    /// How calls to `number` go from now on.
    pub fn set_callee(&self, number: impl Into<String>, callee: Callee) {
        self.shared.state().callees.insert(number.into(), callee);
    }

    pub fn set_default_callee(&self, callee: Callee) {
        self.shared.state().default_callee = callee;
    }

    /// Callback delivery for calls and messages that start from now on.
    pub fn set_delivery(&self, delivery: CallbackDelivery) {
        self.shared.state().delivery = delivery;
    }

    /// Latency and HTTP faults of the REST API (`first_byte`, `http_error`).
    pub fn set_faults(&self, faults: Faults) {
        *self
            .shared
            .faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = faults;
    }

    /// Every REST request received, as it arrived.
    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// Someone at `from` calls our number `to` and, once a stream opens, says `script`.
    /// Twilio asks the number's voice URL for TwiML (`CallStatus=ringing`,
    /// `Direction=inbound`) and runs it; the number's status callback hears `completed`.
    /// Returns the call's sid at once.
    pub fn inbound_call(
        &self,
        from: &str,
        to: &str,
        script: Script,
    ) -> Result<String, FakeTwilioError> {
        if !wire::is_e164(from) {
            return Err(FakeTwilioError::InvalidNumber(from.to_owned()));
        }
        let number = self.number(to)?;
        let voice_url = number.voice_url.ok_or_else(|| FakeTwilioError::NoWebhook {
            number: to.to_owned(),
            which: "voice",
        })?;
        let sid = random_sid("CA");
        let spec = CallSpec {
            sid: sid.clone(),
            direction: Direction::Inbound,
            from: from.to_owned(),
            to: to.to_owned(),
            first: Source::Url {
                url: voice_url,
                method: number.voice_method,
            },
            status: number.status_callback.map(|url| call::StatusHook {
                hook: Hook {
                    url,
                    method: "POST".to_owned(),
                },
                events: Vec::new(),
            }),
            time_limit: None,
            record: None,
            detection: None,
            callee: Callee::Answer(script),
        };
        rest::start_call(&self.shared, spec);
        Ok(sid)
    }

    /// `from` texts `body` to our number `to`: Twilio applies its STOP/START/HELP rules,
    /// posts the signed `SmsUrl` webhook, and sends back any `<Message>` in the reply.
    pub async fn inbound_sms(
        &self,
        from: &str,
        to: &str,
        body: &str,
    ) -> Result<InboundSmsOutcome, FakeTwilioError> {
        if !wire::is_e164(from) {
            return Err(FakeTwilioError::InvalidNumber(from.to_owned()));
        }
        let number = self.number(to)?;
        let url = number.sms_url.ok_or_else(|| FakeTwilioError::NoWebhook {
            number: to.to_owned(),
            which: "SMS",
        })?;
        let hook = Hook {
            url,
            method: number.sms_method,
        };
        Ok(sms::receive(&self.shared, from, to, body, hook).await)
    }

    fn number(&self, phone_number: &str) -> Result<NumberRecord, FakeTwilioError> {
        self.shared
            .state()
            .number(phone_number)
            .map(|n| n.record.clone())
            .ok_or_else(|| FakeTwilioError::UnknownNumber(phone_number.to_owned()))
    }

    /// Every call, oldest first.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.shared
            .state()
            .calls
            .iter()
            .map(|c| c.record.clone())
            .collect()
    }

    pub fn call(&self, sid: &str) -> Option<CallRecord> {
        self.shared.state().call(sid).map(|c| c.record.clone())
    }

    /// Waits until call `sid` is over and all its callbacks were delivered.
    pub async fn wait_for_call_end(
        &self,
        sid: &str,
        within: Duration,
    ) -> Result<CallRecord, FakeTwilioError> {
        let wait = async {
            loop {
                let changed = self.shared.changed.notified();
                match self.call(sid) {
                    None => return Err(FakeTwilioError::UnknownCall(sid.to_owned())),
                    Some(call) if call.finished => return Ok(call),
                    Some(_) => changed.await,
                }
            }
        };
        tokio::time::timeout(within, wait)
            .await
            .unwrap_or_else(|_| {
                Err(FakeTwilioError::StillRunning {
                    sid: sid.to_owned(),
                    within,
                })
            })
    }

    /// Every request the fake made to the server, in order.
    pub fn webhooks(&self) -> Vec<WebhookRecord> {
        self.shared.state().webhooks.clone()
    }

    /// The webhooks about one call or message.
    pub fn webhooks_for(&self, sid: &str) -> Vec<WebhookRecord> {
        self.shared
            .state()
            .webhooks
            .iter()
            .filter(|w| w.sid == sid)
            .cloned()
            .collect()
    }

    /// Every message sent, received or auto-replied, oldest first.
    pub fn messages(&self) -> Vec<MessageRecord> {
        self.shared
            .state()
            .messages
            .iter()
            .map(|m| m.record.clone())
            .collect()
    }

    /// The numbers the account holds now.
    pub fn numbers(&self) -> Vec<NumberRecord> {
        self.shared
            .state()
            .numbers
            .iter()
            .map(|n| n.record.clone())
            .collect()
    }

    /// Whether `texter` has opted out of messages from our `number`.
    pub fn opted_out(&self, texter: &str, number: &str) -> bool {
        self.shared
            .state()
            .opt_outs
            .contains(&(texter.to_owned(), number.to_owned()))
    }
}
