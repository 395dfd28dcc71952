//! Things going wrong: a provider failing mid-call, and the server dying mid-call.

use std::time::Duration;

use serde_json::json;
use switchboard::Server;
use switchboard::config::{Config, ProviderKind, Secret};
use switchboard_store::Store;
use switchboard_testkit::TestDatabase;
use switchboard_testkit::caller::{CallEnd, CallerConfig, Script, SimulatedCaller};
use switchboard_testkit::fakes::llm::{FakeLlm, FakeLlmConfig, Reply};

use super::support::*;
use crate::helpers::{read, spawn_app_with};

pub async fn a_failing_llm_falls_back_mid_call_and_the_call_goes_on(db: TestDatabase) {
    let fakes = Fakes::start(
        &["I need help planning my week.", "Mostly work deadlines."],
        &["Good. What is on your plate?"],
    )
    .await;
    // After its first answer the main model fails every request.
    fakes.llm.set_default(Some(Reply::server_error(503)));
    let backup = FakeLlm::start(FakeLlmConfig::openai(KEY)).await.unwrap();
    backup.push(Reply::text("Which deadline scares you most?"));
    backup.set_default(Some(Reply::text("A short call about deadlines.")));
    let app = spawn_app_with(db, |config| {
        fakes.configure(config);
        let mut second = config.providers["llm"].clone();
        second.base_url = Some(backup.base_url());
        config.providers.insert("backup".into(), second);
        config.voice.llm = vec!["llm".into(), "backup".into()];
    })
    .await;
    let account = app.signup("ada@example.com", "Ada's").await;
    let brad = persona(&app, &account, "brad").await;
    let (call_id, token) = start_call(&app, &account, &brad, json!({})).await;

    let [a, b, _] = phrases();
    let script = Script::new()
        .wait_for_agent(ms(600), ms(10_000))
        .say(a)
        .wait_for_agent(ms(600), ms(10_000))
        .say(b)
        .wait_for_agent(ms(600), ms(15_000))
        .hangup();
    converse(&app, &token, script).await;

    let call = finished_call(&app, &account, &call_id).await;
    assert_eq!(call["status"], "completed");
    let said = lines(&transcript(&app, &account, &call_id).await);
    assert_eq!(
        said.last().unwrap(),
        &(
            "agent".to_owned(),
            "Which deadline scares you most?".to_owned()
        ),
        "{said:?}"
    );
    let items = timeline(&app, &account, &call_id).await;
    let switch = items
        .iter()
        .find(|i| i["kind"] == "provider_switched")
        .expect("the switch is on the timeline");
    assert_eq!(switch["data"]["role"], "llm", "{switch}");
    assert_eq!(switch["data"]["to"], "backup", "{switch}");
    // The backup's tokens are charged to the backup.
    let (_, costs) = read(
        app.get(&format!("/v1/calls/{call_id}/costs"), &account.token)
            .await,
    )
    .await;
    let providers: Vec<&str> = costs["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["role"] == "llm")
        .map(|c| c["provider"].as_str().unwrap())
        .collect();
    assert!(providers.contains(&"backup"), "{costs}");
}

/// Just enough of a client for a server that is not a `TestApp`.
struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if !body.is_null() {
            request = request.json(&body);
        }
        let (status, body) = read(request.send().await.unwrap()).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }
}

/// The server runs on its own runtime so that the test can kill it outright, as a crash
/// would: no task gets to finish anything.
struct DoomedServer {
    base: String,
    kill: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

fn start_doomed(config: Config) -> DoomedServer {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (kill, killed) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let base = runtime.block_on(async {
            let server = Server::build(config).await.unwrap();
            let base = format!("http://{}", server.local_addr());
            tokio::spawn(server.run_until(std::future::pending()));
            base
        });
        ready_tx.send(base).unwrap();
        let _ = killed.recv();
        runtime.shutdown_timeout(Duration::ZERO);
    });
    let base = ready_rx.recv().unwrap();
    DoomedServer { base, kill, thread }
}

pub async fn the_transcript_survives_the_server_dying_mid_call(db: TestDatabase) {
    let long = "First, we write down every deadline you have this week on one list. \
                Second, we sort it by what hurts most. Third, we block out the mornings.";
    let fakes = Fakes::start(
        &["I need help planning my week.", "Mostly work deadlines."],
        &["Good. What is on your plate?", long],
    )
    .await;
    let mut config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: Some(Secret::from(db.url.as_str())),
        ..Config::default()
    };
    fakes.configure(&mut config);
    assert_eq!(config.providers["dg"].kind, ProviderKind::Deepgram);
    let server = start_doomed(config);
    let api = Api {
        base: server.base.clone(),
        http: reqwest::Client::new(),
    };
    let signup = api
        .send(
            reqwest::Method::POST,
            "/v1/auth/signup",
            None,
            json!({"email": "ada@example.com", "password": "a long passphrase",
                   "name": "Ada", "tenant_name": "Ada's"}),
        )
        .await;
    let session = signup["token"].as_str().unwrap().to_owned();
    let tenant_id = signup["tenant"]["id"].as_str().unwrap().to_owned();
    let agents = api
        .send(
            reqwest::Method::GET,
            "/v1/agents?limit=100",
            Some(&session),
            json!(null),
        )
        .await;
    let brad = agents["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "brad")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = api
        .send(
            reqwest::Method::POST,
            "/v1/calls/web",
            Some(&session),
            json!({"agent_id": brad}),
        )
        .await;
    let call_id = started["call_id"].as_str().unwrap().to_owned();
    let token = started["stream_token"].as_str().unwrap().to_owned();

    let [a, b, _] = phrases();
    // Two caller turns; the server dies while the second answer is playing.
    let script = Script::new()
        .wait_for_agent(ms(600), ms(10_000))
        .say(a)
        .wait_for_agent(ms(600), ms(10_000))
        .say(b)
        .pause(ms(20_000));
    let url = format!(
        "{}/media/twilio",
        server.base.replacen("http://", "ws://", 1)
    );
    let caller = SimulatedCaller::new(
        CallerConfig::new(url)
            .parameter("stream_token", &token)
            .call_timeout(Duration::from_secs(30)),
    );
    let call = tokio::spawn(caller.run(script));
    let store = Store::connect(&db.url).await.unwrap();
    // Wait for the second caller turn to be stored, let the answer start, then kill.
    let mut stored = 0;
    for _ in 0..300 {
        stored = store
            .call_transcript(&tenant_id, &call_id)
            .await
            .unwrap()
            .len();
        if stored >= 4 {
            break;
        }
        tokio::time::sleep(ms(50)).await;
    }
    assert!(stored >= 4, "greeting, caller, agent, caller: {stored}");
    tokio::time::sleep(ms(700)).await;
    server.kill.send(()).unwrap();
    server.thread.join().unwrap();
    let report = call.await.unwrap().expect("the call connected");
    assert!(
        matches!(
            report.ended_by,
            CallEnd::ConnectionLost(_) | CallEnd::ServerClosed
        ),
        "{:?}",
        report.ended_by
    );

    // Everything up to the last finished utterance is there; the cut answer is not claimed.
    let lines = store.call_transcript(&tenant_id, &call_id).await.unwrap();
    let said: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l.speaker.as_str(), l.text.as_str()))
        .collect();
    assert!(said.len() >= 4, "{said:?}");
    assert_eq!(said[1], ("caller", "I need help planning my week."));
    assert_eq!(said[2], ("agent", "Good. What is on your plate?"));
    assert_eq!(said[3], ("caller", "Mostly work deadlines."));
    assert!(said.iter().all(|(_, text)| *text != long), "{said:?}");
    let call = store.get_call(&tenant_id, &call_id).await.unwrap();
    assert_eq!(call.status().as_str(), "in_progress", "nobody finished it");
}
