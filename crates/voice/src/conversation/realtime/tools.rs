//! The model's function calls: the built-ins, which the brain carries out itself, and
//! tenant tools, which run through the [`ToolRunner`] as their own tasks so the call goes on
//! while they work.

use std::sync::Arc;

use serde_json::Value;
use switchboard_providers::llm::ToolCall;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::conversation::spec::BuiltinTool;
use crate::conversation::tools::ToolRunner;

/// A function call, by what it asks for.
#[derive(Debug)]
pub(super) enum Request {
    EndCall { reason: String },
    Transfer { to: String },
    Extend,
    Custom(ToolCall),
}

impl Request {
    pub(super) fn new(call: ToolCall) -> Self {
        let arguments = call.arguments_json().unwrap_or(Value::Null);
        let text = |name: &str| {
            arguments
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        match BuiltinTool::from_name(&call.name) {
            Some(BuiltinTool::EndCall) => Request::EndCall {
                reason: text("reason"),
            },
            Some(BuiltinTool::TransferCall) => Request::Transfer { to: text("to") },
            Some(BuiltinTool::ExtendCall) => Request::Extend,
            None => Request::Custom(call),
        }
    }
}

/// A tenant tool's outcome: `Ok` the result, `Err` the failure, both for the model.
#[derive(Debug)]
pub(super) struct ToolDone {
    pub call_id: String,
    pub name: String,
    pub result: Result<String, String>,
    pub took_ms: u64,
}

/// Runs a tenant tool for the call `call_id` and reports on `done`; stops when `cancel`
/// fires (the call ended).
pub(super) fn spawn(
    tasks: &mut JoinSet<()>,
    runner: Option<Arc<dyn ToolRunner>>,
    call_id: String,
    call: ToolCall,
    cancel: CancellationToken,
    done: mpsc::Sender<ToolDone>,
) {
    tasks.spawn(async move {
        let started = Instant::now();
        let result = match runner {
            Some(runner) => runner.run(&call_id, &call, cancel).await,
            None => Err(format!("There is no tool called {}.", call.name)),
        };
        let _ = done
            .send(ToolDone {
                call_id: call.id,
                name: call.name,
                result,
                took_ms: started.elapsed().as_millis() as u64,
            })
            .await;
    });
}
