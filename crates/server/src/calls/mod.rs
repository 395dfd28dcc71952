//! Calls on the server side: writing what a live call records into the store, and reading
//! it back as a timeline.

mod recorder;
pub mod timeline;

pub use recorder::{RecorderSummary, spawn_recorder};
