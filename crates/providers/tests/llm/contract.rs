//! The fake refuses what OpenAI refuses, with OpenAI's error body, so a client bug cannot hide
//! behind a lenient fake.

use serde_json::{Value, json};
use switchboard_testkit::fakes::llm::{FakeLlm, FakeLlmConfig, Reply};

use super::support::*;

struct Answer {
    status: u16,
    error: Value,
}

async fn send(
    fake: &FakeLlm,
    method: reqwest::Method,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> Answer {
    let url = format!("{}{path}", fake.server().http_url());
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    let error = body["error"].clone();
    for field in ["message", "type", "param", "code"] {
        assert!(
            error.get(field).is_some(),
            "OpenAI's error shape lacks {field}: {body}"
        );
    }
    assert!(error["message"].is_string() && error["type"].is_string());
    Answer { status, error }
}

const GOOD: &str = r#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#;

async fn post(fake: &FakeLlm, body: &str) -> Answer {
    send(
        fake,
        reqwest::Method::POST,
        "/v1/chat/completions",
        Some(&format!("Bearer {KEY}")),
        body,
    )
    .await
}

#[tokio::test]
async fn wrong_path_method_and_auth_are_refused() {
    let fake = fake().await;
    let bearer = format!("Bearer {KEY}");
    let answer = send(
        &fake,
        reqwest::Method::POST,
        "/v1/chat/completion",
        Some(&bearer),
        GOOD,
    )
    .await;
    assert_eq!(
        (answer.status, answer.error["message"].as_str()),
        (404, Some("Invalid URL (POST /v1/chat/completion)"))
    );
    let answer = send(
        &fake,
        reqwest::Method::GET,
        "/v1/chat/completions",
        Some(&bearer),
        GOOD,
    )
    .await;
    assert_eq!(answer.status, 405);
    let answer = send(
        &fake,
        reqwest::Method::POST,
        "/v1/chat/completions",
        None,
        GOOD,
    )
    .await;
    assert_eq!((answer.status, &answer.error["code"]), (401, &Value::Null));
    let answer = send(
        &fake,
        reqwest::Method::POST,
        "/v1/chat/completions",
        Some("Bearer sk-nope"),
        GOOD,
    )
    .await;
    assert_eq!(
        (answer.status, answer.error["code"].as_str()),
        (401, Some("invalid_api_key"))
    );
    let answer = send(
        &fake,
        reqwest::Method::POST,
        "/v1/chat/completions",
        Some(KEY),
        GOOD,
    )
    .await;
    assert_eq!(answer.status, 401, "the key without the Bearer scheme");
    assert_eq!(fake.pending(), 0);
    assert_eq!(
        fake.recorder().all().len(),
        5,
        "refused requests are recorded too"
    );
}

#[tokio::test]
async fn bad_bodies_are_refused_with_the_parameter_named() {
    let fake = FakeLlm::start(FakeLlmConfig::openai(KEY).models(&["m"]))
        .await
        .unwrap();
    let cases: &[(&str, u16, Option<&str>)] = &[
        ("{not json", 400, None),
        (
            r#"{"messages":[{"role":"user","content":"hi"}]}"#,
            400,
            None,
        ),
        (
            r#"{"model":7,"messages":[{"role":"user","content":"hi"}]}"#,
            400,
            Some("model"),
        ),
        (
            r#"{"model":"other","messages":[{"role":"user","content":"hi"}]}"#,
            404,
            None,
        ),
        (r#"{"model":"m"}"#, 400, Some("messages")),
        (r#"{"model":"m","messages":"hi"}"#, 400, Some("messages")),
        (r#"{"model":"m","messages":[]}"#, 400, Some("messages")),
        (
            r#"{"model":"m","messages":[{"role":"robot","content":"hi"}]}"#,
            400,
            Some("messages[0].role"),
        ),
        (
            r#"{"model":"m","messages":[{"content":"hi"}]}"#,
            400,
            Some("messages[0].role"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user"}]}"#,
            400,
            Some("messages[0].content"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"tool","tool_call_id":"x","content":"{}"}]}"#,
            400,
            Some("messages.[0].role"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}"#,
            400,
            Some("stream"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}"#,
            400,
            Some("stream_options"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":3}"#,
            400,
            Some("temperature"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":"many"}"#,
            400,
            Some("max_tokens"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"bad name"}}]}"#,
            400,
            Some("tools[0].function.name"),
        ),
        (
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"auto"}"#,
            400,
            Some("tool_choice"),
        ),
    ];
    for (body, status, param) in cases {
        let answer = post(&fake, body).await;
        assert_eq!(answer.status, *status, "{body}: {:?}", answer.error);
        assert_eq!(answer.error["param"].as_str(), *param, "{body}");
    }
    assert_eq!(fake.recorder().all().len(), cases.len());
}

#[tokio::test]
async fn provider_presets_refuse_their_unsupported_parameters() {
    let groq = FakeLlm::start(FakeLlmConfig::groq(KEY)).await.unwrap();
    let answer = post(
        &groq,
        r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true}"#,
    )
    .await;
    assert_eq!(
        (answer.status, answer.error["param"].as_str()),
        (400, Some("logprobs"))
    );
    assert_eq!(
        post(
            &groq,
            r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}"#
        )
        .await
        .status,
        400
    );
    let named = r#"{"model":"m","messages":[{"role":"user","content":"hi","name":"caller"}]}"#;
    let answer = post(&groq, named).await;
    assert_eq!(answer.error["param"].as_str(), Some("messages[0].name"));
    let cerebras = FakeLlm::start(FakeLlmConfig::cerebras(KEY)).await.unwrap();
    let tools = r#""tools":[{"type":"function","function":{"name":"book","parameters":{"type":"object"}}}]"#;
    let body = format!(
        r#"{{"model":"m","messages":[{{"role":"user","content":"hi"}}],{tools},"tool_choice":"required"}}"#
    );
    assert_eq!(post(&cerebras, &body).await.status, 400);
}

#[tokio::test]
async fn a_valid_request_gets_an_openai_shaped_answer() {
    let fake = fake().await;
    fake.push(Reply::text("Hi there"));
    let response = reqwest::Client::new()
        .post(format!("{}/chat/completions", fake.base_url()))
        .bearer_auth(KEY)
        .json(&json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(
        body["choices"][0]["message"],
        json!({"role": "assistant", "content": "Hi there", "refusal": null})
    );
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert!(body["usage"]["total_tokens"].is_u64());
    // An empty script is a visible 500, not a silent default.
    assert_eq!(post(&fake, GOOD).await.status, 500);
}
