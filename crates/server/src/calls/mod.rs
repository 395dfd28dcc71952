//! Calls on the server side: writing what a live call records into the store.

mod recorder;

pub use recorder::{RecorderSummary, spawn_recorder};
