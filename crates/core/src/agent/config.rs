//! What an agent is: its prompt, its voice, the models it runs on and the rules of its calls.
//!
//! Every field except `system_prompt` has a default, so the smallest valid config is
//! `{"system_prompt": "..."}`. Unknown fields are refused, so a typo is an error rather than a
//! silently ignored setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    pub system_prompt: String,
    /// What the agent says when the call connects; without one it waits for the caller.
    #[serde(default)]
    pub first_message: Option<String>,
    /// BCP-47 tag of the language the call is held in.
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub voice: VoiceChoice,
    /// Voices to fall back to, in order, when the main voice's provider fails.
    #[serde(default)]
    pub tts_fallbacks: Vec<VoiceChoice>,
    /// Speech-to-text chain, tried in order; empty means the platform default.
    #[serde(default)]
    pub stt: Vec<ModelChoice>,
    /// Language-model chain, tried in order; empty means the platform default.
    #[serde(default)]
    pub llm: Vec<LlmChoice>,
    /// When set, one speech-to-speech model (such as OpenAI Realtime) replaces stt, llm and voice.
    #[serde(default)]
    pub speech_to_speech: Option<ModelChoice>,
    /// Enabled tools: the built-ins `end_call`, `transfer_call`, `extend_call`, or the names of
    /// the tenant's HTTP tools.
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default = "default_max_duration_secs")]
    pub max_duration_secs: u32,
    /// How long before `max_duration_secs` the agent warns that the call is about to end.
    #[serde(default = "default_duration_warning_secs")]
    pub duration_warning_secs: u32,
    #[serde(default)]
    pub extension: ExtensionPolicy,
    #[serde(default)]
    pub silence: SilencePolicy,
    #[serde(default)]
    pub turn: TurnPolicy,
    /// Defaults for the `{{variables}}` of `system_prompt` and `first_message`; a call's own
    /// variables win over these.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

/// A text-to-speech voice. The tuning fields are passed to providers that understand them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceChoice {
    pub provider: String,
    #[serde(default)]
    pub voice_id: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub stability: Option<f32>,
    #[serde(default)]
    pub similarity_boost: Option<f32>,
    #[serde(default)]
    pub style: Option<f32>,
    #[serde(default)]
    pub speed: Option<f32>,
}

/// The platform's default provider with its default voice.
impl Default for VoiceChoice {
    fn default() -> Self {
        Self::of(DEFAULT_PROVIDER, "")
    }
}

impl VoiceChoice {
    /// A voice of a provider with no tuning.
    pub fn of(provider: &str, voice_id: &str) -> Self {
        Self {
            provider: provider.to_owned(),
            voice_id: voice_id.to_owned(),
            model: None,
            stability: None,
            similarity_boost: None,
            style: None,
            speed: None,
        }
    }
}

/// A provider and, optionally, one of its models (the provider's default otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelChoice {
    pub provider: String,
    #[serde(default)]
    pub model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmChoice {
    pub provider: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub temperature: Option<f32>,
}

/// Whether the agent may lengthen a call past `max_duration_secs` (with the `extend_call` tool).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtensionPolicy {
    pub allowed: bool,
    pub step_secs: u32,
    pub max_extensions: u32,
}

impl Default for ExtensionPolicy {
    fn default() -> Self {
        Self {
            allowed: false,
            step_secs: 300,
            max_extensions: 2,
        }
    }
}

/// What the agent does when the caller goes quiet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SilencePolicy {
    pub reprompt_after_secs: u32,
    pub hangup_after_secs: u32,
    pub reprompt_message: String,
    pub goodbye_message: String,
}

impl Default for SilencePolicy {
    fn default() -> Self {
        Self {
            reprompt_after_secs: 8,
            hangup_after_secs: 20,
            reprompt_message: "Are you still there?".into(),
            goodbye_message: "It seems we got disconnected. Goodbye!".into(),
        }
    }
}

/// Turn-taking: when the caller has finished, and when they are interrupting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TurnPolicy {
    /// Silence after the caller's speech before the agent takes its turn.
    pub endpointing_ms: u32,
    /// Caller speech over the agent interrupts it only with at least this many words...
    pub interrupt_min_words: u32,
    /// ...or this much speech.
    pub interrupt_min_speech_ms: u32,
    /// Utterances that never interrupt the agent, compared case-insensitively.
    pub backchannels: Vec<String>,
}

impl Default for TurnPolicy {
    fn default() -> Self {
        Self {
            endpointing_ms: 500,
            interrupt_min_words: 2,
            interrupt_min_speech_ms: 700,
            backchannels: DEFAULT_BACKCHANNELS.iter().map(|&b| b.to_owned()).collect(),
        }
    }
}

/// The provider name meaning "whatever the platform is configured with".
pub const DEFAULT_PROVIDER: &str = "default";

/// The names of the tools every agent can enable without defining them.
pub const BUILT_IN_TOOLS: [&str; 3] = ["end_call", "transfer_call", "extend_call"];

const DEFAULT_BACKCHANNELS: [&str; 14] = [
    "mm-hmm", "mhm", "uh-huh", "yeah", "yep", "yes", "okay", "ok", "right", "sure", "i see",
    "got it", "uh huh", "mm",
];

fn default_language() -> String {
    "en".into()
}

fn default_max_duration_secs() -> u32 {
    1800
}

fn default_duration_warning_secs() -> u32 {
    30
}

impl AgentConfig {
    /// A config with this prompt and every other field at its default.
    pub fn with_prompt(system_prompt: impl Into<String>) -> Self {
        Self {
            system_prompt: system_prompt.into(),
            first_message: None,
            language: default_language(),
            voice: VoiceChoice::default(),
            tts_fallbacks: Vec::new(),
            stt: Vec::new(),
            llm: Vec::new(),
            speech_to_speech: None,
            tools: Vec::new(),
            max_duration_secs: default_max_duration_secs(),
            duration_warning_secs: default_duration_warning_secs(),
            extension: ExtensionPolicy::default(),
            silence: SilencePolicy::default(),
            turn: TurnPolicy::default(),
            variables: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_prompt_is_required_and_the_rest_takes_its_defaults() {
        let config: AgentConfig = serde_json::from_str(r#"{"system_prompt":"Be kind."}"#).unwrap();
        assert_eq!(config, AgentConfig::with_prompt("Be kind."));
        assert_eq!(config.language, "en");
        assert_eq!(config.voice.provider, "default");
        assert_eq!(config.max_duration_secs, 1800);
        assert_eq!(config.silence.hangup_after_secs, 20);
        assert!(config.turn.backchannels.iter().any(|b| b == "mm-hmm"));
        let missing = serde_json::from_str::<AgentConfig>("{}").unwrap_err();
        assert!(missing.to_string().contains("system_prompt"), "{missing}");
    }

    #[test]
    fn nested_policies_take_defaults_for_the_fields_left_out() {
        let config: AgentConfig = serde_json::from_str(
            r#"{"system_prompt":"x","silence":{"hangup_after_secs":45},"turn":{"backchannels":[]}}"#,
        )
        .unwrap();
        assert_eq!(config.silence.hangup_after_secs, 45);
        assert_eq!(config.silence.reprompt_after_secs, 8);
        assert_eq!(config.silence.reprompt_message, "Are you still there?");
        assert!(config.turn.backchannels.is_empty());
        assert_eq!(config.turn.endpointing_ms, 500);
    }

    #[test]
    fn unknown_fields_are_refused_at_every_level() {
        for json in [
            r#"{"system_prompt":"x","promt":"y"}"#,
            r#"{"system_prompt":"x","silence":{"hangup_secs":3}}"#,
            r#"{"system_prompt":"x","voice":{"provider":"p","pitch":1.0}}"#,
        ] {
            assert!(serde_json::from_str::<AgentConfig>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn a_config_survives_a_round_trip_through_json() {
        let mut config = AgentConfig::with_prompt("Hello {{name}}");
        config.voice = VoiceChoice {
            speed: Some(1.1),
            stability: Some(0.4),
            ..VoiceChoice::of("elevenlabs", "abc")
        };
        config.llm = vec![LlmChoice {
            provider: "openai".into(),
            model: Some("gpt-4o-mini".into()),
            temperature: Some(0.7),
        }];
        config.variables.insert("name".into(), "friend".into());
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<AgentConfig>(&json).unwrap(), config);
    }
}
