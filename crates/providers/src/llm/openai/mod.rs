//! OpenAI-compatible Chat Completions (`POST {base}/chat/completions`), streamed as SSE.
//! Wire format: `shared/protocols/ai-providers.md` §3.

mod assemble;
mod body;
mod client;
mod config;
mod errors;
mod reply;
mod sse;
mod stream;

pub use client::{ConfigError, OpenAiChat};
pub use config::{Flavor, MaxTokensField, OpenAiConfig, Quirks, RetryPolicy};
