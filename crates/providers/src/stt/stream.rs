//! The streaming-STT role: a trait object that opens streams, and the stream handle every
//! implementation returns.
//!
//! A stream is a driver task behind two bounded channels. Audio and control messages share
//! one channel so a `Finalize` or `CloseStream` is seen after the audio pushed before it;
//! the channel's bound is the backpressure (a slow provider makes `send_audio` wait rather
//! than letting a queue grow). Events come back on a second bounded channel. The handle
//! splits into [`SttSender`] and [`SttEvents`] so the media task and the turn logic can each
//! own their half.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::events::SttEvent;
use super::options::StreamOptions;
use crate::ProviderError;

/// Commands buffered between the caller and a stream's driver: 50 frames of 20 ms = 1 s.
pub const COMMAND_CAPACITY: usize = 50;
/// Events buffered between a stream's driver and its reader.
pub const EVENT_CAPACITY: usize = 64;

/// A speech-to-text provider that transcribes a live stream. Object safe: a fallback chain
/// holds `Vec<Arc<dyn StreamingStt>>`.
pub trait StreamingStt: Send + Sync {
    /// A label for logs and switch records (e.g. `deepgram`, `whisper-local`).
    fn name(&self) -> &str;

    /// Connects and returns a running stream; fails fast (within the connect timeout) when the
    /// provider refuses or cannot be reached.
    fn open(&self, options: StreamOptions) -> BoxFuture<'_, Result<SttStream, ProviderError>>;
}

/// What the caller asks of the driver, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Audio in the stream's encoding. `Bytes` so the driver hands it to the socket uncopied.
    Audio(Bytes),
    /// Keep an idle connection open. Drivers also send these on their own when no audio flows.
    KeepAlive,
    /// Flush: transcribe everything sent so far now.
    Finalize,
    /// Flush, report the remaining results and close normally.
    CloseStream,
}

/// The pushing half of a stream.
#[derive(Debug, Clone)]
pub struct SttSender {
    commands: mpsc::Sender<Command>,
    cancel: CancellationToken,
    audio_bytes: Arc<AtomicU64>,
    options: Arc<StreamOptions>,
}

/// The receiving half of a stream: events in provider order; after an error or
/// [`SttEvent::Closed`] it yields `None`.
#[derive(Debug)]
pub struct SttEvents {
    events: mpsc::Receiver<Result<SttEvent, ProviderError>>,
}

/// A running transcription. Dropping it (or both halves) cancels the driver, which closes the
/// connection at once.
#[derive(Debug)]
pub struct SttStream {
    pub sender: SttSender,
    pub events: SttEvents,
    guard: DropGuard,
}

/// The driver's ends of a new stream's channels; for implementations of [`StreamingStt`].
#[derive(Debug)]
pub struct DriverEnds {
    pub commands: mpsc::Receiver<Command>,
    pub events: mpsc::Sender<Result<SttEvent, ProviderError>>,
    /// Cancelled when the caller cancels or drops the stream.
    pub cancel: CancellationToken,
    /// Audio bytes the caller has pushed so far.
    pub audio_bytes: Arc<AtomicU64>,
}

impl SttStream {
    /// A new stream handle and the ends its driver task uses.
    pub fn new(options: StreamOptions) -> (Self, DriverEnds) {
        let (command_tx, command_rx) = mpsc::channel(COMMAND_CAPACITY);
        let (event_tx, event_rx) = mpsc::channel(EVENT_CAPACITY);
        let cancel = CancellationToken::new();
        let audio_bytes = Arc::new(AtomicU64::new(0));
        let stream = Self {
            sender: SttSender {
                commands: command_tx,
                cancel: cancel.clone(),
                audio_bytes: audio_bytes.clone(),
                options: Arc::new(options),
            },
            events: SttEvents { events: event_rx },
            guard: cancel.clone().drop_guard(),
        };
        let ends = DriverEnds {
            commands: command_rx,
            events: event_tx,
            cancel,
            audio_bytes,
        };
        (stream, ends)
    }

    /// Splits into the two halves. The returned guard cancels the stream when dropped; keep it
    /// as long as the stream should run.
    pub fn split(self) -> (SttSender, SttEvents, DropGuard) {
        (self.sender, self.events, self.guard)
    }

    /// Next event; see [`SttEvents::recv`].
    pub async fn recv(&mut self) -> Option<Result<SttEvent, ProviderError>> {
        self.events.recv().await
    }
}

impl SttSender {
    /// Queues audio, waiting while the queue is full (backpressure). Fails once the stream has
    /// ended; the reason is on the event side.
    pub async fn send_audio(&self, audio: Bytes) -> Result<(), ProviderError> {
        let len = audio.len() as u64;
        self.send(Command::Audio(audio)).await?;
        self.audio_bytes.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// Copies one frame and queues it: the one allocation is the buffer the WebSocket frame
    /// needs anyway.
    pub async fn send_frame(&self, frame: &[u8]) -> Result<(), ProviderError> {
        self.send_audio(Bytes::copy_from_slice(frame)).await
    }

    pub async fn keep_alive(&self) -> Result<(), ProviderError> {
        self.send(Command::KeepAlive).await
    }

    pub async fn finalize(&self) -> Result<(), ProviderError> {
        self.send(Command::Finalize).await
    }

    /// Asks for a clean end: remaining results, metadata, then [`SttEvent::Closed`].
    pub async fn close(&self) -> Result<(), ProviderError> {
        self.send(Command::CloseStream).await
    }

    /// Stops at once (barge-in, hang-up): the connection closes without waiting for results.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Audio pushed so far, as playing time.
    pub fn audio_sent(&self) -> Duration {
        self.options
            .audio_duration(self.audio_bytes.load(Ordering::Relaxed))
    }

    /// The options the stream was opened with.
    pub fn options(&self) -> &StreamOptions {
        &self.options
    }

    async fn send(&self, command: Command) -> Result<(), ProviderError> {
        if self.cancel.is_cancelled() {
            return Err(ProviderError::Cancelled);
        }
        self.commands
            .send(command)
            .await
            .map_err(|_| ProviderError::Upstream {
                provider: "stt",
                message: "the stream has ended".into(),
            })
    }
}

impl SttEvents {
    /// Next event, or `None` once the stream has ended (after `Closed` or an error).
    pub async fn recv(&mut self) -> Option<Result<SttEvent, ProviderError>> {
        self.events.recv().await
    }
}

impl DriverEnds {
    /// Sends an event; `false` when the reader is gone (the driver should stop).
    pub async fn emit(&self, event: Result<SttEvent, ProviderError>) -> bool {
        self.events.send(event).await.is_ok()
    }

    /// Audio pushed so far, in milliseconds of `options`' format.
    pub fn audio_ms(&self, options: &StreamOptions) -> u64 {
        options
            .audio_duration(self.audio_bytes.load(Ordering::Relaxed))
            .as_millis() as u64
    }
}
