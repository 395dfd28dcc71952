//! Why a call could not start. Once the socket is open every failure is part of the
//! [`CallReport`](super::CallReport) instead.

use tokio_tungstenite::tungstenite;

#[derive(Debug, thiserror::Error)]
pub enum CallerError {
    /// The URL, a header or the pace cannot make a call.
    #[error("invalid caller configuration: {0}")]
    Config(String),
    /// The server answered the upgrade with something other than 101 (Twilio error 31920).
    #[error("the server refused the WebSocket upgrade with HTTP {status}")]
    Rejected { status: u16, body: String },
    /// TCP or WebSocket failure before the stream opened (boxed: the error is large).
    #[error("cannot connect: {0}")]
    Connect(#[source] Box<tungstenite::Error>),
}

impl From<tungstenite::Error> for CallerError {
    fn from(error: tungstenite::Error) -> Self {
        match error {
            tungstenite::Error::Http(response) => CallerError::Rejected {
                status: response.status().as_u16(),
                body: response
                    .body()
                    .as_deref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            },
            tungstenite::Error::Url(e) => CallerError::Config(e.to_string()),
            other => CallerError::Connect(Box::new(other)),
        }
    }
}
