//! The one error type of the media-stream parsing layer.

/// Why a carrier message could not be parsed or its audio decoded.
///
/// Messages name the offending field by its wire path (`media.chunk`,
/// `start.mediaFormat.sampleRate`) so a log line is enough to see what the
/// carrier sent. Values quoted in messages are truncated: a multi-megabyte
/// payload never ends up in a log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is not JSON (or nests deeper than serde_json's recursion limit).
    #[error("malformed JSON: {0}")]
    Json(#[from] serde_json::Error),

    /// The frame is larger than [`MAX_MESSAGE_BYTES`](crate::media::MAX_MESSAGE_BYTES).
    #[error("message too large: {len} bytes, limit {limit}")]
    TooLarge { len: usize, limit: usize },

    /// The top level (or a nested part that must be an object) is some other JSON value.
    #[error("{field}: expected a JSON object, got {got}")]
    NotAnObject { field: &'static str, got: String },

    /// A field the event requires is absent (or `null`).
    #[error("missing field {field} in {event}")]
    MissingField {
        field: &'static str,
        event: &'static str,
    },

    /// A field is present with the wrong type or an unacceptable value.
    #[error("{field}: expected {expected}, got {got}")]
    InvalidField {
        field: &'static str,
        expected: &'static str,
        got: String,
    },

    /// A media payload is not valid base64.
    #[error("{field}: invalid base64: {source}")]
    Base64 {
        field: &'static str,
        #[source]
        source: base64::DecodeError,
    },

    /// A caller-provided output slice cannot hold the decoded audio.
    #[error("decoded audio does not fit the {capacity}-byte buffer")]
    BufferTooSmall { capacity: usize },
}
