//! `sendSMS` and `getSMS`.

use super::client::VoipMsClient;
use super::client::{Inner, text};
use super::nanp;
use crate::carrier::{CarrierError, CarrierResult, OutboundSms, SentSms};

/// `sendSMS` refuses longer messages with `sms_toolong` (digest §5.2).
pub(super) const SMS_SEGMENT_LIMIT: usize = 160;

impl Inner {
    pub async fn send_sms(&self, sms: OutboundSms) -> CarrierResult<SentSms> {
        let from = nanp::to_did(self.name(), &sms.from)?;
        let to = nanp::to_did(self.name(), &sms.to)?;
        let reply = self
            .call(
                "sendSMS",
                &[("did", &from), ("dst", &to), ("message", &sms.body)],
            )
            .await?;
        let id = reply.as_ref().and_then(|r| text(r, "sms"));
        id.map(|carrier_message_id| SentSms { carrier_message_id })
            .ok_or_else(|| CarrierError::Protocol {
                carrier: self.name().to_owned(),
                reason: "sendSMS reply has no sms id".into(),
            })
    }
}

/// Which stored texts `getSMS` returns.
#[derive(Debug, Clone, Default)]
pub struct SmsQuery {
    /// Only texts to or from this DID (E.164).
    pub did: Option<String>,
    /// Only received texts (`type=1`); otherwise both directions.
    pub received_only: bool,
    /// `YYYY-MM-DD`, VoIP.ms's own dates; it defaults both to today.
    pub from_date: Option<String>,
    pub to_date: Option<String>,
    /// At most this many (VoIP.ms's default is 50).
    pub limit: Option<u32>,
}

/// A text as VoIP.ms keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSms {
    pub id: String,
    /// `YYYY-MM-DD HH:MM:SS`, in the account's time zone.
    pub date: String,
    pub received: bool,
    /// Our DID, E.164.
    pub did: String,
    /// The other party, E.164.
    pub contact: String,
    pub message: String,
}

impl VoipMsClient {
    /// The account's texts, newest first (`getSMS`): for catching up on callbacks that never
    /// arrived. `no_sms` is an empty list.
    pub async fn get_sms(&self, query: &SmsQuery) -> CarrierResult<Vec<StoredSms>> {
        let inner = &self.inner;
        let did = query
            .did
            .as_deref()
            .map(|did| nanp::to_did(inner.name(), did))
            .transpose()?;
        let limit = query.limit.map(|l| l.to_string());
        let mut params: Vec<(&str, &str)> = Vec::new();
        if let Some(did) = &did {
            params.push(("did", did));
        }
        if query.received_only {
            params.push(("type", "1"));
        }
        if let Some(from) = &query.from_date {
            params.push(("from", from));
        }
        if let Some(to) = &query.to_date {
            params.push(("to", to));
        }
        if let Some(limit) = &limit {
            params.push(("limit", limit));
        }
        let Some(reply) = inner.call("getSMS", &params).await? else {
            return Ok(Vec::new());
        };
        let unreadable = |reason: &str| CarrierError::Protocol {
            carrier: inner.name().to_owned(),
            reason: format!("getSMS reply: {reason}"),
        };
        let items = reply
            .get("sms")
            .and_then(|v| v.as_array())
            .ok_or_else(|| unreadable("no sms list"))?;
        items
            .iter()
            .map(|item| {
                let field = |key: &str| text(item, key).ok_or_else(|| unreadable(key));
                let number = |key: &str| {
                    let raw = field(key)?;
                    nanp::to_e164(&raw).ok_or_else(|| unreadable(key))
                };
                Ok(StoredSms {
                    id: field("id")?,
                    date: field("date")?,
                    received: field("type")? == "1",
                    did: number("did")?,
                    contact: number("contact")?,
                    message: field("message")?,
                })
            })
            .collect()
    }
}
