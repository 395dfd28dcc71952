//! The authentication hook: the server decides, from the carrier's `start`, whether a stream
//! belongs to a call it placed or answered, and which brain runs it.
//!
//! The one-time stream token travels in `start` (Twilio `customParameters`, Telnyx
//! `custom_parameters`), not in the upgrade request, so authentication happens inside the
//! session, right after `start`.

use std::future::Future;
use std::sync::Arc;

use switchboard_telephony::media::StreamStart;

use crate::VoiceError;
use crate::brain::BrainSpec;

/// Who the stream is, once authenticated.
#[derive(Debug)]
pub struct CallContext {
    /// The platform's call id (`call_...`), used in logs and the report.
    pub call_id: String,
    /// The brain that runs the conversation.
    pub brain: BrainSpec,
}

impl CallContext {
    /// A context for `call_id` run by `brain`.
    pub fn new(call_id: impl Into<String>, brain: BrainSpec) -> Self {
        CallContext {
            call_id: call_id.into(),
            brain,
        }
    }
}

/// Decides whether a stream may run.
///
/// Return [`VoiceError::Rejected`] for a bad or spent token (closes with 1008 and the reason)
/// and [`VoiceError::AuthUnavailable`] when the answer cannot be known (closes with 1011;
/// the detail is only logged). Implementations may use `async fn`.
pub trait StreamAuthenticator: Send + Sync {
    /// Checks the stream described by `start`.
    fn authenticate(
        &self,
        start: &StreamStart,
    ) -> impl Future<Output = Result<CallContext, VoiceError>> + Send;
}

impl<A: StreamAuthenticator> StreamAuthenticator for Arc<A> {
    fn authenticate(
        &self,
        start: &StreamStart,
    ) -> impl Future<Output = Result<CallContext, VoiceError>> + Send {
        (**self).authenticate(start)
    }
}

/// An authenticator from an async closure that takes its own copy of the `start`.
///
/// ```
/// use switchboard_voice::{BrainSpec, CallContext, VoiceError, auth_fn};
/// let auth = auth_fn(|start| async move {
///     match start.custom_parameters.get("token").map(String::as_str) {
///         Some("secret") => Ok(CallContext::new("call_1", BrainSpec::Echo)),
///         _ => Err(VoiceError::Rejected("invalid stream token".into())),
///     }
/// });
/// # let _ = auth;
/// ```
pub fn auth_fn<F, Fut>(f: F) -> FnAuthenticator<F>
where
    F: Fn(StreamStart) -> Fut + Send + Sync,
    Fut: Future<Output = Result<CallContext, VoiceError>> + Send,
{
    FnAuthenticator(f)
}

/// See [`auth_fn`].
#[derive(Debug, Clone)]
pub struct FnAuthenticator<F>(F);

impl<F, Fut> StreamAuthenticator for FnAuthenticator<F>
where
    F: Fn(StreamStart) -> Fut + Send + Sync,
    Fut: Future<Output = Result<CallContext, VoiceError>> + Send,
{
    fn authenticate(
        &self,
        start: &StreamStart,
    ) -> impl Future<Output = Result<CallContext, VoiceError>> + Send {
        (self.0)(start.clone())
    }
}
