//! The server events the fake sends, in the GA shapes of digest §5.4.

use serde_json::{Value, json};

/// A fresh id with OpenAI's prefixes: `event`, `item`, `resp`, `call`, `sess`.
pub(crate) fn id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}

/// `fields` with its `type` and a fresh `event_id`.
pub(crate) fn event(kind: &str, mut fields: Value) -> Value {
    fields["type"] = json!(kind);
    fields["event_id"] = json!(id("event"));
    fields
}

/// Why the fake refused a client event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refusal {
    pub kind: String,
    pub code: String,
    pub message: String,
    pub param: Option<String>,
}

impl Refusal {
    /// An `invalid_request_error`.
    pub(crate) fn invalid(code: &str, param: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            kind: "invalid_request_error".into(),
            code: code.into(),
            message: message.into(),
            param: param.map(str::to_owned),
        }
    }

    /// The `error` event, naming the client event it answers when that had an `event_id`.
    pub(crate) fn to_event(&self, client_event_id: Option<&str>) -> Value {
        event(
            "error",
            json!({"error": {
                "type": self.kind, "code": self.code, "message": self.message,
                "param": self.param, "event_id": client_event_id,
            }}),
        )
    }
}

pub(crate) fn speech_started(audio_start_ms: u64, item_id: &str) -> Value {
    event(
        "input_audio_buffer.speech_started",
        json!({"audio_start_ms": audio_start_ms, "item_id": item_id}),
    )
}

pub(crate) fn speech_stopped(audio_end_ms: u64, item_id: &str) -> Value {
    event(
        "input_audio_buffer.speech_stopped",
        json!({"audio_end_ms": audio_end_ms, "item_id": item_id}),
    )
}

pub(crate) fn committed(item_id: &str, previous_item_id: Option<&str>) -> Value {
    event(
        "input_audio_buffer.committed",
        json!({"item_id": item_id, "previous_item_id": previous_item_id}),
    )
}

/// `conversation.item.added` or `.done` for an item.
pub(crate) fn item(kind: &str, item: Value) -> Value {
    event(kind, json!({ "item": item }))
}

pub(crate) fn user_audio_item(item_id: &str) -> Value {
    json!({"id": item_id, "object": "realtime.item", "type": "message", "role": "user",
           "status": "completed", "content": [{"type": "input_audio", "transcript": null}]})
}

pub(crate) fn input_transcript(item_id: &str, transcript: &str) -> Value {
    event(
        "conversation.item.input_audio_transcription.completed",
        json!({"item_id": item_id, "content_index": 0, "transcript": transcript}),
    )
}

pub(crate) fn truncated(item_id: &str, content_index: u64, audio_end_ms: u64) -> Value {
    event(
        "conversation.item.truncated",
        json!({"item_id": item_id, "content_index": content_index, "audio_end_ms": audio_end_ms}),
    )
}

/// The `response` object of `response.created` / `response.done`.
pub(crate) fn response(
    id: &str,
    status: &str,
    details: Value,
    output: Value,
    usage: Value,
) -> Value {
    json!({"id": id, "object": "realtime.response", "status": status,
           "status_details": details, "output": output, "usage": usage})
}

/// `usage` of `response.done`, totals from the details.
pub(crate) fn usage(
    input_text: u64,
    input_audio: u64,
    output_text: u64,
    output_audio: u64,
) -> Value {
    let (input, output) = (input_text + input_audio, output_text + output_audio);
    json!({
        "total_tokens": input + output, "input_tokens": input, "output_tokens": output,
        "input_token_details": {"text_tokens": input_text, "audio_tokens": input_audio,
            "image_tokens": 0, "cached_tokens": 0,
            "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0, "image_tokens": 0}},
        "output_token_details": {"text_tokens": output_text, "audio_tokens": output_audio},
    })
}
