//! A server with the Twilio fake (and the provider fakes) behind it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::config::{CarrierConfig, Config};
use switchboard_testkit::TestDatabase;
use switchboard_testkit::fakes::twilio::{FakeTwilio, FakeTwilioConfig};

use crate::conversation::support::{Fakes, ms};
use crate::helpers::{Account, TestApp, read, spawn_app_with};

pub const TOKEN: &str = "twilio-auth-token-for-tests";
/// Our number at the fake (the account owns it, so it can be imported).
pub const OURS: &str = "+14155550100";
/// The person the agent calls.
pub const CALLEE: &str = "+14155550199";
/// Someone calling in.
pub const CALLER: &str = "+12125550142";

pub fn twilio_config() -> FakeTwilioConfig {
    FakeTwilioConfig::with_token(TOKEN).owns(OURS)
}

/// The `[carriers.tw]` table for `fake`, priced at 14 000 micros a minute.
pub fn carrier(fake: &FakeTwilio) -> CarrierConfig {
    toml::from_str(&format!(
        "kind = \"twilio\"\naccount_sid = \"{}\"\nauth_token = \"{TOKEN}\"\nbase_url = \"{}\"\n\
         [prices]\nvoice_per_minute = 14000\n",
        fake.account_sid(),
        fake.base_url()
    ))
    .unwrap()
}

pub fn with_twilio(config: &mut Config, fake: &FakeTwilio) {
    config.carriers.insert("tw".into(), carrier(fake));
}

pub async fn spawn(db: TestDatabase, fake: &FakeTwilio, fakes: &Fakes) -> TestApp {
    spawn_app_with(db, |config| {
        fakes.configure(config);
        with_twilio(config, fake);
    })
    .await
}

/// Imports `OURS` for the account's tenant, answered by `agent`.
pub async fn import_number(app: &TestApp, account: &Account, agent: Option<&str>) -> Value {
    let (status, body) = read(
        app.post(
            "/v1/phone-numbers",
            &account.token,
            json!({"phone_number": OURS, "carrier": "tw", "mode": "import", "inbound_agent_id": agent}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Places a call from `OURS` to `to` with `agent`.
pub async fn place_call(app: &TestApp, account: &Account, agent: &str, to: &str) -> Value {
    let (status, body) = read(
        app.post(
            "/v1/calls",
            &account.token,
            json!({"agent_id": agent, "from": OURS, "to": to,
                   "variables": {"caller_name": "Ada"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Polls the call until `done` holds, for up to 20 s.
pub async fn poll(
    app: &TestApp,
    token: &str,
    call_id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..400 {
        let (_, call) = read(app.get(&format!("/v1/calls/{call_id}"), token).await).await;
        if done(&call) {
            return call;
        }
        tokio::time::sleep(ms(50)).await;
    }
    panic!("call {call_id} never got there");
}

/// Waits until the call is over in our records (status final, records drained).
pub async fn ended(app: &TestApp, account: &Account, call_id: &str) -> Value {
    poll(app, &account.token, call_id, |call| {
        !["queued", "ringing", "in_progress"].contains(&call["status"].as_str().unwrap_or(""))
    })
    .await
}
