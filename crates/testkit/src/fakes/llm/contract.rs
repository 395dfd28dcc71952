//! The checks that make the fake refuse what OpenAI refuses, with OpenAI's error body (§3.3),
//! so a client bug cannot hide behind a lenient fake. Messages follow OpenAI's wording where
//! it is known; exact texts are \[M\].

use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value, json};

use super::config::FakeLlmConfig;

pub const PATH: &str = "/v1/chat/completions";

/// A refusal: status and OpenAI's `{"error": …}` body.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
}

fn refuse(
    status: u16,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Refusal {
    Refusal {
        status,
        body: json!({"error": {"message": message, "type": kind, "param": param, "code": code}}),
    }
}

fn invalid(message: &str, param: Option<&str>, code: Option<&str>) -> Refusal {
    refuse(400, message, "invalid_request_error", param, code)
}

fn missing(param: &str) -> Refusal {
    invalid(
        &format!("Missing required parameter: '{param}'."),
        Some(param),
        Some("missing_required_parameter"),
    )
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(param: &str, expected: &str, got: &Value) -> Refusal {
    let message = format!(
        "Invalid type for '{param}': expected {expected}, but got {} instead.",
        type_name(got)
    );
    invalid(&message, Some(param), Some("invalid_type"))
}

/// Path, method and key, checked before the body is read.
pub fn check_request(
    config: &FakeLlmConfig,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), Refusal> {
    if path != PATH {
        let message = format!("Invalid URL ({method} {path})");
        return Err(refuse(404, &message, "invalid_request_error", None, None));
    }
    if method != Method::POST {
        // [M] the status OpenAI uses for a known path with the wrong method.
        return Err(refuse(
            405,
            &format!("Invalid method for URL ({method} {path})"),
            "invalid_request_error",
            None,
            None,
        ));
    }
    let Some(key) = &config.api_key else {
        return Ok(());
    };
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    match auth.and_then(|v| v.strip_prefix("Bearer ")) {
        None => Err(refuse(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            "invalid_request_error",
            None,
            None,
        )),
        Some(given) if given != key => {
            let tail: String = given
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let message = format!(
                "Incorrect API key provided: sk-***{tail}. You can find your API key at https://platform.openai.com/account/api-keys."
            );
            Err(refuse(
                401,
                &message,
                "invalid_request_error",
                None,
                Some("invalid_api_key"),
            ))
        }
        Some(_) => Ok(()),
    }
}

/// The JSON body.
pub fn check_body(config: &FakeLlmConfig, raw: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let parsed: Result<Value, _> = serde_json::from_slice(raw);
    let Ok(Value::Object(body)) = parsed else {
        return Err(invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            None,
            None,
        ));
    };
    match body.get("model") {
        None => return Err(invalid("you must provide a model parameter", None, None)),
        Some(Value::String(model)) => {
            if let Some(models) = &config.models
                && !models.contains(model)
            {
                let message =
                    format!("The model `{model}` does not exist or you do not have access to it.");
                return Err(refuse(
                    404,
                    &message,
                    "invalid_request_error",
                    None,
                    Some("model_not_found"),
                ));
            }
        }
        Some(other) => return Err(wrong_type("model", "a string", other)),
    }
    check_messages(config, body.get("messages"))?;
    for param in &config.rejected_params {
        if body.contains_key(param) {
            return Err(invalid(
                &format!("property '{param}' is unsupported"),
                Some(param),
                None,
            ));
        }
    }
    check_options(config, &body)?;
    check_tools(config, &body)?;
    Ok(body)
}

fn check_messages(config: &FakeLlmConfig, messages: Option<&Value>) -> Result<(), Refusal> {
    let messages = match messages {
        None => return Err(missing("messages")),
        Some(Value::Array(list)) => list,
        Some(other) => return Err(wrong_type("messages", "an array", other)),
    };
    if messages.is_empty() {
        return Err(invalid(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            Some("messages"),
            Some("empty_array"),
        ));
    }
    let mut call_ids: Vec<&str> = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let at = |field: &str| format!("messages[{i}].{field}");
        let Value::Object(message) = message else {
            return Err(wrong_type(&format!("messages[{i}]"), "an object", message));
        };
        let role = match message.get("role") {
            None => return Err(missing(&at("role"))),
            Some(Value::String(role)) => role.as_str(),
            Some(other) => return Err(wrong_type(&at("role"), "a string", other)),
        };
        if config.rejects_message_name && message.contains_key("name") {
            return Err(invalid(
                "property 'name' is unsupported",
                Some(&at("name")),
                None,
            ));
        }
        let content = message.get("content");
        match role {
            "system" | "developer" | "user" => match content {
                None => return Err(missing(&at("content"))),
                Some(Value::String(_) | Value::Array(_)) => {}
                Some(other) => {
                    return Err(wrong_type(
                        &at("content"),
                        "one of a string or array",
                        other,
                    ));
                }
            },
            "assistant" => {
                let calls = message.get("tool_calls");
                if !matches!(content, Some(Value::String(_) | Value::Array(_))) && calls.is_none() {
                    return Err(missing(&at("content")));
                }
                if let Some(calls) = calls {
                    check_assistant_calls(i, calls, &mut call_ids)?;
                }
            }
            "tool" => {
                let id = match message.get("tool_call_id") {
                    None => return Err(missing(&at("tool_call_id"))),
                    Some(Value::String(id)) => id.as_str(),
                    Some(other) => return Err(wrong_type(&at("tool_call_id"), "a string", other)),
                };
                if !matches!(content, Some(Value::String(_) | Value::Array(_))) {
                    return Err(missing(&at("content")));
                }
                if !call_ids.contains(&id) {
                    return Err(invalid(
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
                        Some(&format!("messages.[{i}].role")),
                        None,
                    ));
                }
            }
            other => {
                let message = format!(
                    "Invalid value: '{other}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
                );
                return Err(invalid(&message, Some(&at("role")), Some("invalid_value")));
            }
        }
    }
    Ok(())
}

fn check_assistant_calls<'a>(
    i: usize,
    calls: &'a Value,
    ids: &mut Vec<&'a str>,
) -> Result<(), Refusal> {
    let param = format!("messages[{i}].tool_calls");
    let Value::Array(calls) = calls else {
        return Err(wrong_type(&param, "an array", calls));
    };
    for (j, call) in calls.iter().enumerate() {
        let at = |field: &str| format!("{param}[{j}].{field}");
        let Some(id) = call.get("id").and_then(Value::as_str) else {
            return Err(missing(&at("id")));
        };
        if call.get("type").and_then(Value::as_str) != Some("function") {
            return Err(missing(&at("type")));
        }
        if call
            .pointer("/function/name")
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(missing(&at("function.name")));
        }
        match call.pointer("/function/arguments") {
            Some(Value::String(_)) => {}
            None => return Err(missing(&at("function.arguments"))),
            Some(other) => return Err(wrong_type(&at("function.arguments"), "a string", other)),
        }
        ids.push(id);
    }
    Ok(())
}

fn check_options(config: &FakeLlmConfig, body: &Map<String, Value>) -> Result<(), Refusal> {
    let stream = match body.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stream)) => *stream,
        Some(other) => return Err(wrong_type("stream", "a boolean", other)),
    };
    if let Some(options) = body.get("stream_options").filter(|v| !v.is_null()) {
        if !config.accepts_stream_options {
            return Err(invalid(
                "Unrecognized request argument supplied: stream_options",
                None,
                None,
            ));
        }
        if !stream {
            return Err(invalid(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                Some("stream_options"),
                None,
            ));
        }
        if !options.is_object() {
            return Err(wrong_type("stream_options", "an object", options));
        }
    }
    if let Some(temperature) = body.get("temperature").filter(|v| !v.is_null()) {
        let Some(value) = temperature.as_f64() else {
            return Err(wrong_type("temperature", "a decimal", temperature));
        };
        if !(0.0..=2.0).contains(&value) {
            let message = format!(
                "Invalid 'temperature': decimal out of range. Expected a value between 0 and 2, but got {value} instead."
            );
            return Err(invalid(
                &message,
                Some("temperature"),
                Some("decimal_out_of_range"),
            ));
        }
    }
    for field in ["max_tokens", "max_completion_tokens"] {
        let Some(value) = body.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        if field == "max_completion_tokens" && !config.accepts_max_completion_tokens {
            return Err(invalid(
                "Unrecognized request argument supplied: max_completion_tokens",
                None,
                None,
            ));
        }
        if value.as_u64().is_none_or(|n| n == 0) {
            return Err(wrong_type(field, "a positive integer", value));
        }
    }
    if let Some(n) = body.get("n").filter(|v| !v.is_null())
        && n.as_u64() != Some(1)
        && config.only_n_one
    {
        return Err(invalid("'n' : number must be at most 1", Some("n"), None));
    }
    Ok(())
}

fn check_tools(config: &FakeLlmConfig, body: &Map<String, Value>) -> Result<(), Refusal> {
    let tools = match body.get("tools") {
        None | Some(Value::Null) => None,
        Some(Value::Array(tools)) => Some(tools),
        Some(other) => return Err(wrong_type("tools", "an array", other)),
    };
    for (i, tool) in tools.into_iter().flatten().enumerate() {
        if tool.get("type").and_then(Value::as_str) != Some("function") {
            return Err(missing(&format!("tools[{i}].type")));
        }
        let name = tool.pointer("/function/name").and_then(Value::as_str);
        let valid = name.is_some_and(|n| {
            (1..=64).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        if !valid {
            return Err(invalid(
                &format!(
                    "Invalid 'tools[{i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
                ),
                Some(&format!("tools[{i}].function.name")),
                Some("invalid_value"),
            ));
        }
        if let Some(parameters) = tool.pointer("/function/parameters")
            && !parameters.is_object()
        {
            return Err(wrong_type(
                &format!("tools[{i}].function.parameters"),
                "an object",
                parameters,
            ));
        }
    }
    let Some(choice) = body.get("tool_choice").filter(|v| !v.is_null()) else {
        return Ok(());
    };
    if tools.is_none_or(|t| t.is_empty()) {
        return Err(invalid(
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
            Some("tool_choice"),
            None,
        ));
    }
    let ok = match choice {
        Value::String(s) if config.tool_choice_auto_none_only => {
            matches!(s.as_str(), "auto" | "none")
        }
        Value::String(s) => matches!(s.as_str(), "auto" | "none" | "required"),
        Value::Object(_) if config.tool_choice_auto_none_only => false,
        Value::Object(_) => {
            choice.get("type").and_then(Value::as_str) == Some("function")
                && choice
                    .pointer("/function/name")
                    .and_then(Value::as_str)
                    .is_some()
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "Invalid value for 'tool_choice'.",
            Some("tool_choice"),
            Some("invalid_value"),
        ))
    }
}
