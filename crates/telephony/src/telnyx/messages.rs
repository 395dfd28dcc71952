//! Messaging: `POST /v2/messages`.

use reqwest::Method;
use serde_json::json;

use super::client::Inner;
use super::errors::OPTED_OUT;
use crate::carrier::{CarrierError, CarrierResult, OutboundSms, SentSms};

impl Inner {
    pub async fn send_sms(&self, sms: OutboundSms) -> CarrierResult<SentSms> {
        let mut body = json!({"from": sms.from, "to": sms.to, "text": sms.body});
        if let Some(profile) = &self.credentials.messaging_profile_id {
            body["messaging_profile_id"] = json!(profile);
        }
        if let Some(url) = &sms.status_url {
            body["webhook_url"] = json!(url);
        }
        let request = self
            .request(Method::POST, self.url(&["messages"]))
            .json(&body);
        match self.send(request, "the messaging profile").await {
            Ok(reply) => Ok(SentSms {
                carrier_message_id: self.field(&reply, "/data/id")?,
            }),
            Err(CarrierError::Rejected { code, .. }) if code == OPTED_OUT => {
                Err(CarrierError::OptedOut { to: sms.to })
            }
            Err(error) => Err(error),
        }
    }
}
