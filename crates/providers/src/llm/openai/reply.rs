//! Decoding what the server sends back: streamed `chat.completion.chunk`s (§3.2) into
//! [`ChatEvent`]s, and a whole `chat.completion`. Lenient about fields compatible servers add
//! or leave out; only the first choice is read (we never ask for `n > 1`).

use std::collections::VecDeque;

use serde::Deserialize;
use serde_json::Value;

use super::assemble::ToolCallAssembler;
use super::errors;
use crate::llm::types::{ChatEvent, ChatResponse, FinishReason, ToolCall};
use crate::{ProviderError, Usage};

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<WireUsage>,
    /// Groq may put usage here \[M\].
    #[serde(default)]
    x_groq: Option<XGroq>,
    /// llama.cpp's own counters \[D-3rd\]; used only when there is no `usage`.
    #[serde(default)]
    timings: Option<Timings>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    index: u32,
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    message: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolDelta>>,
}

#[derive(Deserialize)]
struct ToolDelta {
    #[serde(default)]
    index: Option<u32>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    /// A string by the spec; an object from some local servers, re-encoded as text.
    #[serde(default)]
    arguments: Option<Value>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

#[derive(Deserialize)]
struct XGroq {
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Timings {
    #[serde(default)]
    prompt_n: u64,
    #[serde(default)]
    predicted_n: u64,
}

impl WireUsage {
    fn usage(&self) -> Usage {
        Usage {
            input_tokens: self.prompt_tokens,
            output_tokens: self.completion_tokens,
            ..Usage::default()
        }
    }
}

impl Chunk {
    fn usage(&self) -> Option<Usage> {
        let groq = self.x_groq.as_ref().and_then(|x| x.usage.as_ref());
        match (self.usage.as_ref().or(groq), &self.timings) {
            (Some(usage), _) => Some(usage.usage()),
            (None, Some(t)) => Some(Usage {
                input_tokens: t.prompt_n,
                output_tokens: t.predicted_n,
                ..Usage::default()
            }),
            (None, None) => None,
        }
    }
}

fn arguments_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn add_tool_deltas(calls: &mut ToolCallAssembler, deltas: &[ToolDelta]) {
    for (position, delta) in deltas.iter().enumerate() {
        let function = delta.function.as_ref();
        let arguments = arguments_text(function.and_then(|f| f.arguments.as_ref()));
        calls.add(
            delta.index.unwrap_or(position as u32),
            delta.id.as_deref(),
            function.and_then(|f| f.name.as_deref()),
            arguments.as_deref(),
        );
    }
}

/// Whether the stream has more to say.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    More,
    Done,
}

/// The state of one streamed reply.
#[derive(Debug)]
pub(super) struct Turn {
    provider: &'static str,
    calls: ToolCallAssembler,
    finished: bool,
    usage: Option<Usage>,
}

impl Turn {
    pub fn new(provider: &'static str) -> Self {
        Self {
            provider,
            calls: ToolCallAssembler::default(),
            finished: false,
            usage: None,
        }
    }

    /// Whether a finish reason arrived (a stream that ends after it ended well enough).
    pub fn finished(&self) -> bool {
        self.finished
    }

    fn protocol(&self, message: impl Into<String>) -> ProviderError {
        ProviderError::Protocol {
            provider: self.provider,
            message: message.into(),
        }
    }

    /// Handles one event's data, queueing the events it completes.
    pub fn on_data(
        &mut self,
        data: &str,
        out: &mut VecDeque<ChatEvent>,
    ) -> Result<Step, ProviderError> {
        if data.starts_with("[DONE]") {
            self.end(out)?;
            return Ok(Step::Done);
        }
        let chunk: Chunk = serde_json::from_str(data)
            .map_err(|e| self.protocol(format!("unreadable stream chunk: {e}")))?;
        if let Some(error) = &chunk.error {
            return Err(errors::from_stream_error(self.provider, error));
        }
        if let Some(usage) = chunk.usage() {
            self.usage = Some(usage);
        }
        for choice in chunk.choices.iter().filter(|c| c.index == 0) {
            if let Some(delta) = &choice.delta {
                if let Some(text) = delta.content.as_deref().filter(|t| !t.is_empty()) {
                    out.push_back(ChatEvent::TextDelta(text.to_owned()));
                }
                add_tool_deltas(
                    &mut self.calls,
                    delta.tool_calls.as_deref().unwrap_or_default(),
                );
            }
            if let Some(reason) = &choice.finish_reason {
                self.finish(FinishReason::parse(reason), out)?;
            }
        }
        Ok(Step::More)
    }

    fn finish(
        &mut self,
        reason: FinishReason,
        out: &mut VecDeque<ChatEvent>,
    ) -> Result<(), ProviderError> {
        if self.finished {
            return Ok(());
        }
        let calls = self.calls.take().map_err(|e| self.protocol(e))?;
        out.extend(calls.into_iter().map(ChatEvent::ToolCall));
        out.push_back(ChatEvent::Finished(reason));
        self.finished = true;
        Ok(())
    }

    /// At `[DONE]` or a clean end after the finish reason: flush what is left, then usage.
    pub fn end(&mut self, out: &mut VecDeque<ChatEvent>) -> Result<(), ProviderError> {
        let reason = if self.calls.is_empty() {
            FinishReason::Stop
        } else {
            FinishReason::ToolCalls
        };
        self.finish(reason, out)?;
        if let Some(usage) = self.usage.take() {
            out.push_back(ChatEvent::Usage(usage));
        }
        Ok(())
    }
}

/// Decodes a non-streaming `chat.completion` body.
pub(super) fn parse_completion(
    provider: &'static str,
    body: &[u8],
) -> Result<ChatResponse, ProviderError> {
    let protocol = |message: String| ProviderError::Protocol { provider, message };
    let chunk: Chunk =
        serde_json::from_slice(body).map_err(|e| protocol(format!("unreadable reply: {e}")))?;
    if let Some(error) = &chunk.error {
        return Err(errors::from_stream_error(provider, error));
    }
    let choice = chunk
        .choices
        .iter()
        .find(|c| c.index == 0)
        .ok_or_else(|| protocol("reply has no choices".into()))?;
    let message = choice
        .message
        .as_ref()
        .ok_or_else(|| protocol("reply has no message".into()))?;
    let mut calls = ToolCallAssembler::default();
    add_tool_deltas(
        &mut calls,
        message.tool_calls.as_deref().unwrap_or_default(),
    );
    let tool_calls: Vec<ToolCall> = calls.take().map_err(protocol)?;
    let default_reason = if tool_calls.is_empty() {
        FinishReason::Stop
    } else {
        FinishReason::ToolCalls
    };
    Ok(ChatResponse {
        text: message.content.clone().unwrap_or_default(),
        tool_calls,
        finish: Some(
            choice
                .finish_reason
                .as_deref()
                .map(FinishReason::parse)
                .unwrap_or(default_reason),
        ),
        usage: chunk.usage(),
        switches: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> Result<Vec<ChatEvent>, ProviderError> {
        let mut turn = Turn::new("test");
        let mut out = VecDeque::new();
        for line in lines {
            if turn.on_data(line, &mut out)? == Step::Done {
                break;
            }
        }
        Ok(out.into())
    }

    #[test]
    fn whole_ollama_style_call_with_object_arguments() {
        let events = run(&[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"book","arguments":{"n":2}}}]},"finish_reason":"stop"}]}"#,
            "[DONE]",
        ])
        .unwrap();
        assert_eq!(
            events,
            vec![
                ChatEvent::ToolCall(ToolCall {
                    id: "call_0".into(),
                    name: "book".into(),
                    arguments: "{\"n\":2}".into()
                }),
                ChatEvent::Finished(FinishReason::Stop),
            ]
        );
    }

    #[test]
    fn latest_usage_wins_including_x_groq() {
        let events = run(&[
            r#"{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"usage":{"prompt_tokens":5,"completion_tokens":1}}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":5,"completion_tokens":2}}}"#,
            "[DONE]",
        ])
        .unwrap();
        let usage = Usage {
            input_tokens: 5,
            output_tokens: 2,
            ..Usage::default()
        };
        assert_eq!(events.last(), Some(&ChatEvent::Usage(usage)));
    }

    #[test]
    fn error_object_mid_stream() {
        let error =
            run(&[r#"{"error":{"message":"overloaded","type":"server_error","code":null}}"#])
                .unwrap_err();
        assert!(matches!(error, ProviderError::Upstream { .. }), "{error:?}");
    }
}
