//! What the fake accepts: the key, the models, and the strictness of the server it plays.

/// The server the fake plays. [`FakeLlmConfig::openai`] is OpenAI as the digest describes it;
/// the other presets add refusals the provider notes list (§3.4, several \[D-3rd\]/\[M\]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeLlmConfig {
    /// The key `Authorization: Bearer` must carry; `None` accepts any or none (Ollama).
    pub api_key: Option<String>,
    /// Models that exist; `None` accepts any name.
    pub models: Option<Vec<String>>,
    /// Body fields answered with a 400 (Groq's `logprobs`, Cerebras' `frequency_penalty`, …).
    pub rejected_params: Vec<String>,
    /// Whether `stream_options` is accepted at all (some older servers refuse unknown fields).
    pub accepts_stream_options: bool,
    /// Whether `max_completion_tokens` is known (older servers only know `max_tokens`).
    pub accepts_max_completion_tokens: bool,
    /// `tool_choice` may only be `auto`/`none` (Cerebras).
    pub tool_choice_auto_none_only: bool,
    /// `n` other than 1 is refused (Groq).
    pub only_n_one: bool,
    /// `messages[].name` is refused (Groq).
    pub rejects_message_name: bool,
}

impl FakeLlmConfig {
    pub fn openai(api_key: &str) -> Self {
        Self {
            api_key: Some(api_key.into()),
            models: None,
            rejected_params: Vec::new(),
            accepts_stream_options: true,
            accepts_max_completion_tokens: true,
            tool_choice_auto_none_only: false,
            only_n_one: false,
            rejects_message_name: false,
        }
    }

    /// Groq \[D\]: refuses `logprobs`, `logit_bias`, `top_logprobs`, `messages[].name`, `n != 1`.
    pub fn groq(api_key: &str) -> Self {
        let rejected = ["logprobs", "logit_bias", "top_logprobs"]
            .map(String::from)
            .to_vec();
        Self {
            rejected_params: rejected,
            only_n_one: true,
            rejects_message_name: true,
            ..Self::openai(api_key)
        }
    }

    /// Cerebras \[D-3rd\]: refuses penalties, `logit_bias`, `parallel_tool_calls`, `service_tier`,
    /// and any `tool_choice` but `auto`/`none`.
    pub fn cerebras(api_key: &str) -> Self {
        let rejected = [
            "frequency_penalty",
            "logit_bias",
            "presence_penalty",
            "parallel_tool_calls",
            "service_tier",
        ];
        Self {
            rejected_params: rejected.map(String::from).to_vec(),
            tool_choice_auto_none_only: true,
            ..Self::openai(api_key)
        }
    }

    /// An older local server (Ollama, vLLM, llama.cpp) \[M\]: no key, only `max_tokens`.
    pub fn local() -> Self {
        Self {
            api_key: None,
            accepts_max_completion_tokens: false,
            ..Self::openai("")
        }
    }

    pub fn models(mut self, models: &[&str]) -> Self {
        self.models = Some(models.iter().map(|m| (*m).to_owned()).collect());
        self
    }
}
