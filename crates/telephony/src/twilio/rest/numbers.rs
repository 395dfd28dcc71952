//! Phone numbers: search, buy, import, release (digest §4.5).

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::client::Inner;
use crate::carrier::{
    AvailableNumber, CarrierError, CarrierResult, NumberCapabilities, NumberHooks, NumberSearch,
    OwnedNumber,
};

/// Twilio's largest page.
const MAX_PAGE_SIZE: u32 = 1000;

#[derive(Debug, Deserialize)]
struct AvailablePage {
    available_phone_numbers: Vec<AvailableItem>,
}

#[derive(Debug, Deserialize)]
struct AvailableItem {
    phone_number: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    locality: Option<String>,
    #[serde(default)]
    capabilities: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct IncomingPage {
    incoming_phone_numbers: Vec<IncomingNumber>,
}

#[derive(Debug, Deserialize)]
struct IncomingNumber {
    sid: String,
    phone_number: String,
    #[serde(default)]
    capabilities: Map<String, Value>,
}

impl From<IncomingNumber> for OwnedNumber {
    fn from(number: IncomingNumber) -> Self {
        OwnedNumber {
            carrier_number_id: number.sid,
            capabilities: capabilities(&number.capabilities),
            phone_number: number.phone_number,
        }
    }
}

/// `voice`/`sms`/`mms` in any case: search results say `SMS` and `MMS`, owned numbers
/// `sms` and `mms`.
fn capabilities(map: &Map<String, Value>) -> NumberCapabilities {
    let has = |name: &str| {
        map.iter()
            .any(|(key, value)| key.eq_ignore_ascii_case(name) && value.as_bool() == Some(true))
    };
    NumberCapabilities {
        voice: has("voice"),
        sms: has("sms"),
        mms: has("mms"),
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn hooks_form(hooks: &NumberHooks) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("VoiceUrl", hooks.voice_url.clone()),
        ("VoiceMethod", "POST".to_owned()),
        ("SmsUrl", hooks.sms_url.clone()),
        ("SmsMethod", "POST".to_owned()),
    ];
    if let Some(url) = &hooks.status_url {
        form.push(("StatusCallback", url.clone()));
        form.push(("StatusCallbackMethod", "POST".to_owned()));
    }
    form
}

impl Inner {
    pub async fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> CarrierResult<Vec<AvailableNumber>> {
        let mut url = self.url(&["AvailablePhoneNumbers", &search.country, "Local"]);
        {
            let mut query = url.query_pairs_mut();
            if let Some(area_code) = &search.area_code {
                query.append_pair("AreaCode", area_code);
            }
            if let Some(contains) = &search.contains {
                query.append_pair("Contains", contains);
            }
            for (wanted, name) in [
                (search.voice, "VoiceEnabled"),
                (search.sms, "SmsEnabled"),
                (search.mms, "MmsEnabled"),
            ] {
                if wanted {
                    query.append_pair(name, "true");
                }
            }
            if search.limit > 0 {
                query.append_pair("PageSize", &search.limit.min(MAX_PAGE_SIZE).to_string());
            }
        }
        let what = format!("available numbers in {}", search.country);
        let page: AvailablePage = self
            .send_json(self.request(Method::GET, url), &what)
            .await?;
        let limit = if search.limit > 0 {
            search.limit as usize
        } else {
            usize::MAX
        };
        Ok(page
            .available_phone_numbers
            .into_iter()
            .take(limit)
            .map(|item| AvailableNumber {
                capabilities: capabilities(&item.capabilities),
                phone_number: item.phone_number,
                region: non_empty(item.region),
                locality: non_empty(item.locality),
            })
            .collect())
    }

    pub async fn provision_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> CarrierResult<OwnedNumber> {
        let mut form = vec![("PhoneNumber", phone_number.to_owned())];
        form.extend(hooks_form(&hooks));
        let request = self
            .request(Method::POST, self.url(&["IncomingPhoneNumbers"]))
            .form(&form);
        let bought: IncomingNumber = self
            .send_json(request, "the IncomingPhoneNumbers resource")
            .await?;
        Ok(bought.into())
    }

    pub async fn import_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> CarrierResult<OwnedNumber> {
        let mut url = self.url(&["IncomingPhoneNumbers"]);
        url.query_pairs_mut()
            .append_pair("PhoneNumber", phone_number);
        let what = format!("number {phone_number}");
        let page: IncomingPage = self
            .send_json(self.request(Method::GET, url), &what)
            .await?;
        let found = page
            .incoming_phone_numbers
            .into_iter()
            .find(|n| n.phone_number == phone_number)
            .ok_or_else(|| CarrierError::NotFound {
                carrier: self.name().to_owned(),
                what: what.clone(),
            })?;
        let request = self
            .request(
                Method::POST,
                self.url(&["IncomingPhoneNumbers", &found.sid]),
            )
            .form(&hooks_form(&hooks));
        let updated: IncomingNumber = self.send_json(request, &what).await?;
        Ok(updated.into())
    }

    pub async fn release_number(&self, number: &OwnedNumber) -> CarrierResult<()> {
        let url = self.url(&["IncomingPhoneNumbers", &number.carrier_number_id]);
        let what = format!("number {}", number.phone_number);
        match self.send(self.request(Method::DELETE, url), &what).await {
            Ok(_) | Err(CarrierError::NotFound { .. }) => Ok(()),
            Err(other) => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn capabilities_read_either_case() {
        let search = json!({"voice": true, "SMS": true, "MMS": false, "fax": true});
        let owned = json!({"voice": false, "sms": true, "mms": true});
        let read = |v: Value| capabilities(v.as_object().unwrap());
        assert_eq!(
            read(search),
            NumberCapabilities {
                voice: true,
                sms: true,
                mms: false
            }
        );
        assert_eq!(
            read(owned),
            NumberCapabilities {
                voice: false,
                sms: true,
                mms: true
            }
        );
    }
}
