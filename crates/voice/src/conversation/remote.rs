//! Remote control: a conversation whose words come from outside (the MCP endpoint, the API)
//! instead of an LLM. Commands queue up and each has an awaitable result.

use tokio::sync::{mpsc, oneshot};

/// The longest text one remote command may speak.
pub const MAX_SPOKEN_CHARS: usize = 4_000;

/// Text a remote command may speak: trimmed, not empty, at most [`MAX_SPOKEN_CHARS`].
pub fn spoken_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && text.chars().count() <= MAX_SPOKEN_CHARS).then(|| text.to_owned())
}

/// Commands waiting for the conversation; a caller that queues more waits.
const COMMAND_CAPACITY: usize = 16;

/// Why a remote command did not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    #[error("the call has ended")]
    CallEnded,
    #[error("the caller interrupted after hearing: {heard}")]
    Interrupted { heard: String },
}

pub(crate) enum Command {
    /// Say the text; done once it has played (or was cut off).
    Say {
        text: String,
        done: oneshot::Sender<Result<(), RemoteError>>,
    },
    /// Say the text, then answer with the caller's next turn.
    Ask {
        text: String,
        answer: oneshot::Sender<Result<String, RemoteError>>,
    },
    /// Say the text (if any), then hang up once it has played.
    HangUp {
        text: Option<String>,
        done: oneshot::Sender<Result<(), RemoteError>>,
    },
}

/// The handle that drives a remote-controlled conversation. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RemoteControl {
    tx: mpsc::Sender<Command>,
}

impl RemoteControl {
    pub(crate) fn channel() -> (RemoteControl, mpsc::Receiver<Command>) {
        let (tx, rx) = mpsc::channel(COMMAND_CAPACITY);
        (RemoteControl { tx }, rx)
    }

    /// Says `text`; returns once the caller has heard it. An interruption is an error that
    /// says what they heard.
    pub async fn say(&self, text: impl Into<String>) -> Result<(), RemoteError> {
        let (done, result) = oneshot::channel();
        self.send(Command::Say {
            text: text.into(),
            done,
        })
        .await?;
        result.await.unwrap_or(Err(RemoteError::CallEnded))
    }

    /// Says `text`, then returns what the caller says next.
    pub async fn ask(&self, text: impl Into<String>) -> Result<String, RemoteError> {
        let (answer, result) = oneshot::channel();
        self.send(Command::Ask {
            text: text.into(),
            answer,
        })
        .await?;
        result.await.unwrap_or(Err(RemoteError::CallEnded))
    }

    /// Says `text` (if any) and hangs up once it has played.
    pub async fn hang_up(&self, text: Option<String>) -> Result<(), RemoteError> {
        let (done, result) = oneshot::channel();
        self.send(Command::HangUp { text, done }).await?;
        result.await.unwrap_or(Err(RemoteError::CallEnded))
    }

    /// Whether the conversation is over (nothing will take commands any more).
    pub fn is_ended(&self) -> bool {
        self.tx.is_closed()
    }

    async fn send(&self, command: Command) -> Result<(), RemoteError> {
        self.tx
            .send(command)
            .await
            .map_err(|_| RemoteError::CallEnded)
    }
}
