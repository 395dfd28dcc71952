//! Calls on the server side: writing what a live call records into the store, and running
//! the tenant's HTTP tools.

mod recorder;
mod tools;

pub use recorder::{RecorderSummary, spawn_recorder};
pub use tools::TenantTools;
