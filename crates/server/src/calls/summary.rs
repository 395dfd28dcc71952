//! A few sentences about a finished call, written by the agent's LLM from the transcript.

use std::sync::Arc;
use std::time::Duration;

use switchboard_providers::llm::{ChatModel, ChatRequest, Message};
use switchboard_providers::{ProviderError, Usage};
use switchboard_store::{Store, StoreError};
use tokio_util::sync::CancellationToken;

/// How long the summary may take; a call's finish waits for it.
const SUMMARY_TIMEOUT: Duration = Duration::from_secs(20);

const INSTRUCTIONS: &str = "Summarise this phone call between an AI agent and a caller in two \
    or three plain sentences: what the caller wanted, what was said or agreed, and anything left \
    to do. No lists, no markdown.";

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("the summary took longer than {SUMMARY_TIMEOUT:?}")]
    Timeout,
}

/// Summarises the call's transcript and stores the summary. Returns the LLM's usage, for the
/// call's costs; `None` when there was nothing to summarise.
pub async fn summarise(
    store: &Store,
    tenant_id: &str,
    call_id: &str,
    llm: Arc<dyn ChatModel>,
) -> Result<Option<Usage>, SummaryError> {
    let lines = store.call_transcript(tenant_id, call_id).await?;
    if lines.is_empty() {
        return Ok(None);
    }
    let transcript: Vec<String> = lines
        .iter()
        .map(|line| {
            let who = if line.speaker == "agent" {
                "Agent"
            } else {
                "Caller"
            };
            let cut = if line.interrupted() {
                " [interrupted]"
            } else {
                ""
            };
            format!("{who}: {}{cut}", line.text)
        })
        .collect();
    let request = ChatRequest {
        messages: vec![
            Message::system(INSTRUCTIONS),
            Message::user(transcript.join("\n")),
        ],
        max_tokens: Some(200),
        ..ChatRequest::default()
    };
    let reply = tokio::time::timeout(
        SUMMARY_TIMEOUT,
        llm.complete(&request, CancellationToken::new()),
    )
    .await
    .map_err(|_| SummaryError::Timeout)??;
    let text = reply.text.trim();
    if !text.is_empty() {
        store.set_call_summary(tenant_id, call_id, text).await?;
    }
    Ok(reply.usage)
}
