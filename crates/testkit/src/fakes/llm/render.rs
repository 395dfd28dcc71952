//! Turns a [`Reply`] into what OpenAI sends (§3.2): the `data` payloads of a stream, or a
//! whole `chat.completion`.

use serde_json::{Value, json};

use super::script::{Reply, ToolFraming, UsageMode};

/// Per-request facts the rendering needs.
pub(super) struct Context<'a> {
    pub id: &'a str,
    pub model: &'a str,
    /// The request asked for `stream_options.include_usage`.
    pub include_usage: bool,
    /// Prompt tokens to report when the script gives none.
    pub prompt_estimate: u64,
}

const CREATED: u64 = 1_700_000_000;

fn usage_json(prompt: u64, completion: u64) -> Value {
    json!({
        "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0},
    })
}

fn split_pieces(text: &str, pieces: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let size = chars.len().div_ceil(pieces.max(1)).max(1);
    let pieces: Vec<String> = chars
        .chunks(size)
        .map(|piece| piece.iter().collect())
        .collect();
    if pieces.is_empty() {
        vec![String::new()]
    } else {
        pieces
    }
}

/// The `tool_calls` deltas, one entry per chunk.
fn tool_deltas(reply: &Reply) -> Vec<Value> {
    let mut deltas = Vec::new();
    for (index, call) in reply.tool_calls.iter().enumerate() {
        let head = json!({"index": index, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": ""}});
        match reply.tool_framing {
            ToolFraming::Whole => {
                let mut whole = head;
                whole["function"]["arguments"] = json!(call.arguments);
                deltas.push(whole);
            }
            ToolFraming::Fragmented => {
                deltas.push(head);
                for piece in split_pieces(&call.arguments, reply.argument_pieces) {
                    deltas.push(json!({"index": index, "function": {"arguments": piece}}));
                }
            }
            ToolFraming::Repeated => {
                for piece in split_pieces(&call.arguments, reply.argument_pieces) {
                    let mut fragment = head.clone();
                    fragment["function"]["arguments"] = json!(piece);
                    deltas.push(fragment);
                }
            }
        }
    }
    deltas
}

/// The `data` payloads of a streamed answer, `[DONE]` included.
pub(super) fn stream_events(reply: &Reply, ctx: &Context<'_>) -> Vec<String> {
    let (prompt, completion) = reply
        .usage
        .unwrap_or((ctx.prompt_estimate, reply.tokens.len() as u64));
    let chunk = |delta: Value, finish: Option<String>, done_tokens: u64| {
        let mut chunk = json!({
            "id": ctx.id, "object": "chat.completion.chunk", "created": CREATED, "model": ctx.model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
        });
        if reply.usage_mode == UsageMode::EveryChunk {
            chunk["usage"] = usage_json(prompt, done_tokens.min(completion));
        } else if ctx.include_usage {
            chunk["usage"] = Value::Null;
        }
        if reply.extra_fields {
            chunk["choices"][0]["delta"]["reasoning_content"] = Value::Null;
        }
        chunk
    };
    let content = if reply.tokens.is_empty() && !reply.tool_calls.is_empty() {
        Value::Null
    } else {
        json!("")
    };
    let mut events = vec![chunk(
        json!({"role": "assistant", "content": content}),
        None,
        0,
    )];
    for (i, token) in reply.tokens.iter().enumerate() {
        events.push(chunk(json!({"content": token}), None, i as u64 + 1));
    }
    let tokens = reply.tokens.len() as u64;
    for delta in tool_deltas(reply) {
        events.push(chunk(json!({"tool_calls": [delta]}), None, tokens));
    }
    let mut last = chunk(json!({}), Some(reply.finish()), completion);
    if reply.usage_mode == UsageMode::XGroq {
        last["x_groq"] = json!({"id": "req_fake", "usage": usage_json(prompt, completion)});
    }
    if reply.extra_fields {
        last["timings"] =
            json!({"prompt_n": prompt, "predicted_n": completion, "predicted_ms": 1.0});
    }
    events.push(last);
    if reply.usage_mode == UsageMode::FinalChunk && ctx.include_usage {
        events.push(json!({
            "id": ctx.id, "object": "chat.completion.chunk", "created": CREATED, "model": ctx.model,
            "system_fingerprint": "fp_fake", "choices": [], "usage": usage_json(prompt, completion),
        }));
    }
    let mut payloads: Vec<String> = events.iter().map(Value::to_string).collect();
    if let Some((after, error)) = &reply.error_mid_stream {
        payloads.truncate(*after);
        payloads.push(json!({ "error": error }).to_string());
    } else if !reply.omit_done {
        payloads.push("[DONE]".into());
    }
    payloads
}

/// A whole `chat.completion` body.
pub(super) fn completion(reply: &Reply, ctx: &Context<'_>) -> Value {
    let (prompt, completion) = reply
        .usage
        .unwrap_or((ctx.prompt_estimate, reply.tokens.len() as u64));
    let text: String = reply.tokens.concat();
    let mut message = json!({"role": "assistant", "content": if text.is_empty() && !reply.tool_calls.is_empty() { Value::Null } else { json!(text) }, "refusal": null});
    if !reply.tool_calls.is_empty() {
        let calls: Vec<Value> = reply
            .tool_calls
            .iter()
            .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
            .collect();
        message["tool_calls"] = json!(calls);
    }
    let mut body = json!({
        "id": ctx.id, "object": "chat.completion", "created": CREATED, "model": ctx.model, "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": reply.finish()}],
    });
    if reply.usage_mode != UsageMode::Omitted {
        body["usage"] = usage_json(prompt, completion);
    }
    body
}
