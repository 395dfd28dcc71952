//! The role trait every chat model implements, object-safe so a chain can hold
//! `Vec<Arc<dyn ChatModel>>`.

use std::pin::Pin;

use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::types::{ChatEvent, ChatRequest, ChatResponse};
use crate::ProviderError;

/// A streamed reply. It ends after `Finished`/`Usage`, or after one `Err`. Dropping it (or
/// cancelling its token) closes the upstream connection.
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<ChatEvent, ProviderError>> + Send>>;

pub trait ChatModel: Send + Sync {
    /// A label for logs and fallback reports, e.g. `groq:llama-3.3-70b-versatile`. Never a secret.
    fn name(&self) -> &str;

    /// Starts a streamed reply. Returns at once; connecting happens as the stream is polled, so
    /// a connection failure arrives as the stream's first item.
    fn stream(&self, request: &ChatRequest, cancel: CancellationToken) -> ChatStream;

    /// One whole reply without streaming (summaries, post-call work). A server sends nothing
    /// until it has generated everything, so for [`super::OpenAiChat`] the `first_byte` timeout
    /// bounds the whole generation: give summaries a client with a generous one.
    fn complete(
        &self,
        request: &ChatRequest,
        cancel: CancellationToken,
    ) -> BoxFuture<'static, Result<ChatResponse, ProviderError>>;
}

/// Drains a stream into one reply; stops at the first error.
pub async fn collect(mut stream: ChatStream) -> Result<ChatResponse, ProviderError> {
    let mut response = ChatResponse::default();
    while let Some(event) = stream.next().await {
        response.absorb(event?);
    }
    Ok(response)
}
