//! A server with the provider fakes and the simulator carrier, a tenant with a number, a user
//! with a verified phone, and an MCP client for their key.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::StatusCode;
use rmcp::model::{CallToolRequestParams, CallToolResult, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Value, json};
use switchboard::config::{CarrierConfig, Config};
use switchboard_testkit::TestDatabase;

use crate::conversation::support::{BRAD_VOICE, Fakes};
use crate::helpers::{Account, TestApp, read, spawn_app_with};

/// One cent in micro-units.
pub const CENT: u64 = 10_000;

/// Telephony 2, STT 1 and TTS 5 cents a minute, doubled: 16 cents a minute.
pub fn priced(config: &mut Config) {
    config.pricing.telephony_per_minute = 2 * CENT;
    config.pricing.stt_per_minute = CENT;
    config.pricing.tts_per_minute = 5 * CENT;
    config.pricing.multiplier = 2.0;
}

pub fn with_simulator(config: &mut Config) {
    let simulator: CarrierConfig = toml::from_str("kind = \"simulator\"").unwrap();
    config.carriers.insert("sim".into(), simulator);
}

/// The app with the fakes, the simulator, the pricing above and quick progress notes.
pub async fn spawn_mcp(
    db: TestDatabase,
    fakes: &Fakes,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    spawn_app_with(db, |config| {
        fakes.configure(config);
        // Remote-controlled calls speak with the default TTS provider's voice.
        config.providers.get_mut("eleven").unwrap().voice = Some(BRAD_VOICE.into());
        with_simulator(config);
        priced(config);
        config.mcp.progress_interval_ms = 200;
        adjust(config);
    })
    .await
}

/// Buys the first number the (only) carrier offers for the account's tenant.
pub async fn buy_number(app: &TestApp, account: &Account) -> String {
    let (status, found) = read(
        app.post(
            "/v1/phone-numbers/search",
            &account.token,
            json!({"country": "US", "limit": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let number = found["data"][0]["phone_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, bought) = read(
        app.post(
            "/v1/phone-numbers",
            &account.token,
            json!({"phone_number": number}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    number
}

/// The six-digit code in the last text the simulator delivered to `phone`.
pub fn code_texted_to(app: &TestApp, phone: &str) -> String {
    let simulator = app.state.carriers.simulator().expect("a simulator carrier");
    let text = simulator
        .fake()
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.to == phone)
        .expect("a text to the phone");
    digits(&text.body)
}

/// The first run of six digits in `text`.
pub fn digits(text: &str) -> String {
    let only: String = text.chars().filter(char::is_ascii_digit).collect();
    assert!(only.len() >= 6, "no code in {text:?}");
    only[..6].to_owned()
}

/// Sets and verifies `phone` as the account's call-me number (code by text).
pub async fn verify_phone(app: &TestApp, account: &Account, phone: &str) {
    let (status, body) = read(
        app.request(
            reqwest::Method::PUT,
            "/v1/me/call-me-number",
            Some(&account.token),
            Some(json!({"phone_number": phone})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let code = code_texted_to(app, phone);
    let (status, body) = read(
        app.post(
            "/v1/me/call-me-number/verify",
            &account.token,
            json!({"code": code}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["phone_number"], phone);
}

/// An MCP client that counts the progress notifications it receives.
#[derive(Clone, Default)]
pub struct Agent {
    pub progress: Arc<AtomicUsize>,
}

impl ClientHandler for Agent {
    async fn on_progress(
        &self,
        _params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.fetch_add(1, Ordering::SeqCst);
    }
}

pub type McpClient = RunningService<RoleClient, Agent>;

/// Connects to `/mcp` with `key` as the Bearer token (initialize + initialized).
pub async fn connect(app: &TestApp, key: &str) -> (McpClient, Agent) {
    let agent = Agent::default();
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp", app.base)).auth_header(key),
    );
    let client = agent
        .clone()
        .serve(transport)
        .await
        .expect("the MCP handshake");
    (client, agent)
}

/// Calls `tool` with `arguments`.
pub async fn call(client: &McpClient, tool: &'static str, arguments: Value) -> CallToolResult {
    let Value::Object(arguments) = arguments else {
        panic!("arguments are an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

/// The structured result of a tool that succeeded.
pub fn structured(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "{result:?}");
    result
        .structured_content
        .clone()
        .expect("structured content")
}

/// The text of a tool's error result.
pub fn error_text(result: &CallToolResult) -> String {
    assert_eq!(result.is_error, Some(true), "{result:?}");
    serde_json::to_value(&result.content).unwrap()[0]["text"]
        .as_str()
        .unwrap()
        .to_owned()
}
