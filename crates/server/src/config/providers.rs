//! The AI providers an operator has accounts with, and which of them calls use by default.
//!
//! Each `[providers.NAME]` table is one account of one `kind`; agents and the `[voice]`
//! defaults refer to it by `NAME`. Nothing about a vendor's host is fixed here: every kind
//! has a default base URL that `base_url` replaces (a proxy, a self-hosted server, the fakes).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::Secret;

/// One provider account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// The account's key. Secret. Local servers (Ollama, vLLM, llama.cpp) may need none.
    #[serde(default)]
    pub api_key: Option<Secret>,
    /// Replaces the kind's default base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Models used when an agent names none, per role.
    #[serde(default)]
    pub llm_model: Option<String>,
    #[serde(default)]
    pub stt_model: Option<String>,
    #[serde(default)]
    pub tts_model: Option<String>,
    /// The voice used when an agent names none.
    #[serde(default)]
    pub voice: Option<String>,
    #[serde(default)]
    pub timeouts: ProviderTimeouts,
    #[serde(default)]
    pub prices: ProviderPrices,
}

/// What a provider kind is, which decides its wire format and the roles it can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// STT (live `/v1/listen`) and TTS (Aura).
    Deepgram,
    /// LLM (chat completions), STT (transcriptions), TTS (speech), speech-to-speech (Realtime).
    Openai,
    /// TTS (stream-input WebSocket).
    Elevenlabs,
    /// LLM and STT (transcriptions), OpenAI-compatible.
    Groq,
    /// LLM, OpenAI-compatible.
    Cerebras,
    /// LLM, OpenAI-compatible, usually local.
    Ollama,
    /// LLM, OpenAI-compatible, usually local.
    Vllm,
    /// LLM, OpenAI-compatible, usually local.
    Llamacpp,
    /// Any other OpenAI-compatible server: LLM and STT (transcriptions, e.g. a Whisper server).
    OpenaiCompatible,
}

/// A role a provider fills in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Stt,
    Llm,
    Tts,
    SpeechToSpeech,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Stt => "stt",
            Role::Llm => "llm",
            Role::Tts => "tts",
            Role::SpeechToSpeech => "speech-to-speech",
        }
    }
}

impl ProviderKind {
    /// Whether this kind can fill `role`.
    pub fn serves(self, role: Role) -> bool {
        use ProviderKind::*;
        match role {
            Role::Stt => matches!(self, Deepgram | Openai | Groq | OpenaiCompatible),
            Role::Llm => !matches!(self, Deepgram | Elevenlabs),
            Role::Tts => matches!(self, Deepgram | Openai | Elevenlabs),
            Role::SpeechToSpeech => matches!(self, Openai),
        }
    }

    /// The base URL used when `base_url` is not set; `None` for local servers, which must
    /// say where they are.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ProviderKind::Deepgram => Some("https://api.deepgram.com"),
            ProviderKind::Openai => Some("https://api.openai.com/v1"),
            ProviderKind::Elevenlabs => Some("https://api.elevenlabs.io"),
            ProviderKind::Groq => Some("https://api.groq.com/openai/v1"),
            ProviderKind::Cerebras => Some("https://api.cerebras.ai/v1"),
            ProviderKind::Ollama => Some("http://127.0.0.1:11434/v1"),
            ProviderKind::Vllm | ProviderKind::Llamacpp | ProviderKind::OpenaiCompatible => None,
        }
    }

    /// Whether calls without a key are refused by this kind's hosted service.
    pub fn needs_api_key(self) -> bool {
        !matches!(
            self,
            ProviderKind::Ollama
                | ProviderKind::Vllm
                | ProviderKind::Llamacpp
                | ProviderKind::OpenaiCompatible
        )
    }
}

/// Time limits of every request to this provider, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderTimeouts {
    pub connect_ms: u64,
    pub first_byte_ms: u64,
    pub idle_ms: u64,
}

impl Default for ProviderTimeouts {
    fn default() -> Self {
        ProviderTimeouts {
            connect_ms: 5_000,
            first_byte_ms: 10_000,
            idle_ms: 10_000,
        }
    }
}

/// What this provider costs the operator, in micro-units of the operator's currency. Each use
/// during a call is recorded as a cost event priced with these; zero means "not priced".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderPrices {
    /// Speech-to-text (and speech-to-speech audio) per minute of caller audio.
    pub stt_per_minute: u64,
    /// Text-to-speech per million characters.
    pub tts_per_million_chars: u64,
    /// LLM input tokens per million.
    pub llm_input_per_million_tokens: u64,
    /// LLM output tokens per million.
    pub llm_output_per_million_tokens: u64,
}

/// Which providers calls use when their agent names none, and how long each may keep a
/// caller waiting before the next one in the chain takes over.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceDefaults {
    /// Provider names, first choice first (in the environment: comma-separated).
    #[serde(deserialize_with = "names")]
    pub stt: Vec<String>,
    #[serde(deserialize_with = "names")]
    pub llm: Vec<String>,
    #[serde(deserialize_with = "names")]
    pub tts: Vec<String>,
    /// No first LLM token this long after a request: the next LLM takes over.
    pub llm_first_token_budget_ms: u64,
    /// No first TTS audio this long after the text: the next TTS takes over.
    pub tts_first_byte_budget_ms: u64,
    /// Operators may let agents call HTTP tools on loopback and private networks (for tools
    /// running beside Switchboard). Off by default: a tenant could otherwise reach internal
    /// services.
    pub allow_private_tool_urls: bool,
}

impl Default for VoiceDefaults {
    fn default() -> Self {
        VoiceDefaults {
            stt: Vec::new(),
            llm: Vec::new(),
            tts: Vec::new(),
            llm_first_token_budget_ms: 2_500,
            tts_first_byte_budget_ms: 2_000,
            allow_private_tool_urls: false,
        }
    }
}

/// A list of names from TOML (`["a", "b"]`) or from an environment variable (`a,b`).
pub(super) fn names<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Names {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Names::deserialize(deserializer)? {
        Names::List(list) => list,
        Names::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Checks that every provider can be used as configured and that the defaults name providers
/// of the right kind. Returns the offending key and what was expected.
pub(super) fn validate(
    providers: &BTreeMap<String, ProviderConfig>,
    defaults: &VoiceDefaults,
) -> Result<(), (String, String)> {
    for (name, provider) in providers {
        if !valid_name(name) {
            return Err((
                format!("providers.{name}"),
                "a provider name of lowercase letters, digits and underscores".into(),
            ));
        }
        if let Some(url) = &provider.base_url {
            let parsed = url::Url::parse(url).ok();
            let scheme_ok = parsed
                .as_ref()
                .is_some_and(|u| matches!(u.scheme(), "http" | "https" | "ws" | "wss"));
            if !scheme_ok {
                return Err((
                    format!("providers.{name}.base_url"),
                    "an absolute http(s) or ws(s) URL".into(),
                ));
            }
        } else if provider.kind.default_base_url().is_none() {
            return Err((
                format!("providers.{name}.base_url"),
                "the server's URL: this kind has no default host".into(),
            ));
        }
        if provider.kind.needs_api_key() && provider.api_key.is_none() {
            return Err((
                format!("providers.{name}.api_key"),
                "the account's API key".into(),
            ));
        }
        let t = provider.timeouts;
        if t.connect_ms == 0 || t.first_byte_ms == 0 || t.idle_ms == 0 {
            return Err((
                format!("providers.{name}.timeouts"),
                "timeouts above 0 ms".into(),
            ));
        }
    }
    let roles = [
        ("voice.stt", &defaults.stt, Role::Stt),
        ("voice.llm", &defaults.llm, Role::Llm),
        ("voice.tts", &defaults.tts, Role::Tts),
    ];
    for (key, names, role) in roles {
        for name in names {
            check_serves(providers, name, role).map_err(|expected| (key.to_owned(), expected))?;
        }
    }
    if defaults.llm_first_token_budget_ms == 0 || defaults.tts_first_byte_budget_ms == 0 {
        return Err(("voice".into(), "latency budgets above 0 ms".into()));
    }
    Ok(())
}

/// `Ok` when `name` is a configured provider that can fill `role`; otherwise what was expected.
pub fn check_serves(
    providers: &BTreeMap<String, ProviderConfig>,
    name: &str,
    role: Role,
) -> Result<(), String> {
    match providers.get(name) {
        None => Err(format!(
            "the name of a configured provider (no `providers.{name}`)"
        )),
        Some(p) if !p.kind.serves(role) => Err(format!(
            "a provider that can do {}; `{name}` is {:?}",
            role.as_str(),
            p.kind
        )),
        Some(_) => Ok(()),
    }
}

pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
