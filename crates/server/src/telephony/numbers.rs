//! Getting and giving back numbers: search at a carrier, provision (buy) or import one the
//! account already holds — pointing its webhooks at us either way — and release.

use switchboard_core::E164;
use switchboard_store::{NewPhoneNumber, PhoneNumber, Store, StoreError};
use switchboard_telephony::carrier::{
    AvailableNumber, CarrierKind, NumberHooks, NumberSearch, OwnedNumber,
};

use super::TelephonyError;
use super::urls::WebhookUrls;
use crate::http::AppState;

/// Whether the number is bought now or is one the carrier account already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquire {
    Provision,
    Import,
}

pub struct NewNumber<'a> {
    pub tenant_id: &'a str,
    pub phone_number: E164,
    pub carrier: Option<&'a str>,
    pub acquire: Acquire,
    pub friendly_name: &'a str,
    pub inbound_agent_id: Option<&'a str>,
}

pub async fn search(
    state: &AppState,
    carrier: Option<&str>,
    search: NumberSearch,
) -> Result<Vec<AvailableNumber>, TelephonyError> {
    let account = state.carriers.pick(carrier)?;
    Ok(account.client.search_numbers(search).await?)
}

/// Provisions or imports a number for the tenant. Nothing is stored unless the carrier
/// succeeded, and a number bought for a row that then cannot be stored is released again.
pub async fn acquire(
    state: &AppState,
    request: NewNumber<'_>,
) -> Result<PhoneNumber, TelephonyError> {
    let account = state.carriers.pick(request.carrier)?;
    match state
        .store
        .find_phone_number(&account.name, request.phone_number.as_str())
        .await
    {
        Ok(_) => {
            return Err(TelephonyError::invalid(
                "phone_number",
                "this number is already in use on this server",
            ));
        }
        Err(StoreError::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    let id = Store::new_phone_number_id();
    let secret = crate::auth::token::new_stream_token();
    let hooks = hooks_for(state, account.kind, &id, &secret);
    let owned: OwnedNumber = match request.acquire {
        Acquire::Provision => {
            account
                .client
                .provision_number(request.phone_number.as_str(), hooks)
                .await?
        }
        Acquire::Import => {
            account
                .client
                .import_number(request.phone_number.as_str(), hooks)
                .await?
        }
    };
    let stored = state
        .store
        .create_phone_number(
            request.tenant_id,
            &id,
            NewPhoneNumber {
                phone_number: &owned.phone_number,
                carrier: &account.name,
                carrier_number_id: &owned.carrier_number_id,
                friendly_name: request.friendly_name,
                voice: owned.capabilities.voice,
                sms: owned.capabilities.sms,
                mms: owned.capabilities.mms,
                inbound_agent_id: request.inbound_agent_id,
                webhook_secret_hash: &crate::auth::token::hash(&secret),
            },
        )
        .await;
    match stored {
        Ok(number) => Ok(number),
        Err(error) => {
            if request.acquire == Acquire::Provision
                && let Err(release) = account.client.release_number(&owned).await
            {
                tracing::error!(number = %owned.phone_number, %release, "a number bought for a row that could not be stored was not released; release it at the carrier");
            }
            Err(error.into())
        }
    }
}

/// Gives the number back to its carrier, then forgets it.
pub async fn release(state: &AppState, number: &PhoneNumber) -> Result<(), TelephonyError> {
    let account = state.carriers.get(&number.carrier)?;
    account
        .client
        .release_number(&OwnedNumber {
            carrier_number_id: number.carrier_number_id.clone(),
            phone_number: number.phone_number.clone(),
            capabilities: Default::default(),
        })
        .await?;
    state
        .store
        .delete_phone_number(&number.tenant_id, &number.id)
        .await?;
    Ok(())
}

fn hooks_for(state: &AppState, kind: CarrierKind, number_id: &str, secret: &str) -> NumberHooks {
    let urls = WebhookUrls::new(&state.public_base_url());
    match kind {
        CarrierKind::Twilio | CarrierKind::Simulator => NumberHooks {
            voice_url: urls.twilio_number_voice(number_id),
            sms_url: urls.twilio_sms(number_id),
            status_url: Some(urls.twilio_number_status(number_id)),
        },
        CarrierKind::Telnyx => NumberHooks {
            voice_url: urls.telnyx_number(number_id),
            sms_url: urls.telnyx_messaging(),
            status_url: None,
        },
        CarrierKind::Voipms => NumberHooks {
            voice_url: String::new(),
            sms_url: urls.voipms_sms_template(number_id, secret),
            status_url: None,
        },
    }
}
