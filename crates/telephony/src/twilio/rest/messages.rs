//! Messages: one SMS (digest §4.4).

use reqwest::Method;
use serde::Deserialize;

use super::client::Inner;
use super::errors::OPTED_OUT;
use crate::carrier::{CarrierError, CarrierResult, OutboundSms, SentSms};

/// Twilio's limit on one message body; it splits longer ones into segments itself.
pub(super) const SEGMENT_LIMIT: usize = 1600;

#[derive(Debug, Deserialize)]
struct MessageResource {
    sid: String,
}

impl Inner {
    pub async fn send_sms(&self, sms: OutboundSms) -> CarrierResult<SentSms> {
        let mut form = vec![
            ("To", sms.to.clone()),
            ("From", sms.from),
            ("Body", sms.body),
        ];
        if let Some(url) = sms.status_url {
            form.push(("StatusCallback", url));
        }
        let request = self
            .request(Method::POST, self.url(&["Messages"]))
            .form(&form);
        match self
            .send_json::<MessageResource>(request, "the Messages resource")
            .await
        {
            Ok(sent) => Ok(SentSms {
                carrier_message_id: sent.sid,
            }),
            Err(CarrierError::Rejected { code, .. }) if code == OPTED_OUT => {
                Err(CarrierError::OptedOut { to: sms.to })
            }
            Err(other) => Err(other),
        }
    }
}
