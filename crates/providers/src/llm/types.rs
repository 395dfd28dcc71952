//! The provider-neutral shape of a chat turn: what we ask a model and what streams back.

use serde_json::{Map, Value};

use crate::Usage;

/// One conversation entry, in the order the model should read them.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    System(String),
    User(String),
    /// What the model said before: text, tool calls, or both.
    Assistant {
        content: Option<String>,
        tool_calls: Vec<ToolCall>,
    },
    /// The result of one tool call, answered by its id.
    Tool {
        tool_call_id: String,
        content: String,
    },
}

impl Message {
    pub fn system(text: impl Into<String>) -> Self {
        Message::System(text.into())
    }

    pub fn user(text: impl Into<String>) -> Self {
        Message::User(text.into())
    }

    pub fn assistant(text: impl Into<String>) -> Self {
        Message::Assistant {
            content: Some(text.into()),
            tool_calls: Vec::new(),
        }
    }

    pub fn tool_result(tool_call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Message::Tool {
            tool_call_id: tool_call_id.into(),
            content: content.into(),
        }
    }
}

/// A function the model may call; `parameters` is a JSON Schema object.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

/// Whether and which tool the model must call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ToolChoice {
    #[default]
    Auto,
    None,
    Required,
    /// Exactly this function.
    Function(String),
}

/// One request to a chat model. Cheap to clone, so a fallback chain can resend it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    /// Only sent when there are tools.
    pub tool_choice: ToolChoice,
    pub temperature: Option<f32>,
    /// Sent as `max_tokens` or `max_completion_tokens`, whichever the provider knows.
    pub max_tokens: Option<u32>,
    /// Extra top-level body fields (e.g. `seed`, `top_p`). A provider drops the ones it is
    /// known to refuse (see `Quirks::unsupported_params`) instead of failing the call.
    pub extra: Map<String, Value>,
}

/// A complete tool call, assembled from its streamed fragments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments as the model wrote them: JSON text, `"{}"` when it sent none.
    pub arguments: String,
}

impl ToolCall {
    /// Parses the arguments; models sometimes write invalid JSON, so this can fail.
    pub fn arguments_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.arguments)
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishReason {
    Stop,
    Length,
    ToolCalls,
    ContentFilter,
    FunctionCall,
    /// Anything else a compatible server invents.
    Other(String),
}

impl FinishReason {
    pub fn parse(text: &str) -> Self {
        match text {
            "stop" => FinishReason::Stop,
            "length" => FinishReason::Length,
            "tool_calls" => FinishReason::ToolCalls,
            "content_filter" => FinishReason::ContentFilter,
            "function_call" => FinishReason::FunctionCall,
            other => FinishReason::Other(other.to_owned()),
        }
    }
}

/// Why a fallback chain left one model for the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchCause {
    /// The model failed; the error's text (never a secret).
    Failed(String),
    /// No first token within the chain's budget.
    FirstTokenLate(std::time::Duration),
}

/// A fallback chain's switch from one model to the next, for the engine to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switch {
    pub from: String,
    pub to: String,
    pub cause: SwitchCause,
    /// True when `from` had already streamed part of a reply, which the listener should drop:
    /// `to` answers the whole request again.
    pub discarded_output: bool,
}

/// One item of a streamed reply. Order: text deltas as they come; tool calls (whole, in index
/// order) just before `Finished`; `Usage` last, when the provider reported it.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatEvent {
    TextDelta(String),
    ToolCall(ToolCall),
    Finished(FinishReason),
    Usage(Usage),
    /// Only from a fallback chain: another model takes over from here.
    Switched(Switch),
}

/// A whole reply: what a non-streaming call returns, or a collected stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatResponse {
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub finish: Option<FinishReason>,
    pub usage: Option<Usage>,
    /// Switches a fallback chain made on the way.
    pub switches: Vec<Switch>,
}

impl ChatResponse {
    /// Folds one streamed event into the reply. A switch that discarded output clears the text
    /// and tool calls gathered so far.
    pub fn absorb(&mut self, event: ChatEvent) {
        match event {
            ChatEvent::TextDelta(text) => self.text.push_str(&text),
            ChatEvent::ToolCall(call) => self.tool_calls.push(call),
            ChatEvent::Finished(reason) => self.finish = Some(reason),
            ChatEvent::Usage(usage) => self.usage = Some(usage),
            ChatEvent::Switched(switch) => {
                if switch.discarded_output {
                    self.text.clear();
                    self.tool_calls.clear();
                }
                self.switches.push(switch);
            }
        }
    }
}
