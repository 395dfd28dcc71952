//! DIDs: search, order, adopt one the account holds, cancel; SMS callbacks with `setSMS`.

use serde_json::Value;

use super::client::{Inner, text};
use super::nanp;
use crate::carrier::{
    AvailableNumber, CarrierError, CarrierResult, NumberCapabilities, NumberHooks, NumberSearch,
    OwnedNumber,
};

/// SMS-capable DIDs take MMS too (`sendMMS`) \[I\].
const CAPABILITIES: NumberCapabilities = NumberCapabilities {
    voice: true,
    sms: true,
    mms: true,
};

impl Inner {
    /// `searchDIDsUSA` / `searchDIDsCAN`: numbers starting with the area code, or containing
    /// the digits; with both, the area code is searched and the digits filtered here.
    pub async fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> CarrierResult<Vec<AvailableNumber>> {
        let method = match search.country.to_ascii_uppercase().as_str() {
            "US" => "searchDIDsUSA",
            "CA" => "searchDIDsCAN",
            _ => {
                return Err(self.refuse(
                    "unsupported_country",
                    "VoIP.ms sells US and Canadian DIDs only",
                ));
            }
        };
        let (kind, query) = match (&search.area_code, &search.contains) {
            (Some(area_code), _) => ("starts", area_code.as_str()),
            (None, Some(digits)) => ("contains", digits.as_str()),
            (None, None) => {
                return Err(self.refuse(
                    "missing_query",
                    "a VoIP.ms search needs an area code or digits to contain",
                ));
            }
        };
        let reply = self
            .call(method, &[("type", kind), ("query", query)])
            .await?;
        let items = reply
            .as_ref()
            .and_then(|r| r.get("dids"))
            .and_then(Value::as_array);
        let limit = if search.limit == 0 {
            usize::MAX
        } else {
            search.limit as usize
        };
        Ok(items
            .into_iter()
            .flatten()
            .filter_map(available)
            .filter(|number| match (&search.area_code, &search.contains) {
                (Some(_), Some(digits)) => number.phone_number[5..].contains(digits.as_str()),
                _ => true,
            })
            .filter(|number| !search.sms || number.capabilities.sms)
            .filter(|number| !search.mms || number.capabilities.mms)
            .take(limit)
            .collect())
    }

    /// `orderDID`, then `setSMS` pointing inbound SMS at `hooks.sms_url`.
    pub async fn provision_number(
        &self,
        phone_number: &str,
        hooks: &NumberHooks,
    ) -> CarrierResult<OwnedNumber> {
        let did = nanp::to_did(self.name(), phone_number)?;
        let credentials = &self.credentials;
        self.call(
            "orderDID",
            &[
                ("did", &did),
                ("routing", &credentials.routing),
                ("pop", &credentials.pop),
                ("dialtime", &credentials.dialtime),
                ("cnam", "0"),
                ("billing_type", &credentials.billing_type),
            ],
        )
        .await?;
        self.set_sms(&did, hooks).await?;
        Ok(owned(did, phone_number))
    }

    /// `getDIDsInfo did=…`, then `setSMS`. `NotFound` when the account does not hold it.
    pub async fn import_number(
        &self,
        phone_number: &str,
        hooks: &NumberHooks,
    ) -> CarrierResult<OwnedNumber> {
        let did = nanp::to_did(self.name(), phone_number)?;
        let reply = self.call("getDIDsInfo", &[("did", &did)]).await?;
        let held = reply
            .as_ref()
            .and_then(|r| r.get("dids"))
            .and_then(Value::as_array)
            .is_some_and(|dids| {
                dids.iter()
                    .any(|item| text(item, "did").as_deref() == Some(did.as_str()))
            });
        if !held {
            return Err(CarrierError::NotFound {
                carrier: self.name().to_owned(),
                what: format!("DID {did} on this account"),
            });
        }
        self.set_sms(&did, hooks).await?;
        Ok(owned(did, phone_number))
    }

    /// `cancelDID`. A DID the account no longer holds (`invalid_did` \[I\]) is already released.
    pub async fn release_number(&self, number: &OwnedNumber) -> CarrierResult<()> {
        match self
            .call("cancelDID", &[("did", &number.carrier_number_id)])
            .await
        {
            Ok(_) => Ok(()),
            Err(CarrierError::Rejected { code, .. }) if code == "invalid_did" => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// SMS on, with the URL callback (retried by VoIP.ms until we answer `ok`).
    async fn set_sms(&self, did: &str, hooks: &NumberHooks) -> CarrierResult<()> {
        let callback = if hooks.sms_url.is_empty() { "0" } else { "1" };
        self.call(
            "setSMS",
            &[
                ("did", did),
                ("enable", "1"),
                ("url_callback_enable", callback),
                ("url_callback", &hooks.sms_url),
                ("url_callback_retry", callback),
            ],
        )
        .await
        .map(drop)
    }

    /// A request refused here, before asking VoIP.ms (HTTP status 0).
    fn refuse(&self, code: &str, message: &str) -> CarrierError {
        CarrierError::Rejected {
            carrier: self.name().to_owned(),
            status: 0,
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

fn owned(did: String, phone_number: &str) -> OwnedNumber {
    OwnedNumber {
        carrier_number_id: did,
        phone_number: phone_number.to_owned(),
        capabilities: CAPABILITIES,
    }
}

/// One search result. `sms` is only in `getDIDs*` results; absent, SMS is assumed \[I\].
fn available(item: &Value) -> Option<AvailableNumber> {
    let phone_number = nanp::to_e164(&text(item, "did")?)?;
    let sms = text(item, "sms").is_none_or(|flag| flag == "1");
    Some(AvailableNumber {
        phone_number,
        region: text(item, "state").or_else(|| text(item, "province")),
        locality: text(item, "ratecenter"),
        capabilities: NumberCapabilities {
            sms,
            mms: sms,
            ..CAPABILITIES
        },
    })
}
