use switchboard_store::StoreError;
use switchboard_telephony::carrier::CarrierError;

use super::registry::CarrierLookupError;

/// Why a telephony request (a call, a number, a text) could not be done. Mapped to HTTP in
/// `http::error`.
#[derive(Debug, thiserror::Error)]
pub enum TelephonyError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(
        "calls and texts to {0} are not allowed on this server (telephony.allowed_destinations)"
    )]
    DestinationNotAllowed(String),
    #[error("your tenant already has {limit} live calls, the most it may have at once")]
    TooManyCalls { limit: u32 },
    #[error("{0} has opted out of texts from this number (they replied STOP)")]
    OptedOut(String),
    #[error(transparent)]
    Lookup(#[from] CarrierLookupError),
    #[error(transparent)]
    Carrier(#[from] CarrierError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TelephonyError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        TelephonyError::Invalid {
            field,
            message: message.into(),
        }
    }
}
