use std::time::Duration;

/// Time limits for one carrier REST request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CarrierTimeouts {
    pub connect: Duration,
    /// The whole exchange, from sending the request to the last byte of the reply.
    pub request: Duration,
    /// The whole exchange of a recording download (files of a long call are large).
    pub download: Duration,
}

impl Default for CarrierTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(15),
            download: Duration::from_secs(120),
        }
    }
}

/// A carrier client cannot be built from this configuration. The message names the field,
/// never its value.
#[derive(Debug, thiserror::Error)]
#[error("invalid carrier configuration: {0}")]
pub struct ConfigError(pub String);
