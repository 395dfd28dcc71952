use std::time::Duration;

/// Why a carrier request failed. Messages never carry credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CarrierError {
    /// The carrier refused our credentials (Twilio 20003, VoIP.ms `invalid_credentials`).
    #[error("{carrier} refused the configured credentials")]
    Unauthorized { carrier: String },

    /// The call, number or message does not exist there (Twilio 20404, Telnyx 404).
    #[error("{carrier} does not know {what}")]
    NotFound { carrier: String, what: String },

    /// The recipient opted out of messages from this number (Twilio 21610).
    #[error("{to} has opted out of messages from this number")]
    OptedOut { to: String },

    /// The carrier understood the request and said no: its code and message, e.g. an
    /// invalid `To` (Twilio 21211) or a number that is no longer available.
    #[error("{carrier} refused the request ({code}): {message}")]
    Rejected {
        carrier: String,
        status: u16,
        code: String,
        message: String,
    },

    #[error("{carrier} is rate limiting us")]
    RateLimited {
        carrier: String,
        retry_after: Option<Duration>,
    },

    /// Network trouble, a timeout or a 5xx: worth retrying later.
    #[error("{carrier} is unavailable: {reason}")]
    Unavailable { carrier: String, reason: String },

    /// The carrier cannot do this at all (VoIP.ms voice needs SIP).
    #[error("{carrier} does not support {what}")]
    Unsupported { carrier: String, what: &'static str },

    /// The carrier answered something we could not read.
    #[error("{carrier} sent a reply we could not read: {reason}")]
    Protocol { carrier: String, reason: String },
}
