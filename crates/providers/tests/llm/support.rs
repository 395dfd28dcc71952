//! Shared setup: a fake, a client pointed at it, and a small conversation.

use std::time::Duration;

use futures_util::StreamExt;
use switchboard_providers::llm::{
    ChatEvent, ChatRequest, ChatStream, Flavor, Message, OpenAiChat, OpenAiConfig, RetryPolicy,
};
use switchboard_providers::{ProviderError, Timeouts};
use switchboard_testkit::fakes::llm::{FakeLlm, FakeLlmConfig};

pub const KEY: &str = "sk-test-SECRET-0123456789abcdef";

pub async fn fake() -> FakeLlm {
    FakeLlm::start(FakeLlmConfig::openai(KEY))
        .await
        .expect("fake starts")
}

pub fn fast_timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(1),
        first_byte: Duration::from_secs(2),
        idle: Duration::from_secs(2),
    }
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(200),
        retry_timeouts: false,
    }
}

pub fn config(fake: &FakeLlm) -> OpenAiConfig {
    OpenAiConfig::new(Flavor::OpenAi, fake.base_url(), "gpt-test")
        .api_key(KEY)
        .timeouts(fast_timeouts())
        .retry(fast_retry())
}

pub fn client(fake: &FakeLlm) -> OpenAiChat {
    OpenAiChat::new(config(fake)).expect("valid config")
}

pub fn request() -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::system("You are a phone agent."),
            Message::user("Book a table"),
        ],
        ..ChatRequest::default()
    }
}

/// Every item of a stream, errors included.
pub async fn drain(mut stream: ChatStream) -> Vec<Result<ChatEvent, ProviderError>> {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item);
    }
    items
}

/// The streamed text.
pub fn text_of(items: &[Result<ChatEvent, ProviderError>]) -> String {
    items
        .iter()
        .filter_map(|item| match item {
            Ok(ChatEvent::TextDelta(text)) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The one error a stream ended with.
pub fn error_of(items: &[Result<ChatEvent, ProviderError>]) -> &ProviderError {
    match items.last() {
        Some(Err(error)) => error,
        other => panic!("expected the stream to end with an error, got {other:?}"),
    }
}

/// Asserts no text in an error, in either form, mentions the key.
pub fn assert_no_secret(error: &ProviderError) {
    assert!(
        !error.to_string().contains(KEY),
        "Display leaks the key: {error}"
    );
    assert!(
        !format!("{error:?}").contains(KEY),
        "Debug leaks the key: {error:?}"
    );
}
