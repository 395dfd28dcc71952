//! The transport boundary: WebSocket messages as the engine sees them.
//!
//! The engine owns these types so it depends on no web framework. The server adapts its
//! socket (axum's `WebSocket`, split into a stream and a sink) with a `map` on the stream and
//! a `with` on the sink; tests use in-memory channels.
//!
//! The adapter answers pings itself (axum and tungstenite do), so there is no outbound pong.

/// A close frame: code and a short reason (at most 123 bytes on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    /// RFC 6455 status code, see [`close_code`].
    pub code: u16,
    /// Human-readable reason.
    pub reason: String,
}

/// A message received from the carrier. The end of the stream (`None`) means the socket is gone.
///
/// `T` is the transport's own text type, read through `Deref<Target = str>`: axum's
/// `Utf8Bytes` passes straight through, so inbound frames cost no copy on the way in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsIn<T = String> {
    /// A text frame: every carrier message is JSON text.
    Text(T),
    /// A binary frame; carriers send none, so it is counted and ignored.
    Binary(Vec<u8>),
    /// A ping (the adapter has already answered it).
    Ping(Vec<u8>),
    /// The answer to one of our pings.
    Pong(Vec<u8>),
    /// The peer closed the socket.
    Close(Option<CloseFrame>),
}

/// A message to send to the carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsOut {
    /// A text frame (media, mark or clear JSON).
    Text(String),
    /// A keep-alive ping; a live peer answers with a pong.
    Ping(Vec<u8>),
    /// Close the socket with this code and reason.
    Close(CloseFrame),
}

/// WebSocket close codes the engine uses (RFC 6455 §7.4.1).
pub mod close_code {
    /// The call ended normally (our hang-up, or after the carrier's `stop`).
    pub const NORMAL: u16 = 1000;
    /// The server is going away, or the peer went silent (idle timeout).
    pub const GOING_AWAY: u16 = 1001;
    /// The stream's audio format is one the engine cannot handle.
    pub const UNSUPPORTED_DATA: u16 = 1003;
    /// Policy violation: rejected stream token, no `start` in time, media before `start`.
    pub const POLICY_VIOLATION: u16 = 1008;
    /// An internal failure (the authenticator could not decide, a task failed).
    pub const INTERNAL_ERROR: u16 = 1011;
}

/// Longest close reason a control frame can carry: 125 payload bytes minus the 2-byte code.
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

impl CloseFrame {
    /// A close frame, with `reason` cut to [`MAX_CLOSE_REASON_BYTES`] on a char boundary.
    pub fn new(code: u16, reason: &str) -> Self {
        let mut end = reason.len().min(MAX_CLOSE_REASON_BYTES);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        CloseFrame {
            code,
            reason: reason[..end].to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_reasons_are_cut_on_a_char_boundary() {
        let long = "é".repeat(100); // 200 bytes
        let frame = CloseFrame::new(close_code::POLICY_VIOLATION, &long);
        assert_eq!(frame.reason.len(), 122);
        assert!(frame.reason.chars().all(|c| c == 'é'));
        assert_eq!(CloseFrame::new(1000, "bye").reason, "bye");
    }
}
