use serde::{Deserialize, Serialize};

use super::config::{AgentConfig, VoiceChoice};
use super::validate::{validate_system_prompt, validate_voice};
use crate::ValidationError;

/// One user's changes to an agent they use, applied over the agent's config for that user only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentOverride {
    #[serde(default)]
    pub system_prompt: Option<String>,
    #[serde(default)]
    pub voice: Option<VoiceChoice>,
}

impl AgentOverride {
    pub fn is_empty(&self) -> bool {
        self.system_prompt.is_none() && self.voice.is_none()
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.is_empty() {
            return Err(ValidationError::new(
                "system_prompt",
                "set system_prompt, voice or both (to remove an override, delete it)",
            ));
        }
        if let Some(prompt) = &self.system_prompt {
            validate_system_prompt("system_prompt", prompt)?;
        }
        if let Some(voice) = &self.voice {
            validate_voice("voice", voice)?;
        }
        Ok(())
    }

    /// The agent's config with this override's fields in place of its own.
    pub fn apply(&self, mut config: AgentConfig) -> AgentConfig {
        if let Some(prompt) = &self.system_prompt {
            config.system_prompt.clone_from(prompt);
        }
        if let Some(voice) = &self.voice {
            config.voice = voice.clone();
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_fields_it_sets() {
        let mut base = AgentConfig::with_prompt("Base prompt.");
        base.first_message = Some("Hello.".into());
        let voice_only = AgentOverride {
            system_prompt: None,
            voice: Some(VoiceChoice::of("elevenlabs", "v2")),
        };
        let applied = voice_only.apply(base.clone());
        assert_eq!(applied.system_prompt, "Base prompt.");
        assert_eq!(applied.voice.voice_id, "v2");
        assert_eq!(applied.first_message, base.first_message);

        let prompt_only = AgentOverride {
            system_prompt: Some("Mine.".into()),
            voice: None,
        };
        let applied = prompt_only.apply(base.clone());
        assert_eq!(applied.system_prompt, "Mine.");
        assert_eq!(applied.voice, base.voice);
    }

    #[test]
    fn an_override_must_change_something_valid() {
        assert_eq!(
            AgentOverride::default().validate().unwrap_err().field,
            "system_prompt"
        );
        let fast = AgentOverride {
            system_prompt: None,
            voice: Some(VoiceChoice {
                speed: Some(9.0),
                ..VoiceChoice::of("elevenlabs", "v")
            }),
        };
        assert_eq!(fast.validate().unwrap_err().field, "voice.speed");
    }
}
