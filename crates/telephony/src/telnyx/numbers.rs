//! Numbers: search the inventory, order, adopt one the account holds, release.
//!
//! Telnyx sends a number's calls to its Call Control application's webhook and its
//! messages to its messaging profile's webhook; there are no per-number URLs. So
//! provisioning and importing point the number at the configured application and profile,
//! and [`NumberHooks`](crate::carrier::NumberHooks) are not sent: configure the
//! application's and the profile's webhook URLs at Telnyx.

use reqwest::Method;
use serde_json::{Value, json};

use super::client::Inner;
use crate::carrier::{
    AvailableNumber, CarrierError, CarrierResult, NumberCapabilities, NumberSearch, OwnedNumber,
};

impl Inner {
    /// `GET /v2/available_phone_numbers`.
    pub async fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> CarrierResult<Vec<AvailableNumber>> {
        let mut query: Vec<(&str, String)> = vec![("filter[country_code]", search.country.clone())];
        if let Some(area_code) = &search.area_code {
            query.push(("filter[national_destination_code]", area_code.clone()));
        }
        if let Some(digits) = &search.contains {
            query.push(("filter[phone_number][contains]", digits.clone()));
        }
        for (wanted, feature) in [
            (search.voice, "voice"),
            (search.sms, "sms"),
            (search.mms, "mms"),
        ] {
            if wanted {
                query.push(("filter[features][]", feature.to_owned()));
            }
        }
        if search.limit > 0 {
            query.push(("filter[limit]", search.limit.to_string()));
        }
        let request = self
            .request(Method::GET, self.url(&["available_phone_numbers"]))
            .query(&query);
        let reply = self.send(request, "the number inventory").await?;
        let items = reply.get("data").and_then(Value::as_array);
        Ok(items.into_iter().flatten().filter_map(available).collect())
    }

    /// `POST /v2/number_orders`, then the new number's id. An order that still waits for
    /// activation has no phone-number record yet: the id is then the number itself \[I\], which
    /// [`Inner::release_number`] resolves later.
    pub async fn provision_number(&self, phone_number: &str) -> CarrierResult<OwnedNumber> {
        let mut order = json!({
            "phone_numbers": [{"phone_number": phone_number}],
            "connection_id": self.credentials.connection_id,
        });
        if let Some(profile) = &self.credentials.messaging_profile_id {
            order["messaging_profile_id"] = json!(profile);
        }
        let request = self
            .request(Method::POST, self.url(&["number_orders"]))
            .json(&order);
        self.send(request, "the number order").await?;
        let id = self
            .find_owned(phone_number)
            .await?
            .unwrap_or_else(|| phone_number.to_owned());
        Ok(self.owned(id, phone_number))
    }

    /// Finds the number on the account and points it at our application and profile.
    pub async fn import_number(&self, phone_number: &str) -> CarrierResult<OwnedNumber> {
        let Some(id) = self.find_owned(phone_number).await? else {
            return Err(CarrierError::NotFound {
                carrier: self.name().to_owned(),
                what: format!("phone number {phone_number} on this account"),
            });
        };
        let what = format!("phone number {phone_number}");
        let voice = json!({"connection_id": self.credentials.connection_id});
        let request = self
            .request(Method::PATCH, self.url(&["phone_numbers", &id]))
            .json(&voice);
        self.send(request, &what).await?;
        if let Some(profile) = &self.credentials.messaging_profile_id {
            let messaging = json!({"messaging_profile_id": profile});
            let request = self
                .request(
                    Method::PATCH,
                    self.url(&["phone_numbers", &id, "messaging"]),
                )
                .json(&messaging);
            self.send(request, &what).await?;
        }
        Ok(self.owned(id, phone_number))
    }

    /// `DELETE /v2/phone_numbers/{id}`; a number already gone is `Ok`.
    pub async fn release_number(&self, number: &OwnedNumber) -> CarrierResult<()> {
        let id = if number.carrier_number_id.starts_with('+') {
            match self.find_owned(&number.carrier_number_id).await? {
                Some(id) => id,
                None => return Ok(()),
            }
        } else {
            number.carrier_number_id.clone()
        };
        let request = self.request(Method::DELETE, self.url(&["phone_numbers", &id]));
        match self.send(request, &format!("phone number {id}")).await {
            Ok(_) | Err(CarrierError::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// The id of `phone_number` on the account (`GET /v2/phone_numbers?filter[phone_number]=`),
    /// matching exactly: the filter may match more loosely.
    async fn find_owned(&self, phone_number: &str) -> CarrierResult<Option<String>> {
        let request = self
            .request(Method::GET, self.url(&["phone_numbers"]))
            .query(&[("filter[phone_number]", phone_number)]);
        let reply = self.send(request, "the account's numbers").await?;
        let items = reply.get("data").and_then(Value::as_array);
        Ok(items
            .into_iter()
            .flatten()
            .find(|item| item.get("phone_number").and_then(Value::as_str) == Some(phone_number))
            .and_then(|item| match item.get("id") {
                Some(Value::String(id)) => Some(id.clone()),
                Some(Value::Number(id)) => Some(id.to_string()),
                _ => None,
            }))
    }

    fn owned(&self, id: String, phone_number: &str) -> OwnedNumber {
        OwnedNumber {
            carrier_number_id: id,
            phone_number: phone_number.to_owned(),
            capabilities: NumberCapabilities {
                voice: true,
                sms: self.credentials.messaging_profile_id.is_some(),
                mms: false,
            },
        }
    }
}

/// One `available_phone_number` record; `region_information` gives the state and the place.
fn available(item: &Value) -> Option<AvailableNumber> {
    let phone_number = item.get("phone_number")?.as_str()?.to_owned();
    let regions = item.get("region_information").and_then(Value::as_array);
    let region_named = |types: &[&str]| {
        regions.into_iter().flatten().find_map(|region| {
            let kind = region.get("region_type")?.as_str()?;
            types
                .contains(&kind)
                .then(|| region.get("region_name")?.as_str().map(str::to_owned))?
        })
    };
    let features: Vec<&str> = item
        .get("features")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|feature| feature.get("name")?.as_str())
        .collect();
    Some(AvailableNumber {
        phone_number,
        region: region_named(&["state"]),
        locality: region_named(&["location", "locality", "rate_center"]),
        capabilities: NumberCapabilities {
            voice: features.contains(&"voice"),
            sms: features.contains(&"sms"),
            mms: features.contains(&"mms"),
        },
    })
}
