//! The crate's one error type.

use crate::brain::TurnId;

/// What can go wrong at the engine's public surface.
///
/// Session *outcomes* (socket closed, idle timeout, rejected stream) are not errors: they are
/// [`EndReason`](crate::EndReason)s in the [`SessionReport`](crate::SessionReport).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoiceError {
    /// A [`SessionConfig`](crate::SessionConfig) value is out of range.
    #[error("invalid session config: {0}")]
    InvalidConfig(String),

    /// The authenticator refused the stream. The reason is sent to the carrier in the
    /// WebSocket close frame (code 1008), so keep it short and free of secrets.
    #[error("stream rejected: {0}")]
    Rejected(String),

    /// The authenticator could not decide (database down, say). The detail is logged, never
    /// sent; the socket closes with 1011.
    #[error("authentication unavailable: {0}")]
    AuthUnavailable(String),

    /// The turn was cancelled (barge-in, or the session is ending); stop producing its audio.
    #[error("turn {0} was cancelled")]
    TurnCancelled(TurnId),

    /// The session has ended; nothing more can be sent.
    #[error("the session has ended")]
    SessionEnded,
}
