use std::future::Future;
use std::sync::{Arc, Mutex};

use switchboard_store::{StoreError, now_ms};
use switchboard_telephony::media::StreamStart;
use switchboard_voice::{BrainSpec, CallContext, StreamAuthenticator, VoiceError};

use super::tokens::STREAM_TOKEN_PARAMETER;
use crate::auth::token;
use crate::calls::{CallRuntime, Control, start_agent_call};
use crate::http::AppState;

/// Lets a stream in when its `start` carries an unused, unexpired stream token, and builds
/// the brain the token names.
pub struct TokenAuthenticator {
    pub state: AppState,
    /// Filled for an agent call: what to do once its stream ends.
    pub runtime: Arc<Mutex<Option<CallRuntime>>>,
}

impl StreamAuthenticator for TokenAuthenticator {
    fn authenticate(
        &self,
        start: &StreamStart,
    ) -> impl Future<Output = Result<CallContext, VoiceError>> + Send {
        // Twilio carries the token as a `<Parameter>`; Telnyx as the base64 `client_state` of
        // `streaming_start`.
        let presented = start
            .custom_parameters
            .get(STREAM_TOKEN_PARAMETER)
            .cloned()
            .or_else(|| start.client_state.as_deref().and_then(decode_client_state))
            .map(|t| token::hash(&t));
        let state = self.state.clone();
        let runtime = self.runtime.clone();
        async move {
            let store = &state.store;
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
                kind @ ("agent" | "remote") => {
                    let control = if kind == "remote" {
                        Control::Remote
                    } else {
                        Control::Agent
                    };
                    let (brain, started) =
                        start_agent_call(&state, &grant.tenant_id, &grant.call_id, control)
                            .await
                            .map_err(|error| {
                                tracing::warn!(call_id = %grant.call_id, %error, "the agent call could not start");
                                VoiceError::Rejected(error.to_string())
                            })?;
                    *runtime.lock().expect("runtime slot") = Some(started);
                    brain
                }
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

fn decode_client_state(state: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(state)
        .ok()?;
    String::from_utf8(bytes).ok()
}
