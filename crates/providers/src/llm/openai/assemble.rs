//! Reassembles streamed tool-call fragments keyed by `index` (§3.2): id and name are taken
//! whenever present (some servers repeat them), arguments are appended, a call sent whole in
//! one fragment works too, and missing arguments become `"{}"`.

use std::collections::BTreeMap;

use crate::llm::types::ToolCall;

#[derive(Debug, Default)]
struct Partial {
    id: Option<String>,
    name: Option<String>,
    arguments: String,
}

#[derive(Debug, Default)]
pub(super) struct ToolCallAssembler {
    calls: BTreeMap<u32, Partial>,
}

impl ToolCallAssembler {
    pub fn add(
        &mut self,
        index: u32,
        id: Option<&str>,
        name: Option<&str>,
        arguments: Option<&str>,
    ) {
        let call = self.calls.entry(index).or_default();
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            call.id = Some(id.to_owned());
        }
        if let Some(name) = name.filter(|name| !name.is_empty()) {
            call.name = Some(name.to_owned());
        }
        if let Some(arguments) = arguments {
            call.arguments.push_str(arguments);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The finished calls in index order. A call with no name is an error (nothing could run
    /// it); one with no id gets `call_<index>` (lenient: some local servers omit ids).
    pub fn take(&mut self) -> Result<Vec<ToolCall>, String> {
        std::mem::take(&mut self.calls)
            .into_iter()
            .map(|(index, call)| {
                let name = call
                    .name
                    .ok_or_else(|| format!("tool call {index} has no function name"))?;
                let arguments = if call.arguments.trim().is_empty() {
                    "{}".to_owned()
                } else {
                    call.arguments
                };
                Ok(ToolCall {
                    id: call.id.unwrap_or_else(|| format!("call_{index}")),
                    name,
                    arguments,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_parallel_calls_and_repeats() {
        let mut calls = ToolCallAssembler::default();
        calls.add(0, Some("call_a"), Some("book"), Some(""));
        calls.add(1, Some("call_b"), Some("hang_up"), None);
        calls.add(0, None, None, Some("{\"n\":"));
        calls.add(0, Some("call_a"), Some("book"), Some("2}"));
        let taken = calls.take().unwrap();
        assert_eq!(
            taken[0],
            ToolCall {
                id: "call_a".into(),
                name: "book".into(),
                arguments: "{\"n\":2}".into()
            }
        );
        assert_eq!(
            taken[1],
            ToolCall {
                id: "call_b".into(),
                name: "hang_up".into(),
                arguments: "{}".into()
            }
        );
        assert!(calls.is_empty());
    }

    #[test]
    fn nameless_call_is_an_error() {
        let mut calls = ToolCallAssembler::default();
        calls.add(0, Some("x"), None, Some("{}"));
        assert!(calls.take().is_err());
    }
}
