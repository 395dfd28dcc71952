//! A server with provider fakes behind it, a persona to call, and the simulated caller.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard::config::{Config, ProviderConfig, ProviderKind, Secret};
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::{
    CallEnd, CallReport, CallerConfig, Script, SimulatedCaller, Utterance,
};
use switchboard_testkit::fakes::llm::{FakeLlm, FakeLlmConfig, Reply};
use switchboard_testkit::fakes::stt::{DeepgramScript, FakeDeepgram};
use switchboard_testkit::fakes::tts::{FakeTts, FakeTtsConfig};

use crate::helpers::{Account, TestApp, read, spawn_app_with};

pub const KEY: &str = "fake-provider-key-0123456789";
/// Brad's voice, the persona these tests call.
pub const BRAD_VOICE: &str = "nPczCjzI2devNBz1zQrb";

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The caller's three phrases from the committed speech fixture (8 kHz mu-law).
pub fn phrases() -> [Utterance; 3] {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../audio/fixtures/speech_8k_ulaw.wav"
    ))
    .unwrap();
    let wav = switchboard_audio::wav::parse(&bytes).unwrap();
    let cut = |from: usize, to: usize| Utterance::from_mulaw(wav.data[from * 8..to * 8].to_vec());
    [cut(400, 3858), cut(4658, 5716), cut(6516, 8936)]
}

/// The fakes a conversation runs on.
pub struct Fakes {
    pub stt: FakeDeepgram,
    pub llm: FakeLlm,
    pub tts: FakeTts,
}

impl Fakes {
    /// Deepgram hears `heard` (one entry per caller utterance), the LLM answers `replies` in
    /// order (then `Summary.` for the post-call summary), ElevenLabs speaks 10 ms a character.
    pub async fn start(heard: &[&str], replies: &[&str]) -> Fakes {
        let stt = FakeDeepgram::start(DeepgramScript {
            utterances: heard.iter().map(|s| (*s).to_owned()).collect(),
            final_latency: ms(150),
            ..DeepgramScript::new(KEY)
        })
        .await
        .unwrap();
        let llm = FakeLlm::start(FakeLlmConfig::openai(KEY)).await.unwrap();
        for reply in replies {
            llm.push(Reply::text(reply).first_byte(ms(100)).per_chunk(ms(5)));
        }
        llm.set_default(Some(Reply::text("The caller talked with Brad.")));
        let tts = FakeTts::elevenlabs(FakeTtsConfig {
            api_key: KEY.into(),
            voices: vec![BRAD_VOICE.into()],
            ..FakeTtsConfig::default()
        })
        .await
        .unwrap();
        Fakes { stt, llm, tts }
    }

    /// The operator configuration that points every role at these fakes, priced.
    pub fn configure(&self, config: &mut Config) {
        let provider = |kind, base_url: String| {
            let mut provider: ProviderConfig =
                serde_json::from_value(json!({"kind": kind})).expect("a provider table");
            provider.kind = kind;
            provider.api_key = Some(Secret::from(KEY));
            provider.base_url = Some(base_url);
            provider
        };
        let mut stt = provider(ProviderKind::Deepgram, self.stt.http_url());
        stt.prices.stt_per_minute = 4_300;
        let mut llm = provider(ProviderKind::Openai, self.llm.base_url());
        llm.llm_model = Some("gpt-4o-mini".into());
        llm.prices.llm_input_per_million_tokens = 150_000;
        llm.prices.llm_output_per_million_tokens = 600_000;
        let mut tts = provider(ProviderKind::Elevenlabs, self.tts.http_url());
        tts.prices.tts_per_million_chars = 50_000_000;
        config.providers.insert("dg".into(), stt);
        config.providers.insert("llm".into(), llm);
        config.providers.insert("eleven".into(), tts);
        config.voice.stt = vec!["dg".into()];
        config.voice.llm = vec!["llm".into()];
        config.voice.tts = vec!["eleven".into()];
    }
}

pub async fn spawn_with_fakes(db: TestDatabase, fakes: &Fakes) -> TestApp {
    spawn_app_with(db, |config| fakes.configure(config)).await
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

/// Creates an agent of the account's tenant.
pub async fn agent(app: &TestApp, account: &Account, config: Value) -> String {
    let (status, body) = read(
        app.post(
            "/v1/agents",
            &account.token,
            json!({"name": "Test agent", "config": config}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// Starts a web call with `agent_id`; returns the call id and its stream token.
pub async fn start_call(
    app: &TestApp,
    account: &Account,
    agent_id: &str,
    variables: Value,
) -> (String, String) {
    let (status, body) = read(
        app.post(
            "/v1/calls/web",
            &account.token,
            json!({"agent_id": agent_id, "variables": variables}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (
        body["call_id"].as_str().unwrap().to_owned(),
        body["stream_token"].as_str().unwrap().to_owned(),
    )
}

/// The simulated caller dials the stream and follows `script`.
pub async fn dial(app: &TestApp, token: &str, script: Script) -> CallReport {
    let url = format!("{}/media/twilio", app.base.replacen("http://", "ws://", 1));
    let config = CallerConfig::new(url)
        .parameter("stream_token", token)
        .call_timeout(Duration::from_secs(60));
    SimulatedCaller::new(config)
        .run(script)
        .await
        .expect("the call connects")
}

/// Dials, follows `script` to its hang-up, and checks the agent answered at every wait and
/// kept to the protocol.
pub async fn converse(app: &TestApp, token: &str, script: Script) -> CallReport {
    let report = dial(app, token, script).await;
    assert_eq!(report.ended_by, CallEnd::HungUp);
    assert!(
        report.timed_out_steps.is_empty(),
        "the agent did not answer: {:?}",
        report.timed_out_steps
    );
    assert!(
        report.protocol_errors.is_empty(),
        "{:?}",
        report.protocol_errors
    );
    report
}

/// Waits until the call has finished (its recorder drained, its summary written).
pub async fn finished_call(app: &TestApp, account: &Account, call_id: &str) -> Value {
    for _ in 0..200 {
        let (_, call) = read(
            app.get(&format!("/v1/calls/{call_id}"), &account.token)
                .await,
        )
        .await;
        if call["status"] != "queued" && call["status"] != "in_progress" {
            return call;
        }
        tokio::time::sleep(ms(50)).await;
    }
    panic!("call {call_id} did not finish");
}

pub async fn transcript(app: &TestApp, account: &Account, call_id: &str) -> Vec<Value> {
    let path = format!("/v1/calls/{call_id}/transcript");
    let (status, body) = read(app.get(&path, &account.token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

pub async fn timeline(app: &TestApp, account: &Account, call_id: &str) -> Vec<Value> {
    let path = format!("/v1/calls/{call_id}/events");
    let (status, body) = read(app.get(&path, &account.token).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].as_array().unwrap().clone()
}

/// `(speaker, text)` of each transcript entry.
pub fn lines(entries: &[Value]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e["speaker"].as_str().unwrap().to_owned(),
                e["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
