//! Each flavor's quirks against a fake as strict as that provider: the client passes where a
//! naive one would get a 400.

use serde_json::json;
use switchboard_providers::ProviderError;
use switchboard_providers::llm::{
    ChatModel, ChatRequest, Flavor, OpenAiChat, OpenAiConfig, ToolChoice, ToolSpec, collect,
};
use switchboard_testkit::fakes::llm::{FakeLlm, FakeLlmConfig, Reply};
use tokio_util::sync::CancellationToken;

use super::support::*;

fn client_for(flavor: Flavor, fake: &FakeLlm, key: Option<&str>) -> OpenAiChat {
    let mut config = OpenAiConfig::new(flavor, fake.base_url(), "m")
        .timeouts(fast_timeouts())
        .retry(fast_retry());
    config.api_key = key.map(str::to_owned);
    OpenAiChat::new(config).unwrap()
}

fn demanding_request() -> ChatRequest {
    let mut request = request();
    request.max_tokens = Some(64);
    request.tools = vec![ToolSpec {
        name: "book".into(),
        description: "Book".into(),
        parameters: json!({"type": "object"}),
    }];
    request.tool_choice = ToolChoice::Function("book".into());
    for (key, value) in [
        ("logit_bias", json!({})),
        ("logprobs", json!(false)),
        ("frequency_penalty", json!(0.1)),
        ("seed", json!(3)),
    ] {
        request.extra.insert(key.into(), value);
    }
    request
}

async fn passes(
    flavor: Flavor,
    fake_config: FakeLlmConfig,
    key: Option<&str>,
) -> Result<String, ProviderError> {
    let fake = FakeLlm::start(fake_config).await.unwrap();
    fake.push(Reply::text("ok"));
    collect(client_for(flavor, &fake, key).stream(&demanding_request(), CancellationToken::new()))
        .await
        .map(|r| r.text)
}

#[tokio::test]
async fn each_flavor_satisfies_its_strict_fake() {
    assert_eq!(
        passes(Flavor::Groq, FakeLlmConfig::groq(KEY), Some(KEY))
            .await
            .unwrap(),
        "ok"
    );
    assert_eq!(
        passes(Flavor::Cerebras, FakeLlmConfig::cerebras(KEY), Some(KEY))
            .await
            .unwrap(),
        "ok"
    );
    for local in [Flavor::Ollama, Flavor::Vllm, Flavor::LlamaCpp] {
        assert_eq!(
            passes(local, FakeLlmConfig::local(), None).await.unwrap(),
            "ok",
            "{local:?}"
        );
    }
}

#[tokio::test]
async fn the_wrong_flavor_is_refused_so_quirks_matter() {
    let groq = passes(Flavor::OpenAi, FakeLlmConfig::groq(KEY), Some(KEY))
        .await
        .unwrap_err();
    assert!(
        matches!(&groq, ProviderError::BadRequest { message, .. } if message.contains("unsupported")),
        "{groq:?}"
    );
    let local = passes(Flavor::OpenAi, FakeLlmConfig::local(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&local, ProviderError::BadRequest { message, .. } if message.contains("max_completion_tokens")),
        "{local:?}"
    );
}

#[tokio::test]
async fn base_url_headers_and_model_are_configuration() {
    let fake = fake().await;
    fake.push(Reply::text("ok"));
    let config = config(&fake)
        .header("x-gateway-route", "calls-eu")
        .label("gateway");
    let config = OpenAiConfig {
        base_url: format!("{}/", fake.base_url()),
        model: "my-model".into(),
        ..config
    };
    let chat = OpenAiChat::new(config).unwrap();
    assert_eq!(chat.name(), "gateway");
    collect(chat.stream(&request(), CancellationToken::new()))
        .await
        .unwrap();
    let switchboard_testkit::fakes::Recorded::Http { headers, path, .. } =
        &fake.recorder().all()[0]
    else {
        panic!()
    };
    assert_eq!(
        path, "/v1/chat/completions",
        "a trailing slash in the base URL is fine"
    );
    assert!(headers.contains(&("x-gateway-route".into(), "calls-eu".into())));
    assert_eq!(fake.chat_bodies()[0]["model"], "my-model");
}
