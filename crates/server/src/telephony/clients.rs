//! Builds each real carrier's client from its `[carriers.NAME]` table.

use std::sync::Arc;

use anyhow::Context;
use switchboard_telephony::carrier::{CarrierKind, CarrierTimeouts};
use switchboard_telephony::telnyx::{TelnyxClient, TelnyxCredentials};
use switchboard_telephony::twilio::rest::{TwilioClient, TwilioCredentials};
use switchboard_telephony::voipms::{VoipMsClient, VoipMsCredentials};

use super::registry::CarrierAccount;
use crate::config::CarrierConfig;

/// A required field; configuration validation has already checked it is there.
fn field<'a>(name: &str, key: &str, value: Option<&'a str>) -> anyhow::Result<&'a str> {
    value.with_context(|| format!("carriers.{name}.{key} is required"))
}

pub fn twilio(name: &str, config: &CarrierConfig) -> anyhow::Result<CarrierAccount> {
    let token = config
        .auth_token
        .clone()
        .with_context(|| format!("carriers.{name}.auth_token is required"))?;
    let mut credentials = TwilioCredentials::new(
        name,
        field(name, "account_sid", config.account_sid.as_deref())?,
        token.expose(),
    );
    if let Some(url) = &config.base_url {
        credentials = credentials.base_url(url);
    }
    let client = TwilioClient::new(credentials, CarrierTimeouts::default())
        .with_context(|| format!("carriers.{name}"))?;
    Ok(CarrierAccount {
        name: name.to_owned(),
        kind: CarrierKind::Twilio,
        client: Arc::new(client),
        twilio_auth_token: Some(token),
        telnyx: None,
        telnyx_public_key: None,
        prices: config.prices,
    })
}

pub fn telnyx(name: &str, config: &CarrierConfig) -> anyhow::Result<CarrierAccount> {
    let key = config
        .api_key
        .as_ref()
        .with_context(|| format!("carriers.{name}.api_key is required"))?;
    let mut credentials = TelnyxCredentials::new(
        name,
        key.expose(),
        field(name, "connection_id", config.connection_id.as_deref())?,
    );
    if let Some(profile) = &config.messaging_profile_id {
        credentials = credentials.messaging_profile_id(profile);
    }
    if let Some(url) = &config.base_url {
        credentials = credentials.base_url(url);
    }
    let client = Arc::new(
        TelnyxClient::new(credentials, CarrierTimeouts::default())
            .with_context(|| format!("carriers.{name}"))?,
    );
    Ok(CarrierAccount {
        name: name.to_owned(),
        kind: CarrierKind::Telnyx,
        client: client.clone(),
        twilio_auth_token: None,
        telnyx: Some(client),
        telnyx_public_key: config.public_key.clone(),
        prices: config.prices,
    })
}

pub fn voipms(name: &str, config: &CarrierConfig) -> anyhow::Result<CarrierAccount> {
    let password = config
        .api_password
        .as_ref()
        .with_context(|| format!("carriers.{name}.api_password is required"))?;
    let mut credentials = VoipMsCredentials::new(
        name,
        field(name, "username", config.username.as_deref())?,
        password.expose(),
        field(name, "routing", config.routing.as_deref())?,
    );
    if let Some(pop) = &config.pop {
        credentials.pop = pop.clone();
    }
    if let Some(url) = &config.base_url {
        credentials = credentials.base_url(url);
    }
    let client = VoipMsClient::new(credentials, CarrierTimeouts::default())
        .with_context(|| format!("carriers.{name}"))?;
    Ok(CarrierAccount {
        name: name.to_owned(),
        kind: CarrierKind::Voipms,
        client: Arc::new(client),
        twilio_auth_token: None,
        telnyx: None,
        telnyx_public_key: None,
        prices: config.prices,
    })
}
