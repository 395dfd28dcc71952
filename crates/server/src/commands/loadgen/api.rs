//! The few API calls the loadgen makes: an account, an agent, and a web call per caller.

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// A Switchboard's REST API, as one tenant.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// A call waiting for its media stream.
pub struct WebCall {
    pub stream_token: String,
}

impl Api {
    pub fn new(base: &str, token: String) -> Self {
        Api {
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
            token,
        }
    }

    /// Signs up a fresh tenant on a server that allows it; returns its session token.
    pub async fn sign_up(base: &str) -> anyhow::Result<String> {
        let body = json!({
            "email": format!("loadgen-{}@example.com", ulid::Ulid::new()).to_lowercase(),
            "password": "load generator password",
            "name": "Load generator",
            "tenant_name": "Load generator",
        });
        let answer = post(&reqwest::Client::new(), base, "/v1/auth/signup", None, body).await?;
        answer["token"]
            .as_str()
            .map(str::to_owned)
            .context("signup answered without a token")
    }

    /// The media WebSocket URL of web calls (`/media/web`: no carrier signature needed).
    pub fn media_url(&self) -> String {
        let ws = self
            .base
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1);
        format!("{ws}/media/web")
    }

    /// Creates the agent the calls talk to: a greeting, defaults otherwise.
    pub async fn create_agent(&self) -> anyhow::Result<String> {
        let body = json!({
            "name": "Load generator",
            "config": {
                "system_prompt": "You answer the load generator's calls.",
                "first_message": "Hello, this is the load test line. Go ahead.",
            },
        });
        let agent = post(
            &self.http,
            &self.base,
            "/v1/agents",
            Some(&self.token),
            body,
        )
        .await?;
        agent["id"]
            .as_str()
            .map(str::to_owned)
            .context("agent created without an id")
    }

    pub async fn start_web_call(&self, agent_id: &str) -> anyhow::Result<WebCall> {
        let body = json!({"agent_id": agent_id, "metadata": {"source": "loadgen"}});
        let call = post(
            &self.http,
            &self.base,
            "/v1/calls/web",
            Some(&self.token),
            body,
        )
        .await?;
        let stream_token = call["stream_token"]
            .as_str()
            .context("web call answered without a stream token")?
            .to_owned();
        Ok(WebCall { stream_token })
    }

    /// Whether the server answers `GET /readyz` with 200.
    pub async fn ready(&self) -> bool {
        let url = format!("{}/readyz", self.base);
        matches!(self.http.get(url).send().await, Ok(r) if r.status().is_success())
    }
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> anyhow::Result<Value> {
    let mut request = http.post(format!("{base}{path}")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("POST {path}"))?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("POST {path} answered {status}: {answer}");
    }
    Ok(answer)
}
