//! Carrier clients built from the operator's `[carriers.*]` accounts. Credentials come from
//! the platform configuration for now; tenants' own carrier keys will be looked up here too,
//! so nothing else in the server knows where a carrier's credentials live.

use std::collections::BTreeMap;
use std::sync::Arc;

use switchboard_telephony::carrier::{Carrier, CarrierKind};
use switchboard_telephony::telnyx::TelnyxClient;

use super::simulator::Simulator;
use crate::config::{CarrierPrices, Config, Secret};

/// One configured carrier account, ready to use.
pub struct CarrierAccount {
    pub name: String,
    pub kind: CarrierKind,
    pub client: Arc<dyn Carrier>,
    /// Twilio (and the simulator): the token its webhook signatures are made with.
    pub twilio_auth_token: Option<Secret>,
    /// Telnyx: the client for Call Control actions the trait does not cover, and the key
    /// its webhooks are signed with.
    pub telnyx: Option<Arc<TelnyxClient>>,
    pub telnyx_public_key: Option<String>,
    pub prices: CarrierPrices,
}

impl CarrierAccount {
    /// Whether webhooks from this account speak Twilio's protocol.
    pub fn speaks_twilio(&self) -> bool {
        matches!(self.kind, CarrierKind::Twilio | CarrierKind::Simulator)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CarrierLookupError {
    #[error("no carrier account is named {0:?}")]
    Unknown(String),
    #[error("no carrier is configured: add a [carriers.NAME] account (see docs/telephony.md)")]
    NoneConfigured,
}

#[derive(Default)]
pub struct CarrierRegistry {
    accounts: BTreeMap<String, CarrierAccount>,
    default: Option<String>,
    /// Keeps the in-process simulator running.
    simulator: Option<Simulator>,
}

impl CarrierRegistry {
    /// Builds a client per account; a `simulator` account starts its in-process carrier,
    /// which calls back to `our_base_url`.
    pub async fn start(config: &Config, our_base_url: &str) -> anyhow::Result<Self> {
        let mut registry = CarrierRegistry {
            default: config.telephony.default_carrier.clone(),
            ..CarrierRegistry::default()
        };
        for (name, account) in &config.carriers {
            let built = match account.kind {
                CarrierKind::Twilio => super::clients::twilio(name, account)?,
                CarrierKind::Telnyx => super::clients::telnyx(name, account)?,
                CarrierKind::Voipms => super::clients::voipms(name, account)?,
                CarrierKind::Simulator => {
                    let simulator = Simulator::start(name, our_base_url).await?;
                    let built = simulator.account(name, account.prices)?;
                    registry.simulator = Some(simulator);
                    built
                }
            };
            registry.accounts.insert(name.clone(), built);
        }
        if registry.default.is_none() && registry.accounts.len() == 1 {
            registry.default = registry.accounts.keys().next().cloned();
        }
        Ok(registry)
    }

    pub fn get(&self, name: &str) -> Result<&CarrierAccount, CarrierLookupError> {
        self.accounts
            .get(name)
            .ok_or_else(|| CarrierLookupError::Unknown(name.to_owned()))
    }

    /// The named account, or the default one when `name` is `None`.
    pub fn pick(&self, name: Option<&str>) -> Result<&CarrierAccount, CarrierLookupError> {
        match name.or(self.default.as_deref()) {
            Some(name) => self.get(name),
            None => Err(CarrierLookupError::NoneConfigured),
        }
    }

    pub fn accounts(&self) -> impl Iterator<Item = &CarrierAccount> {
        self.accounts.values()
    }

    pub fn simulator(&self) -> Option<&Simulator> {
        self.simulator.as_ref()
    }
}
