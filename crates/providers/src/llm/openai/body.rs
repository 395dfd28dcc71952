//! The JSON body of a Chat Completions request (§3.1), shaped by the server's quirks.

use serde_json::{Map, Value, json};

use super::config::OpenAiConfig;
use crate::llm::types::{ChatRequest, Message, ToolCall, ToolChoice};

/// Builds the body; `stream` selects SSE. Extras the server is known to refuse are dropped
/// (and logged by name), so one request can go down a whole fallback chain.
pub(super) fn build(config: &OpenAiConfig, request: &ChatRequest, stream: bool) -> Value {
    let quirks = &config.quirks;
    let mut body = Map::new();
    for (key, value) in &request.extra {
        if quirks.unsupported_params.contains(&key.as_str()) {
            tracing::debug!(provider = config.flavor.provider(), param = %key, "dropping a parameter the provider refuses");
            continue;
        }
        body.insert(key.clone(), value.clone());
    }
    body.insert("model".into(), json!(config.model));
    body.insert(
        "messages".into(),
        Value::Array(request.messages.iter().map(message).collect()),
    );
    body.insert("stream".into(), json!(stream));
    if stream && quirks.stream_usage {
        body.insert("stream_options".into(), json!({ "include_usage": true }));
    }
    if !request.tools.is_empty() {
        let tools = request
            .tools
            .iter()
            .map(|tool| {
                json!({"type": "function", "function": {
                    "name": tool.name, "description": tool.description, "parameters": tool.parameters,
                }})
            })
            .collect();
        body.insert("tools".into(), Value::Array(tools));
        body.insert(
            "tool_choice".into(),
            tool_choice(&request.tool_choice, quirks.tool_choice_auto_none_only),
        );
    }
    if let Some(temperature) = request.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if let Some(max) = request.max_tokens {
        body.insert(quirks.max_tokens_field.key().into(), json!(max));
    }
    for (key, value) in &config.extra_body {
        body.insert(key.clone(), value.clone());
    }
    Value::Object(body)
}

fn tool_choice(choice: &ToolChoice, auto_none_only: bool) -> Value {
    match choice {
        ToolChoice::None => json!("none"),
        ToolChoice::Auto => json!("auto"),
        _ if auto_none_only => json!("auto"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
    }
}

fn message(message: &Message) -> Value {
    match message {
        Message::System(text) => json!({"role": "system", "content": text}),
        Message::User(text) => json!({"role": "user", "content": text}),
        Message::Assistant {
            content,
            tool_calls,
        } => {
            let mut value = json!({"role": "assistant", "content": content});
            if !tool_calls.is_empty() {
                value["tool_calls"] = Value::Array(tool_calls.iter().map(tool_call).collect());
            }
            value
        }
        Message::Tool {
            tool_call_id,
            content,
        } => {
            json!({"role": "tool", "tool_call_id": tool_call_id, "content": content})
        }
    }
}

fn tool_call(call: &ToolCall) -> Value {
    json!({"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::openai::Flavor;
    use crate::llm::types::ToolSpec;

    fn request() -> ChatRequest {
        let mut extra = Map::new();
        extra.insert("logit_bias".into(), json!({}));
        extra.insert("seed".into(), json!(7));
        ChatRequest {
            messages: vec![
                Message::system("You are a phone agent."),
                Message::Assistant {
                    content: None,
                    tool_calls: vec![ToolCall {
                        id: "call_1".into(),
                        name: "book".into(),
                        arguments: "{\"n\":2}".into(),
                    }],
                },
                Message::tool_result("call_1", "{\"ok\":true}"),
            ],
            tools: vec![ToolSpec {
                name: "book".into(),
                description: "Book".into(),
                parameters: json!({"type": "object"}),
            }],
            tool_choice: ToolChoice::Required,
            temperature: Some(0.5),
            max_tokens: Some(512),
            extra,
        }
    }

    #[test]
    fn openai_shape_matches_the_digest() {
        let config = OpenAiConfig::new(Flavor::OpenAi, "http://x/v1", "m");
        let body = build(&config, &request(), true);
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        assert_eq!(body["max_completion_tokens"], 512);
        assert_eq!(body["tool_choice"], "required");
        assert_eq!(body["messages"][1]["content"], Value::Null);
        assert_eq!(
            body["messages"][1]["tool_calls"][0]["function"]["arguments"],
            "{\"n\":2}"
        );
        assert_eq!(body["messages"][2]["tool_call_id"], "call_1");
        assert_eq!(body["tools"][0]["type"], "function");
        assert_eq!(body["seed"], 7);
    }

    #[test]
    fn quirks_shape_the_body() {
        let cerebras = build(
            &OpenAiConfig::new(Flavor::Cerebras, "u", "m"),
            &request(),
            true,
        );
        assert_eq!(cerebras["tool_choice"], "auto");
        assert!(cerebras.get("logit_bias").is_none());
        let groq = build(
            &OpenAiConfig::new(Flavor::Groq, "u", "m"),
            &request(),
            false,
        );
        assert!(groq.get("logit_bias").is_none());
        assert!(groq.get("stream_options").is_none());
        let ollama = build(
            &OpenAiConfig::new(Flavor::Ollama, "u", "m"),
            &request(),
            true,
        );
        assert_eq!(ollama["max_tokens"], 512);
        assert!(ollama.get("max_completion_tokens").is_none());
        let llama = build(
            &OpenAiConfig::new(Flavor::LlamaCpp, "u", "m"),
            &request(),
            true,
        );
        assert!(llama.get("stream_options").is_none());
    }
}
