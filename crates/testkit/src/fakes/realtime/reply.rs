//! One scripted answer as the timed events of a response (digest §5.4): `response.created`,
//! the assistant audio item (deltas of a tone with the transcript in step), a function call
//! item, then `response.done` with usage.
//!
//! Usage is made up but consistent: 1 input audio token per 100 ms of caller audio, 1 output
//! audio token per 50 ms, 1 text token per 4 characters.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::ScriptedCall;
use super::wire::{self, event};
use crate::fakes::tts::AudioFormat;

/// How an answer sounds and is paced.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Voice {
    pub format: AudioFormat,
    pub ms_per_char: u32,
    pub chunk_ms: u32,
    pub tone_hz: f32,
    /// From the response's start to its first audio.
    pub first_audio: Duration,
    /// Between audio deltas.
    pub per_chunk: Duration,
}

/// One event of a response, due `after` its start.
#[derive(Debug)]
pub(crate) struct Step {
    pub after: Duration,
    pub event: Value,
    /// Audio carried, in ms (0 for other events).
    pub audio_ms: u64,
}

#[derive(Debug)]
pub(crate) struct Plan {
    pub response_id: String,
    pub steps: Vec<Step>,
    /// The assistant audio item and its length in ms.
    pub audio_item: Option<(String, u64)>,
    pub call_id: Option<String>,
}

/// Input tokens of a response: the conversation so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Input {
    pub text_tokens: u64,
    pub audio_tokens: u64,
}

impl Input {
    pub(crate) fn new(instructions: &str, heard_ms: u64) -> Self {
        Self {
            text_tokens: text_tokens(instructions),
            audio_tokens: heard_ms.div_ceil(100),
        }
    }
}

fn text_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

pub(crate) fn created(response_id: &str) -> Value {
    let response = wire::response(
        response_id,
        "in_progress",
        Value::Null,
        json!([]),
        Value::Null,
    );
    event("response.created", json!({ "response": response }))
}

/// `response.done` for a response stopped after `audio_ms` of audio went out.
pub(crate) fn cancelled(response_id: &str, reason: &str, input: Input, audio_ms: u64) -> Value {
    let usage = wire::usage(input.text_tokens, input.audio_tokens, 0, audio_ms / 50);
    let details = json!({"type": "cancelled", "reason": reason});
    let response = wire::response(response_id, "cancelled", details, json!([]), usage);
    event("response.done", json!({ "response": response }))
}

/// The events answering with `text` and, if set, `call`.
pub(crate) fn answer(text: &str, call: Option<&ScriptedCall>, voice: &Voice, input: Input) -> Plan {
    let response_id = wire::id("resp");
    let rid = response_id.as_str();
    let mut steps = vec![Step {
        after: Duration::ZERO,
        event: created(rid),
        audio_ms: 0,
    }];
    let mut at = voice.first_audio;
    let mut output = Vec::new();
    let mut audio_item = None;
    let mut output_text_tokens = 0;
    let mut output_audio_ms = 0;
    if !text.is_empty() {
        let item_id = wire::id("item");
        let total_ms = text.chars().count() as u32 * voice.ms_per_char;
        let ids =
            json!({"response_id": rid, "item_id": item_id, "output_index": 0, "content_index": 0});
        let in_progress = json!({"id": item_id, "object": "realtime.item", "type": "message",
            "role": "assistant", "status": "in_progress", "content": []});
        push(
            &mut steps,
            Duration::ZERO,
            event(
                "response.output_item.added",
                json!({"response_id": rid, "output_index": 0, "item": in_progress}),
            ),
            0,
        );
        push(
            &mut steps,
            Duration::ZERO,
            event(
                "response.content_part.added",
                with(
                    &ids,
                    json!({"part": {"type": "output_audio", "transcript": ""}}),
                ),
            ),
            0,
        );
        let audio = voice.format.render(total_ms, voice.tone_hz);
        let chunk_bytes = (voice.chunk_ms as usize * voice.format.bytes_per_ms()).max(1);
        let chunks: Vec<&[u8]> = audio.chunks(chunk_bytes).collect();
        let pieces = split_text(text, chunks.len().max(1));
        for (i, chunk) in chunks.iter().enumerate() {
            if i > 0 {
                at += voice.per_chunk;
            }
            let ms = (chunk.len() / voice.format.bytes_per_ms()) as u64;
            push(
                &mut steps,
                at,
                event(
                    "response.output_audio.delta",
                    with(&ids, json!({"delta": STANDARD.encode(chunk)})),
                ),
                ms,
            );
            if let Some(piece) = pieces.get(i).filter(|p| !p.is_empty()) {
                push(
                    &mut steps,
                    at,
                    event(
                        "response.output_audio_transcript.delta",
                        with(&ids, json!({"delta": piece})),
                    ),
                    0,
                );
            }
        }
        let done_item = json!({"id": item_id, "object": "realtime.item", "type": "message",
            "role": "assistant", "status": "completed",
            "content": [{"type": "output_audio", "transcript": text}]});
        push(
            &mut steps,
            at,
            event("response.output_audio.done", ids.clone()),
            0,
        );
        push(
            &mut steps,
            at,
            event(
                "response.output_audio_transcript.done",
                with(&ids, json!({"transcript": text})),
            ),
            0,
        );
        push(
            &mut steps,
            at,
            event(
                "response.content_part.done",
                with(
                    &ids,
                    json!({"part": {"type": "output_audio", "transcript": text}}),
                ),
            ),
            0,
        );
        push(
            &mut steps,
            at,
            event(
                "response.output_item.done",
                json!({"response_id": rid, "output_index": 0, "item": done_item}),
            ),
            0,
        );
        output.push(done_item);
        output_text_tokens += text_tokens(text);
        output_audio_ms = u64::from(total_ms);
        audio_item = Some((item_id, u64::from(total_ms)));
    }
    let mut call_id = None;
    if let Some(call) = call {
        let item_id = wire::id("item");
        let id = wire::id("call");
        let index = output.len();
        let item = |status: &str, arguments: &str| {
            json!({"id": item_id, "object": "realtime.item", "type": "function_call",
                "status": status, "call_id": id, "name": call.name, "arguments": arguments})
        };
        let ids =
            json!({"response_id": rid, "item_id": item_id, "output_index": index, "call_id": id});
        push(
            &mut steps,
            at,
            event(
                "response.output_item.added",
                json!({"response_id": rid, "output_index": index, "item": item("in_progress", "")}),
            ),
            0,
        );
        push(
            &mut steps,
            at,
            event(
                "response.function_call_arguments.delta",
                with(&ids, json!({"delta": call.arguments})),
            ),
            0,
        );
        push(
            &mut steps,
            at,
            event(
                "response.function_call_arguments.done",
                with(
                    &ids,
                    json!({"name": call.name, "arguments": call.arguments}),
                ),
            ),
            0,
        );
        let done = item("completed", &call.arguments);
        push(
            &mut steps,
            at,
            event(
                "response.output_item.done",
                json!({"response_id": rid, "output_index": index, "item": done}),
            ),
            0,
        );
        output.push(done);
        output_text_tokens += text_tokens(&call.arguments);
        call_id = Some(id);
    }
    let usage = wire::usage(
        input.text_tokens,
        input.audio_tokens,
        output_text_tokens,
        output_audio_ms / 50,
    );
    let response = wire::response(rid, "completed", Value::Null, Value::Array(output), usage);
    push(
        &mut steps,
        at,
        event("response.done", json!({ "response": response })),
        0,
    );
    Plan {
        response_id,
        steps,
        audio_item,
        call_id,
    }
}

fn push(steps: &mut Vec<Step>, after: Duration, event: Value, audio_ms: u64) {
    steps.push(Step {
        after,
        event,
        audio_ms,
    });
}

/// `base` with `extra`'s fields added.
fn with(base: &Value, extra: Value) -> Value {
    let mut value = base.clone();
    if let (Some(into), Value::Object(from)) = (value.as_object_mut(), extra) {
        into.extend(from);
    }
    value
}

/// `text` cut into `n` consecutive pieces of about equal length (some may be empty).
fn split_text(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    (0..n)
        .map(|i| {
            chars[i * chars.len() / n..(i + 1) * chars.len() / n]
                .iter()
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_pieces_rebuild_the_text() {
        for n in 1..12 {
            assert_eq!(split_text("Booked for two.", n).concat(), "Booked for two.");
        }
    }

    #[test]
    fn an_answer_has_audio_of_its_length_and_ends_with_done() {
        let voice = Voice {
            format: AudioFormat::Ulaw8k,
            ms_per_char: 10,
            chunk_ms: 40,
            tone_hz: 440.0,
            first_audio: Duration::from_millis(5),
            per_chunk: Duration::from_millis(1),
        };
        let plan = answer("Hello", None, &voice, Input::new("", 1000));
        let audio_ms: u64 = plan.steps.iter().map(|s| s.audio_ms).sum();
        assert_eq!(audio_ms, 50);
        assert_eq!(plan.audio_item.as_ref().unwrap().1, 50);
        let last = &plan.steps.last().unwrap().event;
        assert_eq!(last["type"], "response.done");
        assert_eq!(
            last["response"]["usage"]["output_token_details"]["audio_tokens"],
            1
        );
        assert_eq!(
            last["response"]["usage"]["input_token_details"]["audio_tokens"],
            10
        );
    }
}
