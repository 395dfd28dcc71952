//! Tenant-defined tools, as the conversation sees them: something that runs a call and
//! answers with text for the model. The server implements it over the HTTP tool runner and
//! the tenant's stored tool definitions.

use futures_util::future::BoxFuture;
use switchboard_providers::llm::ToolCall;
use tokio_util::sync::CancellationToken;

/// Runs tenant tools during a call.
pub trait ToolRunner: Send + Sync {
    /// Runs `call` for the call `call_id`. `Ok` is the result for the model; `Err` a short
    /// explanation of the failure, also for the model (never a secret). Stops promptly when
    /// `cancel` fires.
    fn run(
        &self,
        call_id: &str,
        call: &ToolCall,
        cancel: CancellationToken,
    ) -> BoxFuture<'static, Result<String, String>>;
}
