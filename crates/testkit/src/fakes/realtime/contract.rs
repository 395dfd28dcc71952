//! What the service refuses in a client event, and the session it keeps: every
//! `session.update` is checked (unknown fields, formats, voices, turn detection, tools), then
//! merged into the session the fake acts on. Error codes and wording beyond the envelope are
//! \[M\] in the digest; the fake's are close to what the service is reported to send.

use serde_json::{Map, Value, json};

use super::wire::Refusal;
use crate::fakes::tts::AudioFormat;

/// The GA client events.
pub(crate) const CLIENT_EVENTS: &[&str] = &[
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.retrieve",
    "conversation.item.truncate",
    "conversation.item.delete",
    "response.create",
    "response.cancel",
    "output_audio_buffer.clear",
];

const SESSION_FIELDS: &[&str] = &[
    "type",
    "model",
    "instructions",
    "output_modalities",
    "audio",
    "tools",
    "tool_choice",
    "max_output_tokens",
    "tracing",
    "truncation",
    "prompt",
    "include",
];
const INPUT_FIELDS: &[&str] = &[
    "format",
    "turn_detection",
    "transcription",
    "noise_reduction",
];
const OUTPUT_FIELDS: &[&str] = &["format", "voice", "speed"];
const FORMATS: &[&str] = &["audio/pcm", "audio/pcmu", "audio/pcma"];
const VOICES: &[&str] = &[
    "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar",
];

/// The event's `type`, if it is one the service knows.
pub(crate) fn event_type(event: &Value) -> Result<&str, Refusal> {
    let Some(kind) = event.get("type").and_then(Value::as_str) else {
        return Err(Refusal::invalid(
            "missing_required_parameter",
            Some("type"),
            "Missing required parameter: 'type'.",
        ));
    };
    if CLIENT_EVENTS.contains(&kind) {
        Ok(kind)
    } else {
        Err(Refusal::invalid(
            "invalid_value",
            Some("type"),
            format!(
                "Invalid value: '{kind}'. Supported values are: {}.",
                CLIENT_EVENTS.join(", ")
            ),
        ))
    }
}

/// The session's turn detection, as the fake's VAD uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Turn {
    pub prefix_padding_ms: u64,
    pub silence_duration_ms: u64,
    pub create_response: bool,
    pub interrupt_response: bool,
}

/// The session as the service holds it.
#[derive(Debug, Clone)]
pub(crate) struct SessionState(Value);

impl SessionState {
    /// The service's defaults: 24 kHz PCM both ways, server VAD, voice `alloy`.
    pub(crate) fn new(model: &str) -> Self {
        Self(json!({
            "type": "realtime", "object": "realtime.session", "id": super::wire::id("sess"),
            "model": model, "output_modalities": ["audio"], "instructions": "",
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "transcription": null, "noise_reduction": null,
                    "turn_detection": {"type": "server_vad", "threshold": 0.5,
                        "prefix_padding_ms": 300, "silence_duration_ms": 500,
                        "create_response": true, "interrupt_response": true, "idle_timeout_ms": null},
                },
                "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy", "speed": 1.0},
            },
            "tools": [], "tool_choice": "auto", "max_output_tokens": "inf",
        }))
    }

    pub(crate) fn value(&self) -> &Value {
        &self.0
    }

    /// Checks a `session.update`'s `session` and merges it in; nothing changes on a refusal.
    pub(crate) fn update(&mut self, session: &Value) -> Result<(), Refusal> {
        let Some(fields) = session.as_object() else {
            return Err(Refusal::invalid(
                "invalid_type",
                Some("session"),
                "Invalid type for 'session': expected an object.",
            ));
        };
        known_fields(fields, SESSION_FIELDS, "session")?;
        match fields.get("type").and_then(Value::as_str) {
            Some("realtime") => {}
            Some(other) => {
                return Err(Refusal::invalid(
                    "invalid_value",
                    Some("session.type"),
                    format!("Invalid value: '{other}'. This fake serves 'realtime' sessions only."),
                ));
            }
            None => {
                return Err(Refusal::invalid(
                    "missing_required_parameter",
                    Some("session.type"),
                    "Missing required parameter: 'session.type'.",
                ));
            }
        }
        if let Some(audio) = fields.get("audio") {
            check_audio(audio)?;
        }
        if let Some(modalities) = fields.get("output_modalities") {
            let ok = modalities.as_array().is_some_and(|m| {
                m.iter()
                    .all(|v| v.as_str().is_some_and(|s| s == "audio" || s == "text"))
            });
            if !ok {
                return Err(Refusal::invalid(
                    "invalid_value",
                    Some("session.output_modalities"),
                    "Invalid 'session.output_modalities': expected 'audio' or 'text'.",
                ));
            }
        }
        if let Some(tools) = fields.get("tools") {
            check_tools(tools)?;
        }
        merge(&mut self.0, session);
        Ok(())
    }

    pub(crate) fn input_format(&self) -> &str {
        self.0
            .pointer("/audio/input/format/type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub(crate) fn output_format(&self) -> AudioFormat {
        match self
            .0
            .pointer("/audio/output/format/type")
            .and_then(Value::as_str)
        {
            Some("audio/pcmu") => AudioFormat::Ulaw8k,
            Some("audio/pcma") => AudioFormat::Alaw8k,
            _ => AudioFormat::Pcm(24_000),
        }
    }

    /// `None` when turn detection is off.
    pub(crate) fn turn(&self) -> Option<Turn> {
        let t = self.0.pointer("/audio/input/turn_detection")?.as_object()?;
        let ms = |name: &str, default: u64| t.get(name).and_then(Value::as_u64).unwrap_or(default);
        let flag = |name: &str| t.get(name).and_then(Value::as_bool).unwrap_or(true);
        // Semantic VAD ends turns on meaning; the fake approximates it with 500 ms of silence.
        Some(Turn {
            prefix_padding_ms: ms("prefix_padding_ms", 300),
            silence_duration_ms: ms("silence_duration_ms", 500),
            create_response: flag("create_response"),
            interrupt_response: flag("interrupt_response"),
        })
    }

    pub(crate) fn transcribes(&self) -> bool {
        self.0
            .pointer("/audio/input/transcription")
            .is_some_and(|t| !t.is_null())
    }

    pub(crate) fn instructions(&self) -> &str {
        self.0
            .get("instructions")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

fn known_fields(fields: &Map<String, Value>, known: &[&str], path: &str) -> Result<(), Refusal> {
    match fields.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(unknown) => {
            let param = format!("{path}.{unknown}");
            Err(Refusal::invalid(
                "unknown_parameter",
                Some(&param),
                format!("Unknown parameter: '{param}'."),
            ))
        }
    }
}

fn check_audio(audio: &Value) -> Result<(), Refusal> {
    let empty = Map::new();
    let audio = audio.as_object().unwrap_or(&empty);
    known_fields(audio, &["input", "output"], "session.audio")?;
    for (side, fields) in [("input", INPUT_FIELDS), ("output", OUTPUT_FIELDS)] {
        let Some(part) = audio.get(side).and_then(Value::as_object) else {
            continue;
        };
        let path = format!("session.audio.{side}");
        known_fields(part, fields, &path)?;
        if let Some(format) = part.get("format") {
            check_format(format, &path)?;
        }
    }
    if let Some(detection) = audio.get("input").and_then(|i| i.get("turn_detection"))
        && !detection.is_null()
    {
        let kind = detection
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kind != "server_vad" && kind != "semantic_vad" {
            return Err(Refusal::invalid(
                "invalid_value",
                Some("session.audio.input.turn_detection.type"),
                format!(
                    "Invalid value: '{kind}'. Supported values are: 'server_vad' and 'semantic_vad'."
                ),
            ));
        }
    }
    if let Some(voice) = audio.get("output").and_then(|o| o.get("voice")) {
        let name = voice.as_str().unwrap_or_default();
        if !VOICES.contains(&name) {
            return Err(Refusal::invalid(
                "invalid_value",
                Some("session.audio.output.voice"),
                format!(
                    "Invalid value: '{name}'. Supported values are: {}.",
                    VOICES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn check_format(format: &Value, path: &str) -> Result<(), Refusal> {
    let kind = format
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let param = format!("{path}.format.type");
    if !FORMATS.contains(&kind) {
        return Err(Refusal::invalid(
            "invalid_value",
            Some(&param),
            format!(
                "Invalid value: '{kind}'. Supported values are: 'audio/pcm', 'audio/pcmu', and 'audio/pcma'."
            ),
        ));
    }
    if kind == "audio/pcm"
        && let Some(rate) = format.get("rate")
        && rate.as_u64() != Some(24_000)
    {
        return Err(Refusal::invalid(
            "invalid_value",
            Some(&format!("{path}.format.rate")),
            format!("Invalid value: {rate}. Supported values are: 24000."),
        ));
    }
    Ok(())
}

fn check_tools(tools: &Value) -> Result<(), Refusal> {
    let ok = tools.as_array().is_some_and(|tools| {
        tools.iter().all(|t| {
            t.get("type").and_then(Value::as_str) == Some("function")
                && t.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| !n.is_empty())
        })
    });
    if ok {
        Ok(())
    } else {
        Err(Refusal::invalid(
            "invalid_value",
            Some("session.tools"),
            "Invalid 'session.tools': each tool needs type 'function' and a name.",
        ))
    }
}

/// Objects merge field by field; anything else replaces.
fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge(slot, value),
                    _ => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (into, from) => *into = from.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_merge_and_refusals_change_nothing() {
        let mut state = SessionState::new("gpt-realtime");
        let update = json!({"type": "realtime", "audio": {
            "input": {"format": {"type": "audio/pcmu"}, "transcription": {"model": "whisper-1"}},
            "output": {"format": {"type": "audio/pcmu"}, "voice": "marin"}}});
        state.update(&update).unwrap();
        assert_eq!(state.input_format(), "audio/pcmu");
        assert_eq!(state.output_format(), AudioFormat::Ulaw8k);
        assert!(state.transcribes());
        assert_eq!(
            state.turn().unwrap().silence_duration_ms,
            500,
            "defaults kept"
        );
        let bad =
            json!({"type": "realtime", "audio": {"output": {"format": {"type": "audio/mp3"}}}});
        let refusal = state.update(&bad).unwrap_err();
        assert_eq!(
            refusal.param.as_deref(),
            Some("session.audio.output.format.type")
        );
        assert_eq!(state.output_format(), AudioFormat::Ulaw8k);
        let beta = json!({"type": "realtime", "input_audio_format": "g711_ulaw"});
        assert_eq!(state.update(&beta).unwrap_err().code, "unknown_parameter");
        let untyped = json!({"instructions": "hi"});
        assert_eq!(
            state.update(&untyped).unwrap_err().code,
            "missing_required_parameter"
        );
    }
}
