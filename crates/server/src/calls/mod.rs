//! Calls on the server side: starting an agent call when its stream joins, writing what it
//! records into the store, and finishing it.

mod conversation;
mod recorder;
mod runtime;
mod summary;

pub use conversation::{custom_tool_names, providers_for, spec_for};
pub use recorder::{RecorderSummary, spawn_recorder};
pub use runtime::{CallRuntime, StartError, render, start_agent_call};
