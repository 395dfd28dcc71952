//! One session's driver task: client events out, server events in, the response deadlines,
//! and a prompt close on cancel.

use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

use super::config::PROVIDER;
use super::errors;
use super::events::RealtimeEvent;
use super::server_events::{Incoming, Reader};
use super::stream::{Command, DriverEnds};
use crate::error::Phase;
use crate::tts::ApiKey;
use crate::tts::ws::WsStream;
use crate::{ProviderError, Timeouts};

type Sink = SplitSink<WsStream, Message>;

/// How long a polite close may take: the close frame out, the server's close back.
const CLOSE_WAIT: Duration = Duration::from_secs(1);
/// The bound on a close frame when cancelling: a dead peer must not stall a hang-up.
const GOODBYE: Duration = Duration::from_millis(250);

pub(crate) struct Driver {
    ends: DriverEnds,
    reader: Reader,
    key: ApiKey,
    timeouts: Timeouts,
    /// The server answers each finished turn by itself.
    auto_response: bool,
    /// Responses asked for (by us or by a finished turn) and not yet started.
    owed: u32,
    /// The armed response deadline: since when, in which phase.
    watch: Option<(Instant, Phase)>,
    closing_until: Option<Instant>,
    inputs_gone: bool,
}

enum End {
    Closed,
    Failed(ProviderError),
    Cancelled,
}

impl Driver {
    pub(crate) fn new(
        ends: DriverEnds,
        reader: Reader,
        key: ApiKey,
        timeouts: Timeouts,
        auto_response: bool,
    ) -> Self {
        Self {
            ends,
            reader,
            key,
            timeouts,
            auto_response,
            owed: 0,
            watch: None,
            closing_until: None,
            inputs_gone: false,
        }
    }

    pub(crate) async fn run(mut self, socket: WsStream) {
        let (mut sink, mut source) = socket.split();
        let end = loop {
            let deadline = self.deadline();
            let step = tokio::select! {
                biased;
                () = self.ends.cancel.cancelled() => Err(End::Cancelled),
                message = source.next() => self.on_message(message).await,
                command = self.ends.commands.recv(), if !self.inputs_gone && self.closing_until.is_none() => {
                    self.on_command(command, &mut sink).await
                }
                phase = sleep_until(deadline) => Err(self.expired(phase)),
            };
            if let Err(end) = step {
                break end;
            }
        };
        match end {
            End::Closed => {
                let usage = self.ends.meter.usage();
                self.ends.emit(Ok(RealtimeEvent::Closed { usage })).await;
            }
            End::Failed(error) => {
                tracing::warn!(provider = PROVIDER, %error, "realtime session failed");
                goodbye(&mut sink).await;
                self.ends.emit(Err(error)).await;
            }
            End::Cancelled => goodbye(&mut sink).await,
        }
    }

    /// The response deadline, or the close deadline while closing.
    fn deadline(&self) -> Option<(Instant, Phase)> {
        if let Some(until) = self.closing_until {
            return Some((until, Phase::Idle));
        }
        let (since, phase) = self.watch?;
        let limit = match phase {
            Phase::Idle => self.timeouts.idle,
            _ => self.timeouts.first_byte,
        };
        Some((since + limit, phase))
    }

    fn expired(&self, phase: Phase) -> End {
        if self.closing_until.is_some() {
            return End::Closed;
        }
        End::Failed(ProviderError::Timeout {
            provider: PROVIDER,
            phase,
            after: match phase {
                Phase::Idle => self.timeouts.idle,
                _ => self.timeouts.first_byte,
            },
        })
    }

    async fn on_message(
        &mut self,
        message: Option<Result<Message, tungstenite::Error>>,
    ) -> Result<(), End> {
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => {
                if self.closing_until.is_some() {
                    return Err(End::Closed);
                }
                let (code, reason) = frame
                    .map(|f| (u16::from(f.code), f.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                return Err(End::Failed(crate::tts::errors::from_close(
                    PROVIDER, code, &reason, &self.key,
                )));
            }
            Some(Ok(_)) => return Ok(()),
            Some(Err(_)) | None if self.closing_until.is_some() => return Err(End::Closed),
            Some(Err(e)) => return Err(End::Failed(errors::dropped(Some(&e)))),
            None => return Err(End::Failed(errors::dropped(None))),
        };
        let event = match self.reader.read(text.as_str(), &self.key) {
            Ok(Incoming::Event(event)) => event,
            Ok(Incoming::SessionUpdated | Incoming::Skip) => {
                self.heard();
                return Ok(());
            }
            Err(error) => {
                tracing::warn!(provider = PROVIDER, %error, "skipping an unreadable server event");
                return Ok(());
            }
        };
        self.track(&event);
        if self.ends.emit(Ok(event)).await {
            Ok(())
        } else {
            Err(End::Cancelled)
        }
    }

    /// Any server event keeps an audio stream alive.
    fn heard(&mut self) {
        if let Some((since, Phase::Idle)) = self.watch.as_mut() {
            *since = Instant::now();
        }
    }

    /// Moves the response deadlines and the meter along with an event.
    fn track(&mut self, event: &RealtimeEvent) {
        let now = Instant::now();
        self.heard();
        match event {
            RealtimeEvent::SpeechStopped { .. } if self.auto_response => self.owe(),
            RealtimeEvent::ResponseStarted { .. } => self.owed = self.owed.saturating_sub(1),
            RealtimeEvent::AudioDelta { .. } => self.watch = Some((now, Phase::Idle)),
            RealtimeEvent::ResponseDone { usage, .. } => {
                self.ends.meter.tokens(usage);
                self.watch = (self.owed > 0).then_some((now, Phase::FirstByte));
            }
            // A refused `response.create` owes nothing.
            RealtimeEvent::Error(_) if matches!(self.watch, Some((_, Phase::FirstByte))) => {
                self.owed = self.owed.saturating_sub(1);
                if self.owed == 0 {
                    self.watch = None;
                }
            }
            _ => {}
        }
    }

    fn owe(&mut self) {
        self.owed += 1;
        if self.watch.is_none() {
            self.watch = Some((Instant::now(), Phase::FirstByte));
        }
    }

    async fn on_command(&mut self, command: Option<Command>, sink: &mut Sink) -> Result<(), End> {
        match command {
            None => {
                self.inputs_gone = true;
                Ok(())
            }
            Some(Command::Send {
                event,
                requests_response,
            }) => {
                if requests_response {
                    self.owe();
                }
                sink.send(Message::text(event))
                    .await
                    .map_err(|e| End::Failed(errors::dropped(Some(&e))))
            }
            Some(Command::Close) => {
                self.closing_until = Some(Instant::now() + CLOSE_WAIT);
                let frame = CloseFrame {
                    code: CloseCode::Normal,
                    reason: "".into(),
                };
                match timeout(CLOSE_WAIT, sink.send(Message::Close(Some(frame)))).await {
                    Ok(Ok(())) => Ok(()),
                    _ => Err(End::Closed),
                }
            }
        }
    }
}

/// Sleeps until the deadline, or forever without one.
async fn sleep_until(deadline: Option<(Instant, Phase)>) -> Phase {
    match deadline {
        Some((at, phase)) => {
            tokio::time::sleep_until(at).await;
            phase
        }
        None => std::future::pending().await,
    }
}

/// A normal close frame, waiting at most [`GOODBYE`].
async fn goodbye(sink: &mut Sink) {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let _ = timeout(GOODBYE, sink.send(Message::Close(Some(frame)))).await;
}
