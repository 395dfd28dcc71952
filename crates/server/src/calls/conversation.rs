//! From an agent's configuration to a running conversation: the engine's spec (prompt and
//! policies) and its provider clients, built from the operator's provider accounts.

use std::time::Duration;

use switchboard_core::agent::AgentConfig;
use switchboard_providers::tts::VoiceSettings;
use switchboard_voice::agent::backchannel::BackchannelPolicy;
use switchboard_voice::conversation::{
    BuiltinTool, ConversationProviders, ConversationSpec, DurationPolicy, ProviderNames,
    SilencePolicy, TurnPolicy,
};

use crate::config::providers::Role;
use crate::providers::{LlmPick, ProviderRegistry, RegistryError, SttPick, TtsPick};

/// The engine's spec for a rendered agent config (variables already filled).
pub fn spec_for(config: &AgentConfig) -> ConversationSpec {
    let mut spec = ConversationSpec::new(config.system_prompt.clone());
    spec.first_message = config.first_message.clone();
    let turn = &config.turn;
    spec.turn = TurnPolicy {
        endpointing: Duration::from_millis(turn.endpointing_ms.into()),
        backchannels: BackchannelPolicy {
            phrases: turn.backchannels.clone(),
            min_words: turn.interrupt_min_words,
        },
        interrupt_min_speech: Duration::from_millis(turn.interrupt_min_speech_ms.into()),
        ..TurnPolicy::default()
    };
    let silence = &config.silence;
    spec.silence = SilencePolicy {
        reprompt_after: Duration::from_secs(silence.reprompt_after_secs.into()),
        hangup_after: Duration::from_secs(silence.hangup_after_secs.into()),
        reprompt_message: silence.reprompt_message.clone(),
        goodbye_message: silence.goodbye_message.clone(),
    };
    let extension = &config.extension;
    spec.duration = DurationPolicy {
        max: Duration::from_secs(config.max_duration_secs.into()),
        warning_before: Duration::from_secs(config.duration_warning_secs.into()),
        extension_step: Duration::from_secs(extension.step_secs.into()),
        max_extensions: if extension.allowed {
            extension.max_extensions
        } else {
            0
        },
        ..DurationPolicy::default()
    };
    // Ending the call is always possible; the others only when the agent enables them.
    let mut builtins = vec![BuiltinTool::EndCall];
    builtins.extend(
        config
            .tools
            .iter()
            .filter_map(|name| BuiltinTool::from_name(name))
            .filter(|tool| *tool != BuiltinTool::EndCall),
    );
    if !extension.allowed {
        builtins.retain(|tool| *tool != BuiltinTool::ExtendCall);
    }
    spec.builtins = builtins;
    spec
}

/// The tenant tools an agent enables (the names that are not built-ins).
pub fn custom_tool_names(config: &AgentConfig) -> Vec<String> {
    config
        .tools
        .iter()
        .filter(|name| BuiltinTool::from_name(name).is_none())
        .cloned()
        .collect()
}

/// The agent's LLM choices, first choice first.
pub fn llm_picks(config: &AgentConfig) -> Vec<LlmPick> {
    config
        .llm
        .iter()
        .map(|c| LlmPick {
            provider: c.provider.clone(),
            model: c.model.clone(),
        })
        .collect()
}

/// The provider clients for an agent's choices.
pub fn providers_for(
    registry: &ProviderRegistry,
    config: &AgentConfig,
) -> Result<ConversationProviders, RegistryError> {
    let language = Some(config.language.as_str()).filter(|l| !l.is_empty());
    let llm_picks = llm_picks(config);
    let stt_picks: Vec<SttPick> = config
        .stt
        .iter()
        .map(|c| SttPick {
            provider: c.provider.clone(),
            model: c.model.clone(),
        })
        .collect();
    let tts_picks: Vec<TtsPick> = std::iter::once(&config.voice)
        .chain(&config.tts_fallbacks)
        .map(|v| TtsPick {
            provider: v.provider.clone(),
            voice_id: v.voice_id.clone(),
            model: v.model.clone(),
            settings: VoiceSettings {
                stability: v.stability,
                similarity_boost: v.similarity_boost,
                style: v.style,
                use_speaker_boost: None,
                speed: v.speed,
            },
        })
        .collect();
    let llm = registry.llm(&llm_picks)?;
    let (stt, stt_options) = registry.stt(&stt_picks, language)?;
    let (tts, voice) = registry.tts(&tts_picks, language)?;
    let names = ProviderNames {
        stt: registry.first_name(&stt_picks, Role::Stt),
        llm: registry.first_name(&llm_picks, Role::Llm),
        tts: registry.first_name(&tts_picks, Role::Tts),
    };
    Ok(ConversationProviders {
        stt,
        stt_options,
        llm,
        temperature: config.llm.first().and_then(|c| c.temperature),
        summary_llm: None,
        tts,
        voice,
        prices: registry.prices(),
        names,
    })
}
