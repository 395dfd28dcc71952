//! The Deepgram live client (digest §1.1-§1.4): connects with the options as query
//! parameters and the key in `Authorization`, then a driver task moves audio and control
//! messages out and typed events in.

use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::config::{DeepgramConfig, PROVIDER};
use super::errors;
use super::wire::ServerMessage;
use crate::error::Phase;
use crate::stt::events::SttEvent;
use crate::stt::options::StreamOptions;
use crate::stt::stream::{Command, DriverEnds, StreamingStt, SttStream};
use crate::stt::tls;
use crate::{ProviderError, Usage};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const KEEPALIVE: &str = r#"{"type":"KeepAlive"}"#;
const FINALIZE: &str = r#"{"type":"Finalize"}"#;
const CLOSE_STREAM: &str = r#"{"type":"CloseStream"}"#;

/// Deepgram's live `/v1/listen` as a [`StreamingStt`].
#[derive(Debug, Clone)]
pub struct DeepgramLive {
    name: String,
    config: DeepgramConfig,
}

impl DeepgramLive {
    pub fn new(config: DeepgramConfig) -> Self {
        Self {
            name: PROVIDER.to_owned(),
            config,
        }
    }

    /// The same client under another label (two Deepgram accounts or regions in one chain).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    async fn connect(&self, options: StreamOptions) -> Result<SttStream, ProviderError> {
        let url = self.config.listen_url(&options, true)?;
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(errors::from_handshake)?;
        let auth = HeaderValue::from_str(&self.config.authorization()).map_err(|_| {
            ProviderError::BadRequest {
                provider: PROVIDER,
                status: 0,
                message: "the API key is not a valid header value".into(),
            }
        })?;
        request.headers_mut().insert("authorization", auth);
        let connector = (url.scheme() == "wss").then(tls::connector);
        let limit = self.config.timeouts.connect;
        let connecting = tokio_tungstenite::connect_async_tls_with_config(
            request,
            Some(crate::ws_config()),
            true,
            connector,
        );
        let (socket, _response) = timeout(limit, connecting)
            .await
            .map_err(|_| ProviderError::Timeout {
                provider: PROVIDER,
                phase: Phase::Connect,
                after: limit,
            })?
            .map_err(errors::from_handshake)?;
        let (stream, ends) = SttStream::new(options.clone());
        let driver = Driver::new(&self.config, options, ends);
        tokio::spawn(driver.run(socket));
        Ok(stream)
    }
}

impl StreamingStt for DeepgramLive {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self, options: StreamOptions) -> BoxFuture<'_, Result<SttStream, ProviderError>> {
        Box::pin(self.connect(options))
    }
}

/// One stream's state between the caller and the socket.
struct Driver {
    ends: DriverEnds,
    options: StreamOptions,
    keepalive_every: Duration,
    first_byte: Duration,
    idle: Duration,
    close_timeout: Duration,
    idle_watchdog: bool,
    /// When we last sent audio or a KeepAlive (the server's 10 s inactivity clock).
    last_sent: Instant,
    /// Since when audio has gone unanswered: armed by audio, cleared by any server message.
    awaiting_since: Option<Instant>,
    heard_back: bool,
    /// Deadline for the server's close after our `CloseStream`.
    closing_until: Option<Instant>,
    /// Every sender is gone: no more commands, but results still flow until cancelled.
    senders_gone: bool,
}

/// What ends a driver's loop.
enum End {
    Closed,
    Failed(ProviderError),
    /// The caller cancelled or went away; nobody is listening.
    Cancelled,
}

impl Driver {
    fn new(config: &DeepgramConfig, options: StreamOptions, ends: DriverEnds) -> Self {
        Self {
            ends,
            options,
            keepalive_every: config.keepalive_every,
            first_byte: config.timeouts.first_byte,
            idle: config.timeouts.idle,
            close_timeout: config.close_timeout,
            idle_watchdog: config.idle_watchdog,
            last_sent: Instant::now(),
            awaiting_since: None,
            heard_back: false,
            closing_until: None,
            senders_gone: false,
        }
    }

    async fn run(mut self, socket: Socket) {
        let (mut sink, mut source) = socket.split();
        let end = loop {
            let (wake, why) = self.next_deadline();
            let step = tokio::select! {
                biased;
                _ = self.ends.cancel.cancelled() => Err(End::Cancelled),
                message = source.next() => self.on_message(message).await,
                command = self.ends.commands.recv(), if self.closing_until.is_none() && !self.senders_gone => {
                    self.on_command(command, &mut sink).await
                }
                _ = sleep_until(wake) => self.on_deadline(why, &mut sink).await,
            };
            if let Err(end) = step {
                break end;
            }
        };
        match end {
            End::Closed => {
                let usage = Usage {
                    audio_ms: self.ends.audio_ms(&self.options),
                    ..Usage::default()
                };
                self.ends.emit(Ok(SttEvent::Closed { usage })).await;
            }
            End::Failed(error) => {
                close_quietly(&mut sink, CloseCode::Normal).await;
                self.ends.emit(Err(error)).await;
            }
            End::Cancelled => {
                close_quietly(&mut sink, CloseCode::Normal).await;
                let _ = self.ends.events.try_send(Err(ProviderError::Cancelled));
            }
        }
    }

    /// The earliest of: the next automatic KeepAlive, the response deadline, the close deadline.
    fn next_deadline(&self) -> (Instant, Deadline) {
        let mut next = (self.last_sent + self.keepalive_every, Deadline::KeepAlive);
        let (limit, phase) = if self.heard_back {
            (self.idle, Phase::Idle)
        } else {
            (self.first_byte, Phase::FirstByte)
        };
        if let Some(since) = self.awaiting_since
            && (self.idle_watchdog || !self.heard_back)
            && since + limit < next.0
        {
            next = (since + limit, Deadline::Response(phase, limit));
        }
        if let Some(until) = self.closing_until
            && until < next.0
        {
            next = (until, Deadline::Close);
        }
        next
    }

    async fn on_message(
        &mut self,
        message: Option<Result<Message, tungstenite::Error>>,
    ) -> Result<(), End> {
        match message {
            Some(Ok(Message::Text(text))) => {
                self.heard_back = true;
                self.awaiting_since = None;
                match serde_json::from_str::<ServerMessage>(text.as_str()) {
                    Ok(parsed) => {
                        if let Some(event) = parsed.into_event()
                            && !self.ends.emit(Ok(event)).await
                        {
                            return Err(End::Cancelled);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(provider = PROVIDER, error = %e, "skipping an unreadable message")
                    }
                }
                Ok(())
            }
            Some(Ok(Message::Close(frame))) => match frame {
                None => Err(End::Closed),
                Some(f) if f.code == CloseCode::Normal => Err(End::Closed),
                Some(f) => Err(End::Failed(errors::from_close(
                    f.code.into(),
                    f.reason.as_str(),
                ))),
            },
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(End::Failed(errors::dropped(Some(e)))),
            None => Err(End::Failed(errors::dropped(None))),
        }
    }

    async fn on_command(
        &mut self,
        command: Option<Command>,
        sink: &mut futures_util::stream::SplitSink<Socket, Message>,
    ) -> Result<(), End> {
        let message = match command {
            None => {
                self.senders_gone = true;
                return Ok(());
            }
            Some(Command::Audio(bytes)) => {
                if self.awaiting_since.is_none() {
                    self.awaiting_since = Some(Instant::now());
                }
                Message::Binary(bytes)
            }
            Some(Command::KeepAlive) => Message::text(KEEPALIVE),
            Some(Command::Finalize) => Message::text(FINALIZE),
            Some(Command::CloseStream) => {
                self.closing_until = Some(Instant::now() + self.close_timeout);
                Message::text(CLOSE_STREAM)
            }
        };
        self.last_sent = Instant::now();
        sink.send(message)
            .await
            .map_err(|e| End::Failed(errors::dropped(Some(e))))
    }

    async fn on_deadline(
        &mut self,
        why: Deadline,
        sink: &mut futures_util::stream::SplitSink<Socket, Message>,
    ) -> Result<(), End> {
        match why {
            Deadline::KeepAlive => {
                self.last_sent = Instant::now();
                sink.send(Message::text(KEEPALIVE))
                    .await
                    .map_err(|e| End::Failed(errors::dropped(Some(e))))
            }
            Deadline::Response(phase, after) => Err(End::Failed(ProviderError::Timeout {
                provider: PROVIDER,
                phase,
                after,
            })),
            Deadline::Close => Err(End::Failed(ProviderError::Timeout {
                provider: PROVIDER,
                phase: Phase::Idle,
                after: self.close_timeout,
            })),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Deadline {
    KeepAlive,
    Response(Phase, Duration),
    Close,
}

/// Sends a close frame without waiting long for the peer: cancellation must be prompt.
async fn close_quietly(
    sink: &mut futures_util::stream::SplitSink<Socket, Message>,
    code: CloseCode,
) {
    let frame = CloseFrame {
        code,
        reason: "".into(),
    };
    let _ = timeout(
        Duration::from_millis(200),
        sink.send(Message::Close(Some(frame))),
    )
    .await;
}
