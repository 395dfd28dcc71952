use std::error::Error;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::network::{GuardedResolver, forbidden, is_refused_address};
use super::signature::sign;
use super::{HttpToolDefinition, NetworkPolicy, ToolError};

/// The most of an answer kept and fed back to the LLM.
pub const MAX_TOOL_RESPONSE_BYTES: usize = 16 * 1024;
/// The most of a failed answer quoted in [`ToolError::Status`].
const EXCERPT_CHARS: usize = 200;
const USER_AGENT: &str = concat!("Switchboard/", env!("CARGO_PKG_VERSION"));

/// A tool call's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutput {
    /// The response body as text (JSON or not; invalid UTF-8 replaced), at most
    /// [`MAX_TOOL_RESPONSE_BYTES`]: the tool result to give the LLM.
    pub content: String,
    /// The HTTP status, a 2xx.
    pub status: u16,
    /// The body was longer than [`MAX_TOOL_RESPONSE_BYTES`] and was cut.
    pub truncated: bool,
}

/// Calls tenants' HTTP tools. One per server: it keeps a connection pool.
#[derive(Debug, Clone)]
pub struct HttpToolRunner {
    client: reqwest::Client,
    policy: NetworkPolicy,
}

impl HttpToolRunner {
    /// A runner whose requests go only where `policy` allows; redirects are never followed
    /// and proxy settings from the environment are ignored.
    pub fn new(policy: NetworkPolicy) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .user_agent(USER_AGENT)
            .build()
            .expect("a reqwest client with rustls/ring builds");
        HttpToolRunner { client, policy }
    }

    /// Runs one tool call: POSTs the signed request and reads the answer, within the
    /// definition's timeout, giving up as soon as `cancel` fires.
    ///
    /// The body is `{"tool", "call_id", "tool_call_id", "arguments"}`; see `docs/tools.md`
    /// for the headers and the signature.
    pub async fn call(
        &self,
        definition: &HttpToolDefinition,
        call_id: &str,
        tool_call_id: &str,
        arguments: Value,
        cancel: CancellationToken,
    ) -> Result<ToolOutput, ToolError> {
        definition.validate()?;
        self.policy.check_ip_host(&definition.url)?;
        let body = json!({
            "tool": definition.name,
            "call_id": call_id,
            "tool_call_id": tool_call_id,
            "arguments": arguments,
        })
        .to_string();
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs())
            .to_string();
        let signature = sign(definition.secret.expose(), &timestamp, body.as_bytes());
        let request = self
            .client
            .post(definition.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("X-Switchboard-Timestamp", timestamp)
            .header("X-Switchboard-Signature", signature)
            .body(body);
        let exchange = async {
            let response = request.send().await.map_err(transport_error)?;
            read_answer(response).await
        };
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(ToolError::Cancelled),
            outcome = tokio::time::timeout(definition.timeout, exchange) => {
                outcome.unwrap_or(Err(ToolError::Timeout(definition.timeout)))
            }
        }
    }
}

async fn read_answer(mut response: reqwest::Response) -> Result<ToolOutput, ToolError> {
    let status = response.status().as_u16();
    if !response.status().is_success() {
        // Enough bytes for the excerpt even if every character takes four.
        let (body, _) = read_capped(&mut response, EXCERPT_CHARS * 4).await?;
        let text = String::from_utf8_lossy(&body);
        let excerpt = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let excerpt = match excerpt.char_indices().nth(EXCERPT_CHARS) {
            Some((cut, _)) => format!("{}…", &excerpt[..cut]),
            None => excerpt,
        };
        return Err(ToolError::Status { status, excerpt });
    }
    let (body, truncated) = read_capped(&mut response, MAX_TOOL_RESPONSE_BYTES).await?;
    let mut content = String::from_utf8_lossy(&body).into_owned();
    if truncated {
        // The cut may have split a character.
        content.truncate(content.trim_end_matches('\u{FFFD}').len());
    }
    Ok(ToolOutput {
        content,
        status,
        truncated,
    })
}

/// Reads at most `cap` bytes of the body; true when there was more.
async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
) -> Result<(Vec<u8>, bool), ToolError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        let room = cap - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Maps a client failure: a refused address is [`ToolError::Forbidden`]; anything else is
/// described by its causes, without the URL (which may carry a tenant's token).
fn transport_error(error: reqwest::Error) -> ToolError {
    let error = error.without_url();
    if is_refused_address(&error) {
        return forbidden();
    }
    let mut description = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !description.contains(&text) {
            description.push_str(": ");
            description.push_str(&text);
        }
        cause = inner.source();
    }
    ToolError::Unreachable(description)
}
