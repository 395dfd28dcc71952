//! Tenant-defined HTTP tools, called while a call is live.
//!
//! A tenant describes a tool ([`HttpToolDefinition`]: name, JSON Schema parameters, URL,
//! signing secret, timeout); the agent offers it to the LLM as a
//! [`ToolSpec`](switchboard_providers::llm::ToolSpec) and, when the model calls it, an
//! [`HttpToolRunner`] POSTs the arguments to the URL, signed with the secret
//! ([`verify_signature`] checks it), and hands the answer back as the tool result. The
//! [`NetworkPolicy`] keeps tool requests off loopback and private networks unless the
//! operator allows them. The wire format is in `docs/tools.md`.

mod definition;
mod error;
mod network;
mod runner;
mod secret;
mod signature;

pub use definition::{DEFAULT_TOOL_TIMEOUT, HttpToolDefinition, MAX_TOOL_TIMEOUT};
pub use error::ToolError;
pub use network::{FORBIDDEN_MESSAGE, NetworkPolicy};
pub use runner::{HttpToolRunner, MAX_TOOL_RESPONSE_BYTES, ToolOutput};
pub use secret::ToolSecret;
pub use signature::{sign, verify_signature};
