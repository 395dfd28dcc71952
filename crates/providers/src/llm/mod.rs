//! Language models: the [`ChatModel`] role trait, an OpenAI-compatible Chat Completions client
//! (OpenAI, Groq, Cerebras, Ollama, vLLM, llama.cpp) and a [`FallbackChain`] over several models.
//!
//! Replies stream as [`ChatEvent`]s so the engine can chunk text into TTS before the model is
//! done; every turn carries a `CancellationToken` so barge-in stops the upstream call at once.

mod fallback;
mod model;
pub mod openai;
mod types;

pub use fallback::FallbackChain;
pub use model::{ChatModel, ChatStream, collect};
pub use openai::{
    ConfigError, Flavor, MaxTokensField, OpenAiChat, OpenAiConfig, Quirks, RetryPolicy,
};
pub use types::{
    ChatEvent, ChatRequest, ChatResponse, FinishReason, Message, Switch, SwitchCause, ToolCall,
    ToolChoice, ToolSpec,
};
