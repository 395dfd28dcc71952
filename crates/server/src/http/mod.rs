//! The HTTP surface: one router, one error type, the extractors every route shares.

pub mod error;
pub mod extract;
mod merge_patch;
mod metrics;
mod middleware;
mod openapi;
pub mod principal;
mod router;
mod state;

pub use error::ApiError;
pub use merge_patch::merge_patch;
pub use metrics::Metrics;
pub use router::router;
pub use state::AppState;
