//! The one error type of HTTP tools. Messages never carry the signing secret, and carry at
//! most a short excerpt of what the tenant's endpoint answered.

use std::time::Duration;

/// Why a tool definition was refused or a tool call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The definition breaks a rule (name, parameter schema, URL, timeout).
    #[error("invalid tool definition: {0}")]
    Invalid(String),
    /// The URL points at an address the network policy refuses.
    #[error("{0}")]
    Forbidden(String),
    /// No complete answer within the tool's timeout.
    #[error("the tool did not answer within {0:?}")]
    Timeout(Duration),
    /// The call was cancelled (barge-in, hang-up).
    #[error("the tool call was cancelled")]
    Cancelled,
    /// The endpoint answered with a status other than 2xx (redirects included: they are not
    /// followed).
    #[error("the tool answered HTTP {status}: {excerpt}")]
    Status { status: u16, excerpt: String },
    /// The endpoint could not be reached or the connection failed.
    #[error("the tool could not be reached: {0}")]
    Unreachable(String),
}
