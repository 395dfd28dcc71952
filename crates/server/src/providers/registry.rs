//! Turns provider names (from an agent, or the `[voice]` defaults) into running clients.
//!
//! Every client is labelled with its configured name, so logs, fallback switches and cost
//! events say `groq_backup` rather than a vendor, and prices are looked up by that label.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_providers::Timeouts;
use switchboard_providers::llm::openai::Flavor;
use switchboard_providers::llm::{ChatModel, FallbackChain, OpenAiChat, OpenAiConfig};
use switchboard_providers::realtime::{OpenAiRealtime, RealtimeConfig};
use switchboard_providers::stt::batch::{
    OpenAiTranscriber, OpenAiTranscriptionConfig, SegmenterConfig,
};
use switchboard_providers::stt::{
    DeepgramConfig, DeepgramLive, FallbackPolicy, FallbackStt, StreamOptions, StreamingStt,
    VadSegmented,
};
use switchboard_providers::tts::deepgram::{DeepgramAura, DeepgramAuraConfig};
use switchboard_providers::tts::elevenlabs::{ElevenLabsConfig, ElevenLabsTts};
use switchboard_providers::tts::openai::{OpenAiSpeech, OpenAiSpeechConfig};
use switchboard_providers::tts::{
    ApiKey, FallbackEntry, FallbackTts, StreamingTts, VoiceConfig, VoiceSettings,
};
use switchboard_voice::conversation::{PriceList, UnitPrices};

use crate::config::providers::{ProviderTimeouts, Role, check_serves};
use crate::config::{Config, ProviderConfig, ProviderKind, VoiceDefaults};

/// The Realtime model used when an agent names none.
const DEFAULT_REALTIME_MODEL: &str = "gpt-realtime";
/// The name Realtime clients report (and cost records carry).
const REALTIME_NAME: &str = "openai-realtime";

/// What a conversation could not be given.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    #[error(
        "no {role} provider is configured: add a [providers.NAME] table and list it in voice.{role} \
         (see docs/providers.md)"
    )]
    NoneConfigured { role: &'static str },
    #[error("{role} provider `{name}`: expected {expected}")]
    Unusable {
        role: &'static str,
        name: String,
        expected: String,
    },
}

/// One LLM in a chain.
#[derive(Debug, Clone, Default)]
pub struct LlmPick {
    pub provider: String,
    pub model: Option<String>,
}

/// One STT in a chain.
#[derive(Debug, Clone, Default)]
pub struct SttPick {
    pub provider: String,
    pub model: Option<String>,
}

/// One TTS voice in a chain.
#[derive(Debug, Clone, Default)]
pub struct TtsPick {
    pub provider: String,
    pub voice_id: String,
    pub model: Option<String>,
    pub settings: VoiceSettings,
}

/// The operator's providers, ready to build clients from.
pub struct ProviderRegistry {
    providers: BTreeMap<String, ProviderConfig>,
    defaults: VoiceDefaults,
    /// LLM clients by account and model, kept so that calls share their connection pools:
    /// a call's first request then skips the TCP and TLS handshakes.
    llm_clients: Mutex<HashMap<(String, String), Arc<dyn ChatModel>>>,
}

impl std::fmt::Debug for ProviderRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderRegistry")
            .field("providers", &self.providers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// `"default"` or nothing at all means "the operator's defaults for this role".
fn is_default(name: &str) -> bool {
    name.is_empty() || name == "default"
}

impl ProviderRegistry {
    pub fn new(config: &Config) -> Self {
        ProviderRegistry {
            providers: config.providers.clone(),
            defaults: config.voice.clone(),
            llm_clients: Mutex::default(),
        }
    }

    /// Whether `name` can fill `role` (for validating agents when they are saved).
    pub fn check(&self, name: &str, role: Role) -> Result<(), String> {
        if is_default(name) {
            return Ok(());
        }
        check_serves(&self.providers, name, role)
    }

    /// The prices of every configured provider, under the labels its clients report.
    pub fn prices(&self) -> PriceList {
        let mut list = PriceList::default();
        for (name, provider) in &self.providers {
            let p = provider.prices;
            let prices = UnitPrices {
                stt_per_minute: p.stt_per_minute,
                tts_per_million_chars: p.tts_per_million_chars,
                llm_input_per_million_tokens: p.llm_input_per_million_tokens,
                llm_output_per_million_tokens: p.llm_output_per_million_tokens,
            };
            list.insert(name.clone(), prices);
            // A Realtime client reports its own name, not our label.
            if provider.kind.serves(Role::SpeechToSpeech) {
                list.insert(REALTIME_NAME, prices);
            }
            // TTS clients report their vendor, not our label.
            if provider.kind.serves(Role::Tts) {
                list.insert(tts_vendor(provider.kind), prices);
            }
        }
        list
    }

    /// The configured name of the provider a role's chain starts with, for pricing.
    pub fn first_name<P: HasProvider + Clone>(&self, picks: &[P], role: Role) -> String {
        let defaults = match role {
            Role::Stt => &self.defaults.stt,
            Role::Llm => &self.defaults.llm,
            Role::Tts | Role::SpeechToSpeech => &self.defaults.tts,
        };
        match picks.first() {
            Some(pick) if !is_default(pick.provider()) => pick.provider().to_owned(),
            _ => defaults.first().cloned().unwrap_or_default(),
        }
    }

    /// A speech-to-speech client (OpenAI Realtime) for `provider`, speaking with `voice`.
    /// Its prices are entered in [`Self::prices`] under the client's own name.
    pub fn realtime(
        &self,
        provider: &str,
        model: Option<&str>,
        voice: Option<&str>,
    ) -> Result<OpenAiRealtime, RegistryError> {
        let config = self.get(provider, Role::SpeechToSpeech)?;
        let model = model.unwrap_or(DEFAULT_REALTIME_MODEL);
        let base = format!(
            "{}/realtime",
            ws_scheme(&base_url(config).unwrap_or_default())
        );
        let mut realtime = RealtimeConfig::new(ApiKey::new(key(config).unwrap_or_default()), model)
            .with_base_url(base)
            .with_timeouts(timeouts(config.timeouts));
        if let Some(voice) = voice.filter(|v| !v.is_empty()).or(config.voice.as_deref()) {
            realtime.session.voice = voice.to_owned();
        }
        Ok(OpenAiRealtime::new(realtime))
    }

    /// The LLM chain for `picks` (the defaults when empty).
    pub fn llm(&self, picks: &[LlmPick]) -> Result<Arc<dyn ChatModel>, RegistryError> {
        let picks = self.expand(picks, &self.defaults.llm, |provider| LlmPick {
            provider,
            model: None,
        });
        if picks.is_empty() {
            return Err(RegistryError::NoneConfigured { role: "llm" });
        }
        let mut models: Vec<Arc<dyn ChatModel>> = Vec::new();
        for pick in &picks {
            let provider = self.get(&pick.provider, Role::Llm)?;
            let model = pick
                .model
                .clone()
                .or_else(|| provider.llm_model.clone())
                .ok_or_else(|| unusable(Role::Llm, &pick.provider, "a model (llm_model)"))?;
            let key = (pick.provider.clone(), model.clone());
            if let Some(client) = self.llm_clients.lock().expect("llm clients").get(&key) {
                models.push(client.clone());
                continue;
            }
            let base = base_url(provider).unwrap_or_default();
            let mut config = OpenAiConfig::new(flavor(provider.kind), base, model)
                .timeouts(timeouts(provider.timeouts))
                .label(pick.provider.clone());
            if let Some(key) = &provider.api_key {
                config = config.api_key(key.expose());
            }
            let client: Arc<dyn ChatModel> = Arc::new(
                OpenAiChat::new(config)
                    .map_err(|e| unusable(Role::Llm, &pick.provider, &e.to_string()))?,
            );
            self.llm_clients
                .lock()
                .expect("llm clients")
                .insert(key, client.clone());
            models.push(client);
        }
        Ok(match models.len() {
            1 => models.remove(0),
            _ => Arc::new(
                FallbackChain::new(models).first_token_budget(Duration::from_millis(
                    self.defaults.llm_first_token_budget_ms,
                )),
            ),
        })
    }

    /// The STT chain for `picks` and the stream options a phone call wants.
    pub fn stt(
        &self,
        picks: &[SttPick],
        language: Option<&str>,
    ) -> Result<(Arc<dyn StreamingStt>, StreamOptions), RegistryError> {
        let picks = self.expand(picks, &self.defaults.stt, |provider| SttPick {
            provider,
            model: None,
        });
        if picks.is_empty() {
            return Err(RegistryError::NoneConfigured { role: "stt" });
        }
        let mut clients: Vec<Arc<dyn StreamingStt>> = Vec::new();
        let mut first_model = None;
        for pick in &picks {
            let provider = self.get(&pick.provider, Role::Stt)?;
            let model = pick.model.clone().or_else(|| provider.stt_model.clone());
            let client: Arc<dyn StreamingStt> = match provider.kind {
                ProviderKind::Deepgram => {
                    let mut config = DeepgramConfig::new(
                        base_url(provider).unwrap_or_default(),
                        key(provider).unwrap_or_default(),
                    );
                    config.timeouts = timeouts(provider.timeouts);
                    first_model.get_or_insert(model.unwrap_or_else(|| "nova-3".into()));
                    Arc::new(DeepgramLive::new(config).named(pick.provider.clone()))
                }
                _ => {
                    let model = model.unwrap_or_else(|| "whisper-1".into());
                    let mut config = OpenAiTranscriptionConfig::new(
                        base_url(provider).unwrap_or_default(),
                        key(provider),
                        model.clone(),
                    );
                    config.language = language.map(|l| l.split('-').next().unwrap_or(l).into());
                    config.timeouts = timeouts(provider.timeouts);
                    first_model.get_or_insert(model);
                    let batch = OpenAiTranscriber::new(config).named(pick.provider.clone());
                    Arc::new(VadSegmented::new(
                        Arc::new(batch),
                        SegmenterConfig::default(),
                    ))
                }
            };
            clients.push(client);
        }
        let mut options = StreamOptions::phone(first_model.unwrap_or_default());
        options.language = language.map(str::to_owned);
        let stt: Arc<dyn StreamingStt> = match clients.len() {
            1 => clients.remove(0),
            _ => Arc::new(FallbackStt::new(clients, FallbackPolicy::default())),
        };
        Ok((stt, options))
    }

    /// The TTS chain for `picks` and the voice of the first.
    pub fn tts(
        &self,
        picks: &[TtsPick],
        language: Option<&str>,
    ) -> Result<(Arc<dyn StreamingTts>, VoiceConfig), RegistryError> {
        let picks = self.expand(picks, &self.defaults.tts, |provider| TtsPick {
            provider,
            ..TtsPick::default()
        });
        if picks.is_empty() {
            return Err(RegistryError::NoneConfigured { role: "tts" });
        }
        let mut entries = Vec::new();
        for pick in &picks {
            let provider = self.get(&pick.provider, Role::Tts)?;
            let voice_id = Some(pick.voice_id.clone())
                .filter(|v| !v.is_empty())
                .or_else(|| provider.voice.clone())
                .ok_or_else(|| unusable(Role::Tts, &pick.provider, "a voice (voice)"))?;
            let voice = VoiceConfig {
                voice_id,
                model: pick.model.clone().or_else(|| provider.tts_model.clone()),
                settings: pick.settings,
                language: language.map(str::to_owned),
                instructions: None,
            };
            let api_key = ApiKey::new(key(provider).unwrap_or_default());
            let base = base_url(provider).unwrap_or_default();
            let t = timeouts(provider.timeouts);
            let client: Arc<dyn StreamingTts> = match provider.kind {
                ProviderKind::Elevenlabs => {
                    let mut config = ElevenLabsConfig::new(api_key)
                        .with_base(http_scheme(&base), ws_scheme(&base));
                    config.timeouts = t;
                    Arc::new(ElevenLabsTts::new(config))
                }
                ProviderKind::Deepgram => {
                    let mut config = DeepgramAuraConfig::new(api_key).with_base(ws_scheme(&base));
                    config.timeouts = t;
                    Arc::new(DeepgramAura::new(config))
                }
                _ => {
                    let mut config = OpenAiSpeechConfig::new(api_key).with_base(base);
                    config.timeouts = t;
                    Arc::new(OpenAiSpeech::new(config))
                }
            };
            entries.push(FallbackEntry::new(client, Some(voice)));
        }
        let voice = entries[0].voice.clone().unwrap_or_default();
        let tts: Arc<dyn StreamingTts> = match entries.len() {
            1 => entries.remove(0).provider,
            _ => Arc::new(FallbackTts::new(
                entries,
                Some(Duration::from_millis(
                    self.defaults.tts_first_byte_budget_ms,
                )),
            )),
        };
        Ok((tts, voice))
    }

    /// `picks` with "default" (or no picks at all) replaced by the operator's defaults for
    /// the role. A "default" pick's own settings (its voice, its model) go to the first
    /// default only: the fallbacks keep their configured ones.
    fn expand<P: HasProvider + Clone>(
        &self,
        picks: &[P],
        defaults: &[String],
        bare: impl Fn(String) -> P,
    ) -> Vec<P> {
        if picks.is_empty() {
            return defaults.iter().cloned().map(bare).collect();
        }
        let mut out = Vec::new();
        for pick in picks {
            if !is_default(pick.provider()) {
                out.push(pick.clone());
                continue;
            }
            for (index, name) in defaults.iter().enumerate() {
                out.push(if index == 0 {
                    pick.renamed(name.clone())
                } else {
                    bare(name.clone())
                });
            }
        }
        out
    }

    fn get(&self, name: &str, role: Role) -> Result<&ProviderConfig, RegistryError> {
        check_serves(&self.providers, name, role).map_err(|e| unusable(role, name, &e))?;
        Ok(&self.providers[name])
    }
}

/// Lets [`ProviderRegistry::expand`] read and replace any pick's provider name.
pub trait HasProvider {
    fn provider(&self) -> &str;
    fn renamed(&self, provider: String) -> Self;
}

macro_rules! has_provider {
    ($($pick:ty),*) => {$(
        impl HasProvider for $pick {
            fn provider(&self) -> &str {
                &self.provider
            }

            fn renamed(&self, provider: String) -> Self {
                Self { provider, ..self.clone() }
            }
        }
    )*};
}

has_provider!(LlmPick, SttPick, TtsPick);

fn unusable(role: Role, name: &str, expected: &str) -> RegistryError {
    RegistryError::Unusable {
        role: role.as_str(),
        name: name.to_owned(),
        expected: expected.to_owned(),
    }
}

fn base_url(provider: &ProviderConfig) -> Option<String> {
    provider
        .base_url
        .clone()
        .or_else(|| provider.kind.default_base_url().map(str::to_owned))
        .map(|url| url.trim_end_matches('/').to_owned())
}

fn key(provider: &ProviderConfig) -> Option<String> {
    provider.api_key.as_ref().map(|k| k.expose().to_owned())
}

fn timeouts(t: ProviderTimeouts) -> Timeouts {
    Timeouts {
        connect: Duration::from_millis(t.connect_ms),
        first_byte: Duration::from_millis(t.first_byte_ms),
        idle: Duration::from_millis(t.idle_ms),
    }
}

fn flavor(kind: ProviderKind) -> Flavor {
    match kind {
        ProviderKind::Openai => Flavor::OpenAi,
        ProviderKind::Groq => Flavor::Groq,
        ProviderKind::Cerebras => Flavor::Cerebras,
        ProviderKind::Ollama => Flavor::Ollama,
        ProviderKind::Vllm => Flavor::Vllm,
        ProviderKind::Llamacpp => Flavor::LlamaCpp,
        _ => Flavor::Generic,
    }
}

/// The name a TTS client of `kind` reports.
fn tts_vendor(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Elevenlabs => "elevenlabs",
        ProviderKind::Deepgram => "deepgram",
        _ => "openai",
    }
}

fn ws_scheme(url: &str) -> String {
    url.replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1)
}

fn http_scheme(url: &str) -> String {
    url.replacen("wss://", "https://", 1)
        .replacen("ws://", "http://", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> ProviderRegistry {
        let mut config = Config::default();
        let provider: ProviderConfig = serde_json::from_value(serde_json::json!({
            "kind": "groq", "api_key": "gsk_test", "llm_model": "llama"
        }))
        .unwrap();
        config.providers.insert("groq".into(), provider);
        config.voice.llm = vec!["groq".into()];
        ProviderRegistry::new(&config)
    }

    #[test]
    fn calls_share_llm_clients_per_account_and_model() {
        let registry = registry();
        let pick = |model: Option<&str>| LlmPick {
            provider: "default".into(),
            model: model.map(str::to_owned),
        };
        let first = registry.llm(&[pick(None)]).unwrap();
        let again = registry.llm(&[]).unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "one pool for one account and model"
        );
        let other = registry.llm(&[pick(Some("mixtral"))]).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(first.name(), "groq");
    }

    #[test]
    fn unknown_or_unsuitable_names_are_refused() {
        let registry = registry();
        let pick = |provider: &str| LlmPick {
            provider: provider.into(),
            model: None,
        };
        assert!(matches!(
            registry.llm(&[pick("nope")]),
            Err(RegistryError::Unusable { .. })
        ));
        assert_eq!(
            registry.stt(&[], None).err(),
            Some(RegistryError::NoneConfigured { role: "stt" })
        );
    }
}
