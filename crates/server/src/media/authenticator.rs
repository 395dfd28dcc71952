use std::future::Future;

use switchboard_store::{Store, StoreError, now_ms};
use switchboard_telephony::media::StreamStart;
use switchboard_voice::{BrainSpec, CallContext, StreamAuthenticator, VoiceError};

use super::tokens::STREAM_TOKEN_PARAMETER;
use crate::auth::token;

/// Lets a stream in when its `start` carries an unused, unexpired stream token.
pub struct TokenAuthenticator {
    pub store: Store,
}

impl StreamAuthenticator for TokenAuthenticator {
    fn authenticate(
        &self,
        start: &StreamStart,
    ) -> impl Future<Output = Result<CallContext, VoiceError>> + Send {
        let presented = start
            .custom_parameters
            .get(STREAM_TOKEN_PARAMETER)
            .map(|t| token::hash(t));
        let store = self.store.clone();
        async move {
            let Some(hash) = presented else {
                return Err(VoiceError::Rejected(format!(
                    "no {STREAM_TOKEN_PARAMETER} parameter in start"
                )));
            };
            let grant =
                store
                    .consume_stream_token(&hash, now_ms())
                    .await
                    .map_err(|err| match err {
                        StoreError::NotFound => VoiceError::Rejected(
                            "the stream token is unknown, expired or already used".into(),
                        ),
                        other => VoiceError::AuthUnavailable(other.to_string()),
                    })?;
            let brain = match grant.brain.as_str() {
                "echo" => BrainSpec::Echo,
                other => {
                    return Err(VoiceError::Rejected(format!(
                        "no agent runs brain {other:?} yet"
                    )));
                }
            };
            tracing::info!(tenant_id = %grant.tenant_id, call_id = %grant.call_id, "media stream joined its call");
            Ok(CallContext::new(grant.call_id, brain))
        }
    }
}
