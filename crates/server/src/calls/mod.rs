//! Calls on the server side: starting an agent call when its stream joins, running the
//! tenant's HTTP tools, writing what it records into the store, finishing it, and reading it
//! back as a timeline.

mod conversation;
mod recorder;
mod remote;
mod runtime;
mod summary;
pub mod timeline;
mod tools;

pub use conversation::{llm_picks, providers_for};
pub use recorder::{RecorderSummary, spawn_recorder};
pub use remote::{Control, RemoteCalls};
pub use runtime::{CallRuntime, StartError, render, start_agent_call};
pub use tools::TenantTools;
