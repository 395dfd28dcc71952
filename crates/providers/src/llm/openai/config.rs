//! Configuration of an OpenAI-compatible client: where, who, which model, and the quirks of
//! the server behind it. Nothing here is hard-coded to a vendor's host.

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::Timeouts;

/// Which server speaks the protocol; picks default [`Quirks`] and the name used in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    OpenAi,
    Groq,
    Cerebras,
    Ollama,
    Vllm,
    LlamaCpp,
    /// Any other compatible server: OpenAI's defaults.
    Generic,
}

impl Flavor {
    /// The provider name errors carry.
    pub fn provider(self) -> &'static str {
        match self {
            Flavor::OpenAi => "openai",
            Flavor::Groq => "groq",
            Flavor::Cerebras => "cerebras",
            Flavor::Ollama => "ollama",
            Flavor::Vllm => "vllm",
            Flavor::LlamaCpp => "llama.cpp",
            Flavor::Generic => "openai-compatible",
        }
    }

    /// Defaults from the provider notes (§3.1, §3.4). Entries marked \[M\]/\[D-3rd\] there are
    /// guesses: override them in [`OpenAiConfig::quirks`] when a server disagrees.
    pub fn quirks(self) -> Quirks {
        let base = Quirks::default();
        match self {
            Flavor::OpenAi | Flavor::Generic => base,
            Flavor::Groq => Quirks {
                unsupported_params: vec!["logprobs", "logit_bias", "top_logprobs", "n"],
                ..base
            },
            Flavor::Cerebras => Quirks {
                unsupported_params: vec![
                    "frequency_penalty",
                    "logit_bias",
                    "presence_penalty",
                    "parallel_tool_calls",
                    "service_tier",
                ],
                tool_choice_auto_none_only: true,
                ..base
            },
            Flavor::Ollama | Flavor::Vllm => Quirks {
                max_tokens_field: MaxTokensField::MaxTokens,
                ..base
            },
            Flavor::LlamaCpp => Quirks {
                max_tokens_field: MaxTokensField::MaxTokens,
                stream_usage: false,
                ..base
            },
        }
    }
}

/// The name of the output-token limit field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxTokensField {
    /// Older servers (Ollama, llama.cpp, vLLM).
    MaxTokens,
    /// OpenAI and Cerebras.
    MaxCompletionTokens,
}

impl MaxTokensField {
    pub fn key(self) -> &'static str {
        match self {
            MaxTokensField::MaxTokens => "max_tokens",
            MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
        }
    }
}

/// What a given server accepts. Defaults are OpenAI's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quirks {
    /// Send `stream_options: {include_usage: true}`; off for servers that reject it.
    pub stream_usage: bool,
    pub max_tokens_field: MaxTokensField,
    /// Body fields the server answers with a 400; dropped from `ChatRequest::extra`.
    pub unsupported_params: Vec<&'static str>,
    /// `tool_choice` may only be `auto`/`none` (Cerebras): `required` and a named function are
    /// sent as `auto`.
    pub tool_choice_auto_none_only: bool,
}

impl Default for Quirks {
    fn default() -> Self {
        Self {
            stream_usage: true,
            max_tokens_field: MaxTokensField::MaxCompletionTokens,
            unsupported_params: Vec::new(),
            tool_choice_auto_none_only: false,
        }
    }
}

/// Retries of one model before any token reached the caller. Statuses retried follow the
/// openai SDK: 408, 409, 429 and 5xx, plus dropped connections; `x-should-retry` overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubles after each.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Retry after a first-byte timeout too. Off by default: on a live call a slow model is
    /// better left to the fallback chain than waited for twice.
    pub retry_timeouts: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 2,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            retry_timeouts: false,
        }
    }
}

impl RetryPolicy {
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (1-based `attempt` just failed), honouring the
    /// server's hint; `None` when the hint is longer than `max_backoff` (better to fall back).
    pub fn backoff(&self, attempt: u32, hint: Option<Duration>) -> Option<Duration> {
        if let Some(hint) = hint {
            return (hint <= self.max_backoff).then_some(hint);
        }
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        Some(
            self.base_backoff
                .saturating_mul(factor)
                .min(self.max_backoff),
        )
    }
}

/// Everything an [`super::OpenAiChat`] needs. `Debug` never shows the key.
#[derive(Clone)]
pub struct OpenAiConfig {
    pub flavor: Flavor,
    /// e.g. `https://api.groq.com/openai/v1`; `/chat/completions` is appended.
    pub base_url: String,
    /// Sent as `Authorization: Bearer KEY`; `None` sends no header (local servers).
    pub api_key: Option<String>,
    pub model: String,
    /// Sent with every request (e.g. `OpenAI-Organization`, a gateway's routing header).
    pub extra_headers: Vec<(String, String)>,
    /// Extra body fields for this provider only (e.g. vLLM's `continuous_usage_stats`), sent as
    /// given and overriding the request's own.
    pub extra_body: Map<String, Value>,
    pub quirks: Quirks,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// Overrides the label in logs and fallback reports (default `flavor:model`).
    pub label: Option<String>,
}

impl OpenAiConfig {
    pub fn new(flavor: Flavor, base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            flavor,
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            extra_headers: Vec::new(),
            extra_body: Map::new(),
            quirks: flavor.quirks(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            label: None,
        }
    }

    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

impl fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self
            .extra_headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        f.debug_struct("OpenAiConfig")
            .field("flavor", &self.flavor)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("model", &self.model)
            .field("extra_headers", &headers)
            .field("quirks", &self.quirks)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}
