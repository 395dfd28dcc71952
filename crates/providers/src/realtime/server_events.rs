//! Reading the server's JSON text frames into [`RealtimeEvent`]s (digest §5.4). Both the GA
//! and the beta names are understood; events we do not use are skipped.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors;
use super::events::{RealtimeEvent, ResponseStatus, TokenUsage};
use crate::tts::ApiKey;

/// What a frame means to the driver.
#[derive(Debug)]
pub(crate) enum Incoming {
    Event(RealtimeEvent),
    SessionUpdated,
    /// Nothing for the caller (`session.created`, item bookkeeping, rate limits...).
    Skip,
}

/// Parses frames; remembers which function calls were reported, since the server announces
/// each twice (`response.function_call_arguments.done` and `response.output_item.done`).
#[derive(Debug, Default)]
pub(crate) struct Reader {
    calls: HashSet<String>,
}

#[derive(Deserialize)]
struct Speech {
    item_id: String,
    #[serde(default)]
    audio_start_ms: u64,
    #[serde(default)]
    audio_end_ms: u64,
}

#[derive(Deserialize)]
struct Delta {
    item_id: String,
    delta: String,
}

#[derive(Deserialize)]
struct ItemId {
    item_id: String,
}

#[derive(Deserialize)]
struct TranscriptDone {
    item_id: String,
    transcript: String,
}

#[derive(Deserialize)]
struct Call {
    call_id: String,
    name: String,
    arguments: String,
}

#[derive(Deserialize)]
struct OutputItem {
    item: Value,
}

#[derive(Deserialize)]
struct Truncated {
    item_id: String,
    audio_end_ms: u64,
}

#[derive(Deserialize)]
struct ResponseEnvelope {
    response: Response,
}

#[derive(Deserialize)]
struct Response {
    id: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    status_details: Option<Value>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    input_token_details: Details,
    #[serde(default)]
    output_token_details: Details,
}

#[derive(Deserialize, Default)]
struct Details {
    #[serde(default)]
    text_tokens: u64,
    #[serde(default)]
    audio_tokens: u64,
    #[serde(default)]
    cached_tokens: u64,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: errors::ErrorBody,
}

impl Reader {
    pub(crate) fn read(&mut self, text: &str, key: &ApiKey) -> Result<Incoming, serde_json::Error> {
        let value: Value = serde_json::from_str(text)?;
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let event = match kind.as_str() {
            "session.updated" => return Ok(Incoming::SessionUpdated),
            "input_audio_buffer.speech_started" => {
                let s: Speech = take(value)?;
                RealtimeEvent::SpeechStarted {
                    audio_start_ms: s.audio_start_ms,
                    item_id: s.item_id,
                }
            }
            "input_audio_buffer.speech_stopped" => {
                let s: Speech = take(value)?;
                RealtimeEvent::SpeechStopped {
                    audio_end_ms: s.audio_end_ms,
                    item_id: s.item_id,
                }
            }
            "conversation.item.input_audio_transcription.completed" => {
                let t: TranscriptDone = take(value)?;
                RealtimeEvent::InputTranscript {
                    item_id: t.item_id,
                    text: t.transcript,
                }
            }
            "response.created" => {
                let r: ResponseEnvelope = take(value)?;
                RealtimeEvent::ResponseStarted {
                    response_id: r.response.id,
                }
            }
            "response.output_audio.delta" | "response.audio.delta" => {
                let d: Delta = take(value)?;
                let audio = STANDARD
                    .decode(d.delta.as_bytes())
                    .map_err(serde::de::Error::custom)?;
                RealtimeEvent::AudioDelta {
                    item_id: d.item_id,
                    audio: Bytes::from(audio),
                }
            }
            "response.output_audio.done" | "response.audio.done" => {
                let i: ItemId = take(value)?;
                RealtimeEvent::AudioDone { item_id: i.item_id }
            }
            "response.output_audio_transcript.delta" | "response.audio_transcript.delta" => {
                let d: Delta = take(value)?;
                RealtimeEvent::OutputTranscriptDelta {
                    item_id: d.item_id,
                    text: d.delta,
                }
            }
            "response.output_audio_transcript.done" | "response.audio_transcript.done" => {
                let t: TranscriptDone = take(value)?;
                RealtimeEvent::OutputTranscriptDone {
                    item_id: t.item_id,
                    text: t.transcript,
                }
            }
            "response.function_call_arguments.done" => match self.call(take(value)?) {
                Some(event) => event,
                None => return Ok(Incoming::Skip),
            },
            "response.output_item.done" => {
                let o: OutputItem = take(value)?;
                if o.item.get("type").and_then(Value::as_str) != Some("function_call") {
                    return Ok(Incoming::Skip);
                }
                match self.call(take(o.item)?) {
                    Some(event) => event,
                    None => return Ok(Incoming::Skip),
                }
            }
            "conversation.item.truncated" => {
                let t: Truncated = take(value)?;
                RealtimeEvent::Truncated {
                    item_id: t.item_id,
                    audio_end_ms: t.audio_end_ms,
                }
            }
            "response.done" => {
                let r: ResponseEnvelope = take(value)?;
                response_done(r.response)
            }
            "error" => {
                let e: ErrorEnvelope = take(value)?;
                RealtimeEvent::Error(errors::from_error_event(&e.error, key))
            }
            _ => return Ok(Incoming::Skip),
        };
        Ok(Incoming::Event(event))
    }

    /// A function call, unless it was already reported.
    fn call(&mut self, call: Call) -> Option<RealtimeEvent> {
        self.calls
            .insert(call.call_id.clone())
            .then_some(RealtimeEvent::FunctionCall {
                call_id: call.call_id,
                name: call.name,
                arguments: call.arguments,
            })
    }
}

fn response_done(response: Response) -> RealtimeEvent {
    let reason = response
        .status_details
        .as_ref()
        .and_then(|d| d.get("reason"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let usage = response.usage.unwrap_or_default();
    RealtimeEvent::ResponseDone {
        response_id: response.id,
        status: ResponseStatus::parse(response.status.as_deref().unwrap_or("completed"), reason),
        usage: TokenUsage {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            input_text_tokens: usage.input_token_details.text_tokens,
            input_audio_tokens: usage.input_token_details.audio_tokens,
            cached_input_tokens: usage.input_token_details.cached_tokens,
            output_text_tokens: usage.output_token_details.text_tokens,
            output_audio_tokens: usage.output_token_details.audio_tokens,
        },
    }
}

fn take<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(reader: &mut Reader, value: Value) -> Incoming {
        reader
            .read(&value.to_string(), &ApiKey::new("sk-secret"))
            .unwrap()
    }

    #[test]
    fn function_calls_are_reported_once() {
        let mut reader = Reader::default();
        let done = serde_json::json!({"type": "response.function_call_arguments.done",
            "call_id": "call_1", "name": "book", "arguments": "{\"n\":2}", "item_id": "item_1",
            "output_index": 0, "response_id": "resp_1"});
        assert!(matches!(
            read(&mut reader, done),
            Incoming::Event(RealtimeEvent::FunctionCall { ref call_id, .. }) if call_id == "call_1"
        ));
        let item = serde_json::json!({"type": "response.output_item.done", "item": {
            "id": "item_1", "type": "function_call", "call_id": "call_1", "name": "book",
            "arguments": "{\"n\":2}"}});
        assert!(matches!(read(&mut reader, item), Incoming::Skip));
    }

    #[test]
    fn beta_audio_names_are_understood() {
        let mut reader = Reader::default();
        let delta = serde_json::json!({"type": "response.audio.delta", "item_id": "i",
            "delta": STANDARD.encode([0xFFu8, 0x7F])});
        let Incoming::Event(RealtimeEvent::AudioDelta { audio, .. }) = read(&mut reader, delta)
        else {
            panic!("not audio")
        };
        assert_eq!(&audio[..], &[0xFF, 0x7F]);
    }

    #[test]
    fn response_done_reads_status_reason_and_usage() {
        let mut reader = Reader::default();
        let done = serde_json::json!({"type": "response.done", "response": {
            "id": "resp_1", "object": "realtime.response", "status": "cancelled",
            "status_details": {"type": "cancelled", "reason": "turn_detected"}, "output": [],
            "usage": {"total_tokens": 30, "input_tokens": 20, "output_tokens": 10,
                "input_token_details": {"text_tokens": 5, "audio_tokens": 15, "cached_tokens": 4},
                "output_token_details": {"text_tokens": 2, "audio_tokens": 8}}}});
        let Incoming::Event(RealtimeEvent::ResponseDone { status, usage, .. }) =
            read(&mut reader, done)
        else {
            panic!("not done")
        };
        assert_eq!(
            status,
            ResponseStatus::Cancelled {
                reason: Some("turn_detected".into())
            }
        );
        assert_eq!(usage.input_audio_tokens, 15);
        assert_eq!(usage.output_audio_tokens, 8);
        assert_eq!(usage.cached_input_tokens, 4);
        assert_eq!((usage.input_tokens, usage.output_tokens), (20, 10));
    }
}
