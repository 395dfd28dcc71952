use std::time::Duration;

use serde_json::Value;
use switchboard_providers::llm::ToolSpec;
use url::Url;

use super::{ToolError, ToolSecret};

/// How long a tool may take when its definition does not say.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest timeout a tool may have: the caller is waiting on the line.
pub const MAX_TOOL_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest tool name, as LLM providers allow.
const MAX_NAME_LEN: usize = 64;

/// A tenant-defined tool: the LLM calls it by `name`, and the call is POSTed to `url`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpToolDefinition {
    /// `^[a-z][a-z0-9_]{0,63}$`.
    pub name: String,
    /// Tells the model when to call it.
    pub description: String,
    /// A JSON Schema with `"type": "object"` describing the arguments.
    pub parameters: Value,
    /// http or https.
    pub url: Url,
    /// Signs each request (`X-Switchboard-Signature`).
    pub secret: ToolSecret,
    /// The whole request, from connecting to the last byte of the answer (default 5 s, at
    /// most 30 s).
    pub timeout: Duration,
}

impl HttpToolDefinition {
    /// A definition with the default timeout; see [`validate`](Self::validate).
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
        url: Url,
        secret: ToolSecret,
    ) -> Self {
        HttpToolDefinition {
            name: name.into(),
            description: description.into(),
            parameters,
            url,
            secret,
            timeout: DEFAULT_TOOL_TIMEOUT,
        }
    }

    /// Checks the name, the parameter schema's top level, the URL's scheme (and that it
    /// carries no user name or password: that is what the secret is for) and the timeout.
    /// Where the URL points is [`NetworkPolicy::check_url`](super::NetworkPolicy::check_url)'s
    /// business.
    pub fn validate(&self) -> Result<(), ToolError> {
        let invalid = |why: String| Err(ToolError::Invalid(why));
        if !is_valid_name(&self.name) {
            return invalid(format!(
                "the name {:?} must be 1 to {MAX_NAME_LEN} lower-case letters, digits or \
                 underscores, starting with a letter",
                self.name
            ));
        }
        let Some(schema) = self.parameters.as_object() else {
            return invalid("parameters must be a JSON Schema object".into());
        };
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            return invalid(r#"parameters must have "type": "object""#.into());
        }
        if !matches!(self.url.scheme(), "http" | "https") {
            return invalid(format!(
                "the URL must be http or https, not {}",
                self.url.scheme()
            ));
        }
        if !self.url.username().is_empty() || self.url.password().is_some() {
            return invalid("the URL must not carry a user name or password".into());
        }
        if self.timeout.is_zero() || self.timeout > MAX_TOOL_TIMEOUT {
            return invalid(format!(
                "the timeout must be more than zero and at most {MAX_TOOL_TIMEOUT:?}"
            ));
        }
        Ok(())
    }

    /// The tool as offered to the LLM.
    pub fn to_spec(&self) -> ToolSpec {
        ToolSpec {
            name: self.name.clone(),
            description: self.description.clone(),
            parameters: self.parameters.clone(),
        }
    }
}

fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && name.len() <= MAX_NAME_LEN
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn definition() -> HttpToolDefinition {
        HttpToolDefinition::new(
            "book_slot",
            "Books an appointment slot.",
            json!({"type": "object", "properties": {"day": {"type": "string"}}}),
            Url::parse("https://hooks.example.com/book").unwrap(),
            ToolSecret::new("whsec_123"),
        )
    }

    fn reason(definition: &HttpToolDefinition) -> String {
        match definition.validate() {
            Err(ToolError::Invalid(why)) => why,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_good_definition_validates_and_becomes_a_spec() {
        let definition = definition();
        definition.validate().unwrap();
        assert_eq!(definition.timeout, DEFAULT_TOOL_TIMEOUT);
        let spec = definition.to_spec();
        assert_eq!(spec.name, "book_slot");
        assert_eq!(spec.description, "Books an appointment slot.");
        assert_eq!(spec.parameters, definition.parameters);
    }

    #[test]
    fn names_follow_the_pattern() {
        for good in ["a", "lookup_order_2", &"a".repeat(64)] {
            let definition = HttpToolDefinition {
                name: good.to_owned(),
                ..definition()
            };
            definition.validate().unwrap();
        }
        for bad in [
            "",
            "2fast",
            "_x",
            "Book",
            "book-slot",
            "book slot",
            "é",
            &"a".repeat(65),
        ] {
            let definition = HttpToolDefinition {
                name: bad.to_owned(),
                ..definition()
            };
            assert!(reason(&definition).contains("name"), "{bad:?}");
        }
    }

    #[test]
    fn parameters_must_be_an_object_schema() {
        for bad in [
            json!("object"),
            json!({}),
            json!({"type": "string"}),
            json!([]),
        ] {
            let definition = HttpToolDefinition {
                parameters: bad.clone(),
                ..definition()
            };
            assert!(reason(&definition).contains("parameters"), "{bad}");
        }
    }

    #[test]
    fn urls_are_http_without_credentials_and_timeouts_bounded() {
        let with_url = |url: &str| HttpToolDefinition {
            url: Url::parse(url).unwrap(),
            ..definition()
        };
        with_url("http://hooks.example.com/").validate().unwrap();
        assert!(reason(&with_url("ftp://hooks.example.com/")).contains("http"));
        assert!(reason(&with_url("https://user:pw@hooks.example.com/")).contains("password"));
        for bad in [Duration::ZERO, Duration::from_secs(31)] {
            let definition = HttpToolDefinition {
                timeout: bad,
                ..definition()
            };
            assert!(reason(&definition).contains("timeout"));
        }
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let printed = format!("{:?}", definition());
        assert!(!printed.contains("whsec_123"), "{printed}");
        assert!(printed.contains("redacted"));
    }
}
