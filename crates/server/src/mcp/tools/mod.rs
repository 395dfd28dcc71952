//! The MCP tools: their schemas (generated from the types below, so what is declared is what
//! is checked and returned) and their dispatch. A tool answers structured JSON, or a sentence
//! for the model when it could not do what was asked (`isError`).

mod conversation;
mod records;
mod sms;

use std::sync::Arc;

use rmcp::RoleServer;
use rmcp::model::{Tool, ToolAnnotations};
use rmcp::service::RequestContext;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use switchboard_voice::conversation::{MAX_SPOKEN_CHARS, spoken_text};

use super::idle::McpCalls;
use crate::http::AppState;
use crate::http::principal::Principal;

/// What a tool call runs with.
pub struct ToolContext<'a> {
    pub state: &'a AppState,
    pub principal: &'a Principal,
    pub calls: &'a Arc<McpCalls>,
    pub request: &'a RequestContext<RoleServer>,
}

/// A tool's answer: structured output, or a sentence saying what went wrong.
pub type ToolResult<T> = Result<T, String>;

fn tool<I: JsonSchema + 'static, O: JsonSchema + 'static>(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    annotations: ToolAnnotations,
) -> Tool {
    Tool::new(name, description, serde_json::Map::new())
        .with_title(title)
        .with_input_schema::<I>()
        .with_output_schema::<O>()
        .with_annotations(annotations)
}

/// Every tool, in the order clients show them.
pub fn catalogue() -> Vec<Tool> {
    let acts = ToolAnnotations::new()
        .read_only(false)
        .destructive(false)
        .open_world(true);
    let reads = ToolAnnotations::new().read_only(true).open_world(false);
    vec![
        tool::<conversation::InitiateCall, conversation::Reply>(
            "initiate_call",
            "Call the user",
            "Phone the user on their verified number, say `message`, and wait for their spoken \
             reply. Returns the call_id (for continue_call, speak_to_user and end_call) and \
             what they said. Use it when you have finished a task, are blocked, or need a \
             decision. The call stays open after the reply; finish it with end_call.",
            acts.clone(),
        ),
        tool::<conversation::ContinueCall, conversation::Reply>(
            "continue_call",
            "Say and listen",
            "On a live call, say `message` and wait for the user's reply; returns what they said.",
            acts.clone(),
        ),
        tool::<conversation::SpeakToUser, conversation::Spoken>(
            "speak_to_user",
            "Say without waiting",
            "On a live call, say `message` without waiting for a reply (e.g. \"Give me a minute \
             to check that.\"). Returns once it has been said.",
            acts.clone(),
        ),
        tool::<conversation::EndCall, conversation::Ended>(
            "end_call",
            "Say goodbye and hang up",
            "Say `message` (a short goodbye), hang up, and return the call's duration and charge.",
            acts.clone(),
        ),
        tool::<records::GetCall, records::CallDetail>(
            "get_call",
            "Get a call",
            "One call: its status, times, charge and transcript.",
            reads.clone(),
        ),
        tool::<records::ListCalls, records::CallList>(
            "list_calls",
            "List calls",
            "Your tenant's most recent calls, newest first.",
            reads,
        ),
        tool::<sms::SendSms, sms::SmsSent>(
            "send_sms",
            "Text the user",
            "Send a text message, to the user's verified number unless `to` says otherwise.",
            acts,
        ),
    ]
}

/// Runs tool `name`; `None` when there is no such tool.
pub async fn call(
    context: &ToolContext<'_>,
    name: &str,
    arguments: Value,
) -> Option<ToolResult<Value>> {
    Some(match name {
        "initiate_call" => run(arguments, |a| conversation::initiate(context, a)).await,
        "continue_call" => run(arguments, |a| conversation::continue_call(context, a)).await,
        "speak_to_user" => run(arguments, |a| conversation::speak(context, a)).await,
        "end_call" => run(arguments, |a| conversation::end(context, a)).await,
        "get_call" => run(arguments, |a| records::get_call(context, a)).await,
        "list_calls" => run(arguments, |a| records::list_calls(context, a)).await,
        "send_sms" => run(arguments, |a| sms::send_sms(context, a)).await,
        _ => return None,
    })
}

async fn run<I: DeserializeOwned, O: Serialize, F: Future<Output = ToolResult<O>>>(
    arguments: Value,
    tool: impl FnOnce(I) -> F,
) -> ToolResult<Value> {
    let input = serde_json::from_value(arguments)
        .map_err(|e| format!("The arguments are not valid: {e}."))?;
    let output = tool(input).await?;
    serde_json::to_value(output).map_err(|e| format!("The result could not be encoded: {e}."))
}

/// A message to say or send: trimmed, not empty, not too long.
fn message(text: &str) -> ToolResult<String> {
    spoken_text(text).ok_or_else(|| {
        format!(
            "`message` must say something, in at most {MAX_SPOKEN_CHARS} characters; say less \
             at a time if it is long."
        )
    })
}

/// Internal failures reach the model as a plain sentence; the cause goes to the log.
fn internal(error: impl std::fmt::Display) -> String {
    tracing::error!(%error, "an MCP tool failed");
    "Something went wrong on the server; try again in a moment.".into()
}
