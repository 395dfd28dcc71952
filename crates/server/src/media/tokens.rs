//! One-time media-stream tokens. The call path issues one per call and hands it to the carrier
//! as a `<Parameter name="stream_token">`; the first stream to present it joins that call.

use std::time::Duration;

use switchboard_store::{Store, StoreError, StreamGrant, now_ms};

use crate::auth::token;

/// The `<Parameter>` / custom parameter carrying the token.
pub const STREAM_TOKEN_PARAMETER: &str = "stream_token";

/// Issues a token for `grant`, valid for `ttl`. Only its hash is stored.
pub async fn issue(
    store: &Store,
    grant: &StreamGrant,
    ttl: Duration,
) -> Result<String, StoreError> {
    let token = token::new_stream_token();
    let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
    store
        .create_stream_token(&token::hash(&token), grant, now_ms().saturating_add(ttl_ms))
        .await?;
    Ok(token)
}
