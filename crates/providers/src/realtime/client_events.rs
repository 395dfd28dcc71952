//! The JSON text frames we send (digest §5.3, §5.4). Audio is mu-law 8 kHz both ways:
//! `audio/pcmu` (GA) or `g711_ulaw` (beta), passed through without transcoding.

use serde_json::{Value, json};

use super::config::{Naming, RealtimeSession, TurnDetection};

/// `session.update` for a telephone call.
pub(crate) fn session_update(naming: Naming, model: &str, session: &RealtimeSession) -> Value {
    let turn_detection = turn_detection(&session.turn_detection);
    let transcription = session
        .input_transcription
        .as_ref()
        .map(|model| json!({ "model": model }));
    let mut body = match naming {
        Naming::Ga => {
            let mut input = json!({
                "format": { "type": "audio/pcmu" },
                "turn_detection": turn_detection,
            });
            if let Some(transcription) = transcription {
                input["transcription"] = transcription;
            }
            json!({
                "type": "realtime",
                "model": model,
                "instructions": session.instructions,
                "output_modalities": ["audio"],
                "audio": {
                    "input": input,
                    "output": { "format": { "type": "audio/pcmu" }, "voice": session.voice },
                },
            })
        }
        Naming::Beta => {
            let mut body = json!({
                "modalities": ["audio", "text"],
                "instructions": session.instructions,
                "voice": session.voice,
                "input_audio_format": "g711_ulaw",
                "output_audio_format": "g711_ulaw",
                "turn_detection": turn_detection,
            });
            if let Some(transcription) = transcription {
                body["input_audio_transcription"] = transcription;
            }
            body
        }
    };
    if !session.tools.is_empty() {
        let tools: Vec<Value> = session
            .tools
            .iter()
            .map(|tool| {
                json!({
                    "type": "function",
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": tool.parameters,
                })
            })
            .collect();
        body["tools"] = Value::Array(tools);
        body["tool_choice"] = json!("auto");
    }
    json!({ "type": "session.update", "session": body })
}

fn turn_detection(detection: &TurnDetection) -> Value {
    match *detection {
        TurnDetection::ServerVad {
            threshold,
            prefix_padding_ms,
            silence_duration_ms,
            create_response,
            interrupt_response,
        } => json!({
            "type": "server_vad",
            "threshold": threshold,
            "prefix_padding_ms": prefix_padding_ms,
            "silence_duration_ms": silence_duration_ms,
            "create_response": create_response,
            "interrupt_response": interrupt_response,
        }),
        TurnDetection::SemanticVad {
            eagerness,
            create_response,
            interrupt_response,
        } => json!({
            "type": "semantic_vad",
            "eagerness": eagerness.as_str(),
            "create_response": create_response,
            "interrupt_response": interrupt_response,
        }),
    }
}

/// `input_audio_buffer.append` around audio already in base64 (a Twilio `media.payload`).
pub(crate) fn append(base64_audio: &str) -> String {
    json!({ "type": "input_audio_buffer.append", "audio": base64_audio }).to_string()
}

pub(crate) fn truncate(item_id: &str, content_index: u32, audio_end_ms: u64) -> String {
    json!({
        "type": "conversation.item.truncate",
        "item_id": item_id,
        "content_index": content_index,
        "audio_end_ms": audio_end_ms,
    })
    .to_string()
}

pub(crate) fn cancel_response() -> String {
    json!({ "type": "response.cancel" }).to_string()
}

pub(crate) fn tool_result(call_id: &str, output: &str) -> String {
    json!({
        "type": "conversation.item.create",
        "item": { "type": "function_call_output", "call_id": call_id, "output": output },
    })
    .to_string()
}

/// `response.create`, with instructions for this response only when given.
pub(crate) fn create_response(instructions: Option<&str>) -> String {
    match instructions {
        Some(instructions) => {
            json!({ "type": "response.create", "response": { "instructions": instructions } })
        }
        None => json!({ "type": "response.create" }),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::ToolSpec;

    fn session() -> RealtimeSession {
        RealtimeSession {
            instructions: "You are a receptionist".into(),
            input_transcription: Some("gpt-4o-transcribe".into()),
            tools: vec![ToolSpec {
                name: "book".into(),
                description: "Book a table".into(),
                parameters: json!({"type": "object"}),
            }],
            ..RealtimeSession::default()
        }
    }

    #[test]
    fn ga_session_update_matches_the_digest() {
        let update = session_update(Naming::Ga, "gpt-realtime", &session());
        assert_eq!(
            update,
            json!({"type": "session.update", "session": {
                "type": "realtime", "model": "gpt-realtime",
                "instructions": "You are a receptionist", "output_modalities": ["audio"],
                "audio": {
                    "input": {
                        "format": {"type": "audio/pcmu"},
                        "turn_detection": {"type": "server_vad", "threshold": 0.5,
                            "prefix_padding_ms": 300, "silence_duration_ms": 500,
                            "create_response": true, "interrupt_response": true},
                        "transcription": {"model": "gpt-4o-transcribe"}},
                    "output": {"format": {"type": "audio/pcmu"}, "voice": "marin"}},
                "tools": [{"type": "function", "name": "book", "description": "Book a table",
                           "parameters": {"type": "object"}}],
                "tool_choice": "auto"}})
        );
    }

    #[test]
    fn beta_session_update_uses_the_flat_names() {
        let mut session = session();
        session.turn_detection = TurnDetection::SemanticVad {
            eagerness: crate::realtime::Eagerness::Low,
            create_response: true,
            interrupt_response: false,
        };
        let update = session_update(Naming::Beta, "gpt-4o-realtime-preview", &session);
        let body = &update["session"];
        assert_eq!(body["input_audio_format"], "g711_ulaw");
        assert_eq!(body["output_audio_format"], "g711_ulaw");
        assert_eq!(
            body["input_audio_transcription"]["model"],
            "gpt-4o-transcribe"
        );
        assert_eq!(body["turn_detection"]["type"], "semantic_vad");
        assert_eq!(body["turn_detection"]["eagerness"], "low");
        assert!(body.get("audio").is_none() && body.get("type").is_none());
    }

    #[test]
    fn control_events_have_the_documented_shape() {
        let parse = |s: String| serde_json::from_str::<Value>(&s).unwrap();
        assert_eq!(
            parse(truncate("item_1", 0, 1234)),
            json!({"type": "conversation.item.truncate", "item_id": "item_1",
                   "content_index": 0, "audio_end_ms": 1234})
        );
        assert_eq!(
            parse(tool_result("call_1", "{\"ok\":true}"))["item"],
            json!({"type": "function_call_output", "call_id": "call_1", "output": "{\"ok\":true}"})
        );
        assert_eq!(
            parse(create_response(Some("Greet"))),
            json!({"type": "response.create", "response": {"instructions": "Greet"}})
        );
        assert_eq!(
            parse(create_response(None)),
            json!({"type": "response.create"})
        );
    }
}
