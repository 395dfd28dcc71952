//! `switchboard serve --demo`: everything a newcomer needs to place a call with no account
//! anywhere — provider fakes in-process, the simulator carrier (whose callee is a simulated
//! person), and a demo tenant with an API key, the personas and a simulator number.

use std::collections::BTreeMap;

use anyhow::Context;
use serde::Deserialize;
use switchboard_core::{Role, Scope, Scopes};
use switchboard_store::{AgentFilter, NewApiKey, NewUser, PageRequest, Store, StoreError};
use switchboard_telephony::carrier::NumberSearch;
use switchboard_testkit::fakes::suite::{FakeSuite, SuiteConfig};

use crate::auth::{password, token};
use crate::config::{CarrierConfig, Config, ProviderConfig};
use crate::http::AppState;
use crate::telephony::numbers::{self, Acquire, NewNumber};
use crate::{Server, server, telemetry};

const DEMO_EMAIL: &str = "demo@switchboard.local";
const SIMULATOR: &str = "simulator";

/// The provider part of the fakes' configuration.
#[derive(Deserialize)]
struct SuiteProviders {
    providers: BTreeMap<String, ProviderConfig>,
    voice: SuiteVoice,
}

#[derive(Deserialize)]
struct SuiteVoice {
    stt: Vec<String>,
    llm: Vec<String>,
    tts: Vec<String>,
}

pub async fn serve(mut config: Config) -> anyhow::Result<()> {
    telemetry::init(&config.log, config.log_format)?;
    // The demo's tenant and calls stay out of the real database unless one is configured.
    if config.database_url.is_none() && config.data_dir == Config::default().data_dir {
        config.data_dir = config.data_dir.join("demo");
    }
    let suite = FakeSuite::start(&SuiteConfig {
        base_port: 0,
        ..SuiteConfig::default()
    })
    .await
    .context("starting the in-process provider fakes")?;
    let fakes: SuiteProviders =
        toml::from_str(&suite.config_toml()).context("reading the fakes' configuration")?;
    config.providers.extend(fakes.providers);
    config.voice.stt = fakes.voice.stt;
    config.voice.llm = fakes.voice.llm;
    config.voice.tts = fakes.voice.tts;
    let simulator: CarrierConfig = toml::from_str("kind = \"simulator\"")?;
    config.carriers.insert(SIMULATOR.into(), simulator);
    config.telephony.default_carrier = Some(SIMULATOR.into());
    let server = Server::build(config).await?;
    let seeded = seed(server.state())
        .await
        .context("seeding the demo tenant")?;
    print_welcome(&server.local_addr().to_string(), &seeded);
    server.run_until(server::shutdown_signal()).await?;
    drop(suite);
    Ok(())
}

struct Seeded {
    api_key: String,
    number: String,
    brad: String,
    callee: String,
}

/// The demo tenant, created once; a fresh API key on every start (keys are stored hashed,
/// so an old one cannot be shown again).
async fn seed(state: &AppState) -> anyhow::Result<Seeded> {
    let store = &state.store;
    let user = match store.user_by_email(DEMO_EMAIL).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => {
            let tenant = store.create_tenant("Demo").await?;
            let secret = token::new_session_token();
            let hash = password::hash(secret).await?;
            store
                .create_user(
                    &tenant.id,
                    NewUser {
                        email: DEMO_EMAIL,
                        name: "Demo",
                        password_hash: &hash,
                        role: Role::Owner,
                        is_operator: false,
                    },
                )
                .await?
        }
        Err(other) => return Err(other.into()),
    };
    let key = token::new_api_key();
    store
        .create_api_key(
            &user,
            NewApiKey {
                name: "demo",
                prefix: token::display_prefix(&key),
                key_hash: &token::hash(&key),
                scopes: Scopes::from_list(&[Scope::Read, Scope::Write]),
            },
        )
        .await?;
    let personas = store
        .list_agents(
            &user.tenant_id,
            &user.id,
            AgentFilter::default(),
            &PageRequest::first(100),
        )
        .await?;
    let brad = personas
        .items
        .iter()
        .find(|a| a.agent.slug.as_deref() == Some("brad"))
        .map(|a| a.agent.id.clone())
        .context("the Brad persona is missing")?;
    let number = demo_number(state, &user.tenant_id, &brad).await?;
    Ok(Seeded {
        api_key: key,
        number,
        brad,
        callee: "+15550100199".into(),
    })
}

/// The tenant's simulator number, provisioned on first start and answered by Brad.
async fn demo_number(state: &AppState, tenant_id: &str, brad: &str) -> anyhow::Result<String> {
    let store: &Store = &state.store;
    let existing = store
        .list_phone_numbers(tenant_id, &PageRequest::first(100))
        .await?;
    if let Some(number) = existing.items.into_iter().find(|n| n.carrier == SIMULATOR) {
        return Ok(number.phone_number);
    }
    let available = numbers::search(
        state,
        Some(SIMULATOR),
        NumberSearch {
            country: "US".into(),
            voice: true,
            sms: true,
            limit: 1,
            ..NumberSearch::default()
        },
    )
    .await?;
    let first = available
        .into_iter()
        .next()
        .context("the simulator offered no numbers")?;
    let number = numbers::acquire(
        state,
        NewNumber {
            tenant_id,
            phone_number: switchboard_core::E164::parse(&first.phone_number)?,
            carrier: Some(SIMULATOR),
            acquire: Acquire::Provision,
            friendly_name: "Demo line",
            inbound_agent_id: Some(brad),
        },
    )
    .await?;
    Ok(number.phone_number)
}

fn print_welcome(address: &str, seeded: &Seeded) {
    let Seeded {
        api_key,
        number,
        brad,
        callee,
    } = seeded;
    println!(
        r#"
Switchboard demo is running on http://{address} (API docs: http://{address}/docs)

Everything is simulated: AI providers are in-process fakes and the carrier is the simulator,
whose callee is a scripted person. Your demo API key (new on every start):

  export SWITCHBOARD_KEY={api_key}

Have Brad (a seeded persona) call the simulated person at {callee} from your demo number {number}:

  curl -s http://{address}/v1/calls -H "Authorization: Bearer $SWITCHBOARD_KEY" \
    -H 'content-type: application/json' \
    -d '{{"agent_id":"{brad}","from":"{number}","to":"{callee}"}}'

A few seconds later, read what was said (put the call id from the answer in CALL_ID):

  curl -s http://{address}/v1/calls/$CALL_ID/transcript -H "Authorization: Bearer $SWITCHBOARD_KEY"
"#
    );
}
