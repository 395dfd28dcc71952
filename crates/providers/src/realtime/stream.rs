//! The handle of one realtime session: an input half (audio and control in) and an output
//! half (events out), each usable from its own task. A driver task owns the socket; dropping
//! both halves cancels it, which closes the socket at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::client_events;
use super::config::mulaw_duration;
use super::events::{RealtimeEvent, TokenUsage};
use crate::{ProviderError, Usage};

/// Client events queued for the driver: 50 audio frames of 20 ms are one second. The bound
/// is the back-pressure: a stalled socket makes `send_audio` wait instead of growing a queue.
const COMMANDS: usize = 64;
/// Events queued for the reader.
const EVENTS: usize = 64;

/// What the input half asks of the driver, in order.
#[derive(Debug)]
pub(crate) enum Command {
    /// A client event as JSON text. `requests_response` when the server owes a response.
    Send {
        event: String,
        requests_response: bool,
    },
    /// End the session politely.
    Close,
}

/// Running totals for metering, shared by both halves and the driver.
#[derive(Debug, Default)]
pub(crate) struct Meter {
    audio_bytes: AtomicU64,
    input_tokens: AtomicU64,
    output_tokens: AtomicU64,
}

impl Meter {
    pub(crate) fn tokens(&self, usage: &TokenUsage) {
        self.input_tokens
            .fetch_add(usage.input_tokens, Ordering::Relaxed);
        self.output_tokens
            .fetch_add(usage.output_tokens, Ordering::Relaxed);
    }

    /// Audio sent (as `audio_ms`) and tokens of every finished response.
    pub(crate) fn usage(&self) -> Usage {
        Usage {
            audio_ms: mulaw_duration(self.audio_bytes.load(Ordering::Relaxed)).as_millis() as u64,
            input_tokens: self.input_tokens.load(Ordering::Relaxed),
            output_tokens: self.output_tokens.load(Ordering::Relaxed),
            characters: 0,
        }
    }
}

/// The sending half: caller audio, barge-in, tool results.
#[derive(Debug, Clone)]
pub struct RealtimeInput {
    tx: mpsc::Sender<Command>,
    cancel: CancellationToken,
    meter: Arc<Meter>,
    _guard: Arc<DropGuard>,
}

/// The receiving half: [`RealtimeEvent`]s in server order.
#[derive(Debug)]
pub struct RealtimeOutput {
    rx: mpsc::Receiver<Result<RealtimeEvent, ProviderError>>,
    cancel: CancellationToken,
    meter: Arc<Meter>,
    _guard: Arc<DropGuard>,
}

/// A connected session. Dropping it (or both halves) cancels it.
#[derive(Debug)]
pub struct RealtimeStream {
    pub input: RealtimeInput,
    pub output: RealtimeOutput,
}

/// The driver's ends of a session's channels.
pub(crate) struct DriverEnds {
    pub commands: mpsc::Receiver<Command>,
    pub events: mpsc::Sender<Result<RealtimeEvent, ProviderError>>,
    pub cancel: CancellationToken,
    pub meter: Arc<Meter>,
}

impl DriverEnds {
    /// Hands an event to the reader; `false` when nobody listens any more or the session was
    /// cancelled meanwhile (a full queue never delays a cancel).
    pub async fn emit(&self, event: Result<RealtimeEvent, ProviderError>) -> bool {
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => false,
            sent = self.events.send(event) => sent.is_ok(),
        }
    }
}

/// A new session handle and the ends its driver works with.
pub(crate) fn stream_pair() -> (RealtimeStream, DriverEnds) {
    let (tx, commands) = mpsc::channel(COMMANDS);
    let (events, rx) = mpsc::channel(EVENTS);
    let cancel = CancellationToken::new();
    let meter = Arc::new(Meter::default());
    let guard = Arc::new(cancel.clone().drop_guard());
    let stream = RealtimeStream {
        input: RealtimeInput {
            tx,
            cancel: cancel.clone(),
            meter: meter.clone(),
            _guard: guard.clone(),
        },
        output: RealtimeOutput {
            rx,
            cancel: cancel.clone(),
            meter: meter.clone(),
            _guard: guard,
        },
    };
    let ends = DriverEnds {
        commands,
        events,
        cancel,
        meter,
    };
    (stream, ends)
}

impl RealtimeStream {
    pub fn split(self) -> (RealtimeInput, RealtimeOutput) {
        (self.input, self.output)
    }
}

impl RealtimeInput {
    /// Sends caller audio, mu-law 8 kHz, as `input_audio_buffer.append`. Waits while the
    /// queue is full.
    pub async fn send_audio(&self, mulaw: &[u8]) -> Result<(), ProviderError> {
        self.append(&STANDARD.encode(mulaw), mulaw.len() as u64)
            .await
    }

    /// Sends audio that is already base64 mu-law (a Twilio `media.payload`) unchanged.
    pub async fn send_audio_base64(&self, payload: &str) -> Result<(), ProviderError> {
        let padding = payload.bytes().rev().take_while(|&b| b == b'=').count();
        let bytes = (payload.len() / 4 * 3).saturating_sub(padding);
        self.append(payload, bytes as u64).await
    }

    /// Barge-in: cuts the assistant item `item_id` after the audio the caller actually heard
    /// (`audio_end_ms` = min(playback time, audio length)).
    pub async fn truncate(
        &self,
        item_id: &str,
        content_index: u32,
        audio_end_ms: u64,
    ) -> Result<(), ProviderError> {
        let event = client_events::truncate(item_id, content_index, audio_end_ms);
        self.send(event, false).await
    }

    /// Stops the response in progress (`response.cancel`).
    pub async fn cancel_response(&self) -> Result<(), ProviderError> {
        self.send(client_events::cancel_response(), false).await
    }

    /// Answers a [`RealtimeEvent::FunctionCall`] and asks the model to go on.
    pub async fn send_tool_result(&self, call_id: &str, output: &str) -> Result<(), ProviderError> {
        self.send(client_events::tool_result(call_id, output), false)
            .await?;
        self.send(client_events::create_response(None), true).await
    }

    /// Asks for a response now (a greeting, or after a turn with automatic responses off),
    /// with instructions for this response only when given.
    pub async fn create_response(&self, instructions: Option<&str>) -> Result<(), ProviderError> {
        self.send(client_events::create_response(instructions), true)
            .await
    }

    /// Ends the session: the output half yields [`RealtimeEvent::Closed`] with the totals.
    pub async fn close(&self) -> Result<(), ProviderError> {
        self.command(Command::Close).await
    }

    /// Stops at once (hang-up): the socket closes without waiting for anything.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Audio sent so far and tokens of finished responses.
    pub fn usage(&self) -> Usage {
        self.meter.usage()
    }

    /// How long the audio sent so far plays for.
    pub fn audio_sent(&self) -> Duration {
        Duration::from_millis(self.meter.usage().audio_ms)
    }

    async fn append(&self, base64_audio: &str, bytes: u64) -> Result<(), ProviderError> {
        self.send(client_events::append(base64_audio), false)
            .await?;
        self.meter.audio_bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(())
    }

    async fn send(&self, event: String, requests_response: bool) -> Result<(), ProviderError> {
        self.command(Command::Send {
            event,
            requests_response,
        })
        .await
    }

    async fn command(&self, command: Command) -> Result<(), ProviderError> {
        crate::cancellable::send(&self.tx, &self.cancel, command).await
    }
}

impl RealtimeOutput {
    /// The next event; `None` once the session has ended (after `Closed`, a fatal error or a
    /// cancel).
    pub async fn next(&mut self) -> Option<Result<RealtimeEvent, ProviderError>> {
        crate::cancellable::recv(&mut self.rx, &self.cancel).await
    }

    /// Same as [`RealtimeInput::cancel`].
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Same as [`RealtimeInput::usage`].
    pub fn usage(&self) -> Usage {
        self.meter.usage()
    }
}
