//! Carrier fakes behind the server: their accounts as the operator writes them in TOML,
//! numbers imported into a tenant, texts sent and read through the API, and waiting for
//! what the server does in the background (automatic replies, carrier webhooks).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::config::{CarrierConfig, Config, ProviderConfig, ProviderKind, Secret};
use switchboard_testkit::fakes::llm::FakeLlm;
use switchboard_testkit::fakes::telnyx::FakeTelnyx;
use switchboard_testkit::fakes::twilio::{FakeTwilio, FakeTwilioConfig};
use switchboard_testkit::fakes::voipms::{FakeVoipMs, FakeVoipMsConfig};

use crate::helpers::{Account, TestApp, read};

/// Our Twilio number and the people who text it.
pub const OURS: &str = "+14155550100";
pub const ALICE: &str = "+14155550111";
pub const BOB: &str = "+14155550122";

pub const TWILIO_TOKEN: &str = "twilio-auth-token-0123456789";

pub const TELNYX_KEY: &str = "KEY0123456789telnyx";
pub const TELNYX_CONNECTION: &str = "1494404757140276705";
pub const TELNYX_PROFILE: &str = "40017f8e-49bd-4a48-9d1b-1e5ea0a2d4ea";

/// Our VoIP.ms DID and a texter, as VoIP.ms writes them (10 digits) and in E.164.
pub const DID: &str = "5551230001";
pub const DID_E164: &str = "+15551230001";
pub const TEXTER: &str = "5550009999";
pub const TEXTER_E164: &str = "+15550009999";

pub const VOIPMS_USER: &str = "ops@example.com";
pub const VOIPMS_PASSWORD: &str = "voipms-api-password";

/// The reply the server sends to HELP when the tenant has set none.
pub const DEFAULT_HELP: &str = "Reply STOP to stop receiving messages, START to resume.";

pub const LLM_KEY: &str = "fake-llm-key-0123456789";

/// A carrier account as a `[carriers.NAME]` table of the operator's TOML.
fn carrier(fields: &[(&str, &str)]) -> CarrierConfig {
    let table: toml::Table = fields
        .iter()
        .map(|(key, value)| ((*key).to_owned(), toml::Value::from(*value)))
        .collect();
    toml::from_str(&table.to_string()).expect("a carrier table")
}

pub fn twilio_account(fake: &FakeTwilio) -> CarrierConfig {
    carrier(&[
        ("kind", "twilio"),
        ("account_sid", fake.account_sid()),
        ("auth_token", fake.auth_token()),
        ("base_url", &fake.base_url()),
    ])
}

pub fn telnyx_account(fake: &FakeTelnyx) -> CarrierConfig {
    carrier(&[
        ("kind", "telnyx"),
        ("api_key", TELNYX_KEY),
        ("connection_id", TELNYX_CONNECTION),
        ("messaging_profile_id", TELNYX_PROFILE),
        ("public_key", &fake.public_key_base64()),
        ("base_url", &fake.base_url()),
    ])
}

pub fn voipms_account(fake: &FakeVoipMs) -> CarrierConfig {
    carrier(&[
        ("kind", "voipms"),
        ("username", VOIPMS_USER),
        ("api_password", VOIPMS_PASSWORD),
        ("routing", "account:100001_VoIP"),
        ("base_url", &fake.base_url()),
    ])
}

pub async fn start_twilio() -> FakeTwilio {
    FakeTwilio::start(FakeTwilioConfig::with_token(TWILIO_TOKEN).owns(OURS))
        .await
        .unwrap()
}

pub async fn start_voipms(dids: &[&str]) -> FakeVoipMs {
    FakeVoipMs::start(FakeVoipMsConfig::new(VOIPMS_USER, VOIPMS_PASSWORD).owned(dids))
        .await
        .unwrap()
}

/// Points the agents' default LLM at `llm`.
pub fn configure_llm(config: &mut Config, llm: &FakeLlm) {
    let mut provider: ProviderConfig =
        serde_json::from_value(json!({"kind": "openai"})).expect("a provider table");
    provider.kind = ProviderKind::Openai;
    provider.api_key = Some(Secret::from(LLM_KEY));
    provider.base_url = Some(llm.base_url());
    provider.llm_model = Some("gpt-4o-mini".into());
    config.providers.insert("llm".into(), provider);
    config.voice.llm = vec!["llm".into()];
}

/// Imports a number the carrier account already holds into the account's tenant.
pub async fn import(app: &TestApp, account: &Account, phone_number: &str, carrier: &str) -> Value {
    import_with(
        app,
        account,
        json!({"phone_number": phone_number, "carrier": carrier}),
    )
    .await
}

/// Imports with extra fields (e.g. `inbound_agent_id`).
pub async fn import_with(app: &TestApp, account: &Account, mut body: Value) -> Value {
    body["mode"] = json!("import");
    let (status, number) = read(app.post("/v1/phone-numbers", &account.token, body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    number
}

pub async fn send_text(
    app: &TestApp,
    account: &Account,
    from: &str,
    to: &str,
    body: &str,
) -> reqwest::Response {
    app.post(
        "/v1/messages",
        &account.token,
        json!({"from": from, "to": to, "body": body}),
    )
    .await
}

/// The tenant's threads, most recent first.
pub async fn conversations(app: &TestApp, account: &Account) -> Vec<Value> {
    let (status, body) = read(app.get("/v1/conversations", &account.token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

/// A thread's messages, oldest first (reading them marks the thread read).
pub async fn thread(app: &TestApp, account: &Account, conversation_id: &str) -> Vec<Value> {
    let path = format!("/v1/conversations/{conversation_id}/messages");
    let (status, body) = read(app.get(&path, &account.token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

/// `(direction, body)` of each message.
pub fn bodies(messages: &[Value]) -> Vec<(String, String)> {
    messages
        .iter()
        .map(|m| {
            (
                m["direction"].as_str().unwrap().to_owned(),
                m["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Polls `probe` until it gives a value; panics after 5 s naming `what`.
pub async fn eventually<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..250 {
        if let Some(value) = probe().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Long enough for a reply the server would send in the background to have gone out.
pub async fn quiet() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// The id of a system persona by slug.
pub async fn persona(app: &TestApp, account: &Account, slug: &str) -> String {
    let (status, body) = read(app.get("/v1/agents?limit=100", &account.token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == slug)
        .and_then(|a| a["id"].as_str())
        .expect("the persona is seeded")
        .to_owned()
}

pub async fn patch_number(
    app: &TestApp,
    account: &Account,
    number_id: &str,
    body: Value,
) -> reqwest::Response {
    let path = format!("/v1/phone-numbers/{number_id}");
    app.request(
        reqwest::Method::PATCH,
        &path,
        Some(&account.token),
        Some(body),
    )
    .await
}
