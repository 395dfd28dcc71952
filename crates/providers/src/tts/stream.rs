//! The handle of one synthesis: an input half (text in) and an output half (audio out), each
//! usable from its own task. A driver task per stream owns the provider connection.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::ProviderError;

use super::types::TtsEvent;

/// Text and control messages from the engine to a stream's driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextCommand {
    Text(String),
    /// Generate what is buffered now (the end of a clause the caller should hear promptly).
    Flush,
    /// No more text: finish generating, then end the stream with `Final`.
    Close,
}

/// Buffer sizes: text commands are few and small; audio chunks are bounded so a slow reader
/// applies back-pressure to the provider connection instead of growing a queue.
const COMMANDS: usize = 64;
const EVENTS: usize = 32;

/// The text side of a stream.
#[derive(Debug, Clone)]
pub struct TtsInput {
    tx: mpsc::Sender<TextCommand>,
    cancel: CancellationToken,
    _guard: Arc<DropGuard>,
}

/// The audio side of a stream.
#[derive(Debug)]
pub struct TtsOutput {
    rx: mpsc::Receiver<Result<TtsEvent, ProviderError>>,
    cancel: CancellationToken,
    _guard: Arc<DropGuard>,
}

/// One synthesis. Dropping both halves cancels it, like [`TtsStream::cancel`].
#[derive(Debug)]
pub struct TtsStream {
    pub input: TtsInput,
    pub output: TtsOutput,
}

/// The driver's ends of a stream.
pub(crate) struct DriverEnds {
    pub commands: mpsc::Receiver<TextCommand>,
    pub events: mpsc::Sender<Result<TtsEvent, ProviderError>>,
    pub cancel: CancellationToken,
}

impl DriverEnds {
    /// Hands an event to the engine; `false` when nobody listens any more (stop driving).
    pub async fn emit(&self, event: Result<TtsEvent, ProviderError>) -> bool {
        self.events.send(event).await.is_ok()
    }
}

/// A new stream and the ends its driver task works with.
pub(crate) fn stream_pair() -> (TtsStream, DriverEnds) {
    let (tx, commands) = mpsc::channel(COMMANDS);
    let (events, rx) = mpsc::channel(EVENTS);
    let cancel = CancellationToken::new();
    let guard = Arc::new(cancel.clone().drop_guard());
    let stream = TtsStream {
        input: TtsInput {
            tx,
            cancel: cancel.clone(),
            _guard: guard.clone(),
        },
        output: TtsOutput {
            rx,
            cancel: cancel.clone(),
            _guard: guard,
        },
    };
    (
        stream,
        DriverEnds {
            commands,
            events,
            cancel,
        },
    )
}

impl TtsInput {
    /// Queues a piece of text (a clause, a sentence). Whitespace is kept as given; clients
    /// add what their provider needs (ElevenLabs wants a trailing space).
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), ProviderError> {
        self.send(TextCommand::Text(text.into())).await
    }

    /// Asks the provider to generate what it has buffered now.
    pub async fn flush(&self) -> Result<(), ProviderError> {
        self.send(TextCommand::Flush).await
    }

    /// Ends the input: the remaining audio follows, then `Final`.
    pub async fn close(&self) -> Result<(), ProviderError> {
        self.send(TextCommand::Close).await
    }

    /// Barge-in: stops generation and closes the upstream connection (or context) promptly.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    async fn send(&self, command: TextCommand) -> Result<(), ProviderError> {
        crate::cancellable::send(&self.tx, &self.cancel, command).await
    }
}

impl TtsOutput {
    /// The next event; `None` once the stream has ended (after `Final`, an error or a cancel).
    pub async fn next(&mut self) -> Option<Result<TtsEvent, ProviderError>> {
        crate::cancellable::recv(&mut self.rx, &self.cancel).await
    }

    /// Same as [`TtsInput::cancel`].
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Reads to the end: all audio concatenated, and the final usage. For one-shot use and
    /// tests; the call path reads chunk by chunk.
    pub async fn collect(mut self) -> Result<(Vec<u8>, crate::Usage), ProviderError> {
        let mut audio = Vec::new();
        while let Some(event) = self.next().await {
            match event? {
                TtsEvent::Audio(chunk) => audio.extend_from_slice(&chunk.mulaw),
                TtsEvent::Final { usage } => return Ok((audio, usage)),
                TtsEvent::Flushed | TtsEvent::ProviderSwitched(_) => {}
            }
        }
        Err(ProviderError::Cancelled)
    }
}

impl TtsStream {
    pub fn split(self) -> (TtsInput, TtsOutput) {
        (self.input, self.output)
    }

    pub fn cancel(&self) {
        self.input.cancel();
    }
}
