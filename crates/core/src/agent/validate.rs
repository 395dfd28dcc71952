//! The limits of an agent config. Each error names the field at fault, relative to the config
//! (`silence.hangup_after_secs`, `llm[1].temperature`); the HTTP layer prefixes `config.`.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use super::config::{AgentConfig, LlmChoice, ModelChoice, VoiceChoice};
use super::template::is_variable_name;
use crate::ValidationError;

pub const MAX_SYSTEM_PROMPT_CHARS: usize = 20_000;
pub const MAX_MESSAGE_CHARS: usize = 1_000;
/// The longest a call may last, extensions included: four hours.
pub const MAX_CALL_SECS: u32 = 14_400;
const MAX_CHAIN: usize = 4;
const MAX_TOOLS: usize = 32;
const MAX_BACKCHANNELS: usize = 100;
const MAX_BACKCHANNEL_CHARS: usize = 50;
const MAX_VARIABLES: usize = 100;
const MAX_VARIABLE_VALUE_CHARS: usize = 2_000;
const MAX_NAME_CHARS: usize = 100;
const MAX_VOICE_ID_CHARS: usize = 200;

impl AgentConfig {
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_system_prompt("system_prompt", &self.system_prompt)?;
        if let Some(message) = &self.first_message {
            spoken_text("first_message", message)?;
        }
        language("language", &self.language)?;
        validate_voice("voice", &self.voice)?;
        chain("tts_fallbacks", &self.tts_fallbacks, validate_voice)?;
        chain("stt", &self.stt, model_choice)?;
        chain("llm", &self.llm, llm_choice)?;
        if let Some(model) = &self.speech_to_speech {
            model_choice("speech_to_speech", model)?;
        }
        tools(&self.tools)?;
        self.durations()?;
        self.silence()?;
        self.turn()?;
        variables(&self.variables)
    }

    fn durations(&self) -> Result<(), ValidationError> {
        within(
            "max_duration_secs",
            self.max_duration_secs,
            10..=MAX_CALL_SECS,
        )?;
        if self.duration_warning_secs >= self.max_duration_secs {
            return Err(ValidationError::new(
                "duration_warning_secs",
                "must be less than max_duration_secs",
            ));
        }
        let extension = &self.extension;
        within("extension.step_secs", extension.step_secs, 30..=3_600)?;
        within("extension.max_extensions", extension.max_extensions, 0..=10)?;
        let longest = u64::from(self.max_duration_secs)
            + u64::from(extension.step_secs) * u64::from(extension.max_extensions);
        if extension.allowed && longest > u64::from(MAX_CALL_SECS) {
            return Err(ValidationError::new(
                "extension.max_extensions",
                format!(
                    "max_duration_secs plus every extension must be at most {MAX_CALL_SECS} seconds (it is {longest})"
                ),
            ));
        }
        Ok(())
    }

    fn silence(&self) -> Result<(), ValidationError> {
        let silence = &self.silence;
        within(
            "silence.reprompt_after_secs",
            silence.reprompt_after_secs,
            1..=120,
        )?;
        within(
            "silence.hangup_after_secs",
            silence.hangup_after_secs,
            2..=600,
        )?;
        if silence.hangup_after_secs <= silence.reprompt_after_secs {
            return Err(ValidationError::new(
                "silence.hangup_after_secs",
                "must be greater than reprompt_after_secs",
            ));
        }
        spoken_text("silence.reprompt_message", &silence.reprompt_message)?;
        spoken_text("silence.goodbye_message", &silence.goodbye_message)
    }

    fn turn(&self) -> Result<(), ValidationError> {
        let turn = &self.turn;
        within("turn.endpointing_ms", turn.endpointing_ms, 100..=5_000)?;
        within("turn.interrupt_min_words", turn.interrupt_min_words, 0..=20)?;
        within(
            "turn.interrupt_min_speech_ms",
            turn.interrupt_min_speech_ms,
            0..=5_000,
        )?;
        if turn.backchannels.len() > MAX_BACKCHANNELS {
            return Err(ValidationError::new(
                "turn.backchannels",
                format!("may list at most {MAX_BACKCHANNELS} phrases"),
            ));
        }
        for (i, phrase) in turn.backchannels.iter().enumerate() {
            short_text(
                &format!("turn.backchannels[{i}]"),
                phrase,
                MAX_BACKCHANNEL_CHARS,
            )?;
        }
        Ok(())
    }
}

pub(crate) fn validate_system_prompt(field: &str, prompt: &str) -> Result<(), ValidationError> {
    if prompt.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    max_chars(field, prompt, MAX_SYSTEM_PROMPT_CHARS)
}

pub(crate) fn validate_voice(field: &str, voice: &VoiceChoice) -> Result<(), ValidationError> {
    provider(&format!("{field}.provider"), &voice.provider)?;
    let voice_id_field = format!("{field}.voice_id");
    max_chars(&voice_id_field, &voice.voice_id, MAX_VOICE_ID_CHARS)?;
    if voice.voice_id.chars().any(char::is_control) {
        return Err(ValidationError::new(
            voice_id_field,
            "must not contain control characters",
        ));
    }
    optional_name(&format!("{field}.model"), voice.model.as_deref())?;
    for (name, value) in [
        ("stability", voice.stability),
        ("similarity_boost", voice.similarity_boost),
        ("style", voice.style),
    ] {
        fraction(&format!("{field}.{name}"), value, 0.0..=1.0)?;
    }
    fraction(&format!("{field}.speed"), voice.speed, 0.5..=2.0)
}

fn model_choice(field: &str, model: &ModelChoice) -> Result<(), ValidationError> {
    provider(&format!("{field}.provider"), &model.provider)?;
    optional_name(&format!("{field}.model"), model.model.as_deref())
}

fn llm_choice(field: &str, llm: &LlmChoice) -> Result<(), ValidationError> {
    provider(&format!("{field}.provider"), &llm.provider)?;
    optional_name(&format!("{field}.model"), llm.model.as_deref())?;
    fraction(&format!("{field}.temperature"), llm.temperature, 0.0..=2.0)
}

fn chain<T>(
    field: &str,
    items: &[T],
    check: impl Fn(&str, &T) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    if items.len() > MAX_CHAIN {
        return Err(ValidationError::new(
            field,
            format!("may list at most {MAX_CHAIN} choices"),
        ));
    }
    items
        .iter()
        .enumerate()
        .try_for_each(|(i, item)| check(&format!("{field}[{i}]"), item))
}

fn tools(tools: &[String]) -> Result<(), ValidationError> {
    if tools.len() > MAX_TOOLS {
        return Err(ValidationError::new(
            "tools",
            format!("may list at most {MAX_TOOLS} tools"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, tool) in tools.iter().enumerate() {
        let field = format!("tools[{i}]");
        if !is_tool_name(tool) {
            return Err(ValidationError::new(
                field,
                "must start with a lowercase letter and hold at most 64 lowercase letters, digits or underscores",
            ));
        }
        if !seen.insert(tool.as_str()) {
            return Err(ValidationError::new(field, format!("lists `{tool}` twice")));
        }
    }
    Ok(())
}

fn variables(
    variables: &std::collections::BTreeMap<String, String>,
) -> Result<(), ValidationError> {
    if variables.len() > MAX_VARIABLES {
        return Err(ValidationError::new(
            "variables",
            format!("may hold at most {MAX_VARIABLES} variables"),
        ));
    }
    for (name, value) in variables {
        let field = format!("variables.{name}");
        if !is_variable_name(name) {
            return Err(ValidationError::new(
                field,
                "a variable name starts with a letter or underscore and holds at most 64 letters, digits or underscores",
            ));
        }
        max_chars(&field, value, MAX_VARIABLE_VALUE_CHARS)?;
    }
    Ok(())
}

/// `^[a-z][a-z0-9_]{0,63}$`
pub fn is_tool_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && name.len() <= 64
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Provider names look like `elevenlabs`, `openai`, `deepgram` or `default`.
fn provider(field: &str, name: &str) -> Result<(), ValidationError> {
    let mut bytes = name.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && name.len() <= 32
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            "must be a provider name: up to 32 lowercase letters, digits, `-` or `_`, starting with a letter",
        ))
    }
}

/// A BCP-47 tag in its common shape: a 2–3 letter language and optional subtags (`en`, `pt-BR`,
/// `zh-Hant-TW`).
fn language(field: &str, tag: &str) -> Result<(), ValidationError> {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let valid = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && tag.len() <= 35
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if valid {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            "must be a BCP-47 language tag such as `en` or `pt-BR`",
        ))
    }
}

fn optional_name(field: &str, value: Option<&str>) -> Result<(), ValidationError> {
    match value {
        Some(name) => short_text(field, name, MAX_NAME_CHARS),
        None => Ok(()),
    }
}

/// Text read aloud: non-empty and short enough to say in one breath or two.
fn spoken_text(field: &str, text: &str) -> Result<(), ValidationError> {
    short_text(field, text, MAX_MESSAGE_CHARS)
}

fn short_text(field: &str, text: &str, max: usize) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    max_chars(field, text, max)
}

fn max_chars(field: &str, text: &str, max: usize) -> Result<(), ValidationError> {
    if text.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

fn within(field: &str, value: u32, range: RangeInclusive<u32>) -> Result<(), ValidationError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!("must be from {} to {}", range.start(), range.end()),
        ))
    }
}

/// An optional tuning number; NaN is outside every range.
fn fraction(
    field: &str,
    value: Option<f32>,
    range: RangeInclusive<f32>,
) -> Result<(), ValidationError> {
    match value {
        Some(v) if !range.contains(&v) => Err(ValidationError::new(
            field,
            format!("must be from {} to {}", range.start(), range.end()),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::LlmChoice;

    fn valid() -> AgentConfig {
        AgentConfig::with_prompt("You are helpful.")
    }

    fn field_of(config: &AgentConfig) -> String {
        config.validate().expect_err("should be refused").field
    }

    #[test]
    fn the_defaults_are_valid() {
        valid().validate().unwrap();
    }

    /// Breaks one rule of a valid config.
    type Breakage = fn(&mut AgentConfig);

    #[test]
    fn each_rule_names_its_field() {
        let cases: Vec<(&str, Breakage)> = vec![
            ("system_prompt", |c| c.system_prompt = "  ".into()),
            ("system_prompt", |c| {
                c.system_prompt = "a".repeat(MAX_SYSTEM_PROMPT_CHARS + 1)
            }),
            ("first_message", |c| c.first_message = Some(String::new())),
            ("language", |c| c.language = "english please".into()),
            ("voice.provider", |c| {
                c.voice.provider = "Eleven Labs".into()
            }),
            ("voice.speed", |c| c.voice.speed = Some(3.0)),
            ("voice.speed", |c| c.voice.speed = Some(f32::NAN)),
            ("voice.stability", |c| c.voice.stability = Some(-0.1)),
            ("tts_fallbacks[1].provider", |c| {
                c.tts_fallbacks = vec![VoiceChoice::of("openai", "alloy"), VoiceChoice::of("", "x")]
            }),
            ("llm[0].temperature", |c| {
                c.llm = vec![LlmChoice {
                    provider: "openai".into(),
                    model: None,
                    temperature: Some(2.5),
                }]
            }),
            ("stt", |c| {
                c.stt = vec![
                    ModelChoice {
                        provider: "deepgram".into(),
                        model: None
                    };
                    5
                ]
            }),
            ("speech_to_speech.model", |c| {
                c.speech_to_speech = Some(ModelChoice {
                    provider: "openai".into(),
                    model: Some(" ".into()),
                })
            }),
            ("tools[0]", |c| c.tools = vec!["End-Call".into()]),
            ("tools[1]", |c| {
                c.tools = vec!["end_call".into(), "end_call".into()]
            }),
            ("max_duration_secs", |c| c.max_duration_secs = 5),
            ("max_duration_secs", |c| c.max_duration_secs = 14_401),
            ("duration_warning_secs", |c| {
                c.max_duration_secs = 60;
                c.duration_warning_secs = 60;
            }),
            ("extension.max_extensions", |c| {
                c.max_duration_secs = 14_000;
                c.duration_warning_secs = 30;
                c.extension.allowed = true;
            }),
            ("extension.step_secs", |c| c.extension.step_secs = 10),
            ("silence.hangup_after_secs", |c| {
                c.silence.hangup_after_secs = 8
            }),
            ("silence.goodbye_message", |c| {
                c.silence.goodbye_message = String::new()
            }),
            ("turn.endpointing_ms", |c| c.turn.endpointing_ms = 50),
            ("turn.backchannels[0]", |c| {
                c.turn.backchannels = vec![" ".into()]
            }),
            ("variables.first name", |c| {
                c.variables.insert("first name".into(), "Ada".into());
            }),
        ];
        for (field, break_it) in cases {
            let mut config = valid();
            break_it(&mut config);
            assert_eq!(field_of(&config), field);
        }
    }

    #[test]
    fn the_silence_rule_says_what_is_wrong() {
        let mut config = valid();
        config.silence.hangup_after_secs = 5;
        let err = config.validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "silence.hangup_after_secs: must be greater than reprompt_after_secs"
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let mut config = valid();
        config.system_prompt = "a".repeat(MAX_SYSTEM_PROMPT_CHARS);
        config.max_duration_secs = MAX_CALL_SECS;
        config.voice.speed = Some(2.0);
        config.language = "zh-Hant-TW".into();
        config.tools = vec!["end_call".into(), format!("t{}", "x".repeat(63))];
        config.validate().unwrap();
        // An extension that ends exactly at the cap is allowed.
        config.max_duration_secs = MAX_CALL_SECS - 600;
        config.extension.allowed = true;
        config.validate().unwrap();
    }

    #[test]
    fn tool_names_follow_the_pattern() {
        for good in ["end_call", "a", "lookup_order2"] {
            assert!(is_tool_name(good), "{good}");
        }
        for bad in ["", "2fa", "_x", "Lookup", "look-up", &"a".repeat(65)] {
            assert!(!is_tool_name(bad), "{bad}");
        }
    }
}
