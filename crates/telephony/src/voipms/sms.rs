//! `sendSMS`.

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
