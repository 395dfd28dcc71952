//! One call over the WebSocket: the send loop, the reader task and the hang-up.
//!
//! A reader task stamps every server frame with its arrival time and hands it over a
//! channel, so arrival times do not depend on what the send loop is doing. The send loop
//! waits for whichever comes first: a server frame, the next pending mark falling due, the
//! call deadline, or the next frame's slot.

use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use switchboard_telephony::media::twilio::CallerStream;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until, timeout_at};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};
use tokio_util::sync::CancellationToken;

use super::clock::{Clock, Pacer};
use super::config::{CallerConfig, Pace, TurnTap};
use super::error::CallerError;
use super::inbound::{ServerFrame, classify};
use super::log::{CallLog, Ending};
use super::outbound::OutboundClock;
use super::playback::Playback;
use super::report::{CallEnd, CallResult, CloseRecord, ProtocolViolation};
use super::runner::{Action, AgentView, Runner};
use super::script::Script;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// After a failed write, how long to look for the server's close frame that explains it.
const CLOSE_GRACE: Duration = Duration::from_millis(200);

/// RFC 6455 "no status received": a close frame without a code.
const NO_STATUS: u16 = 1005;

/// A server frame as the reader task saw it.
enum Incoming {
    Text(Utf8Bytes),
    Binary(usize),
    Close(Option<CloseFrame>),
    Lost(String),
}

struct Arrival {
    at: Instant,
    what: Incoming,
}

pub(crate) async fn run(config: CallerConfig, script: Script) -> CallResult {
    if let Pace::Speed(factor) = config.pace
        && !(factor.is_finite() && factor > 0.0)
    {
        return Err(CallerError::Config(format!(
            "speed {factor} is not above zero"
        )));
    }
    let dialled = Instant::now();
    // Nagle off, as a carrier's media gateway sends each 20 ms frame at once.
    // A small read buffer: tungstenite zero-fills it on every read (its default is 128 KiB),
    // which a load generator with a thousand callers pays for.
    let ws_config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    let (socket, _) =
        connect_async_with_config(upgrade_request(&config)?, Some(ws_config), true).await?;
    let connect_time = dialled.elapsed();
    let (sink, stream) = socket.split();
    let (arrivals, inbox) = mpsc::unbounded_channel();
    let reader = tokio::spawn(read(stream, arrivals));

    let start = Instant::now();
    let clock = Clock::new(start, config.pace);
    let mut session = Session {
        sink,
        inbox,
        twilio: CallerStream::new(
            config.stream_sid.as_str(),
            config.account_sid.as_str(),
            config.call_sid.as_str(),
        ),
        clock,
        pacer: Pacer::new(clock, config.pace),
        playback: Playback::new(config.record_audio),
        runner: Runner::new(script),
        log: CallLog::default(),
        outbound: OutboundClock::default(),
        tap: config.tap.clone(),
        audio: Vec::new(),
        unpaced: config.pace == Pace::Unpaced,
        close_timeout: config.close_timeout,
    };
    let ended_by = match session
        .converse(
            config.custom_parameters,
            start + config.call_timeout,
            &config.stop,
        )
        .await
    {
        Ok(never) => match never {},
        Err(end) => end,
    };
    reader.abort();

    let ending = Ending {
        stream_sid: config.stream_sid,
        call_sid: config.call_sid,
        ended_by,
        connect_time,
        duration: start.elapsed(),
        frames_sent: session.pacer.frames_sent(),
        timed_out_steps: session.runner.timed_out_steps().to_vec(),
        pacing: session.pacer.stats(),
        outbound: session.outbound.into_pacing(),
        recording: session.playback.into_recording(),
    };
    Ok(session.log.into_report(ending))
}

fn upgrade_request(config: &CallerConfig) -> Result<Request, CallerError> {
    let invalid = |e: &dyn std::fmt::Display| CallerError::Config(e.to_string());
    let mut request = config
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| invalid(&e))?;
    for (name, value) in &config.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(&e))?;
        let value = HeaderValue::from_str(value).map_err(|e| invalid(&e))?;
        request.headers_mut().append(name, value);
    }
    Ok(request)
}

/// Forwards server frames, stamped on arrival, until the socket closes or fails.
async fn read(mut stream: SplitStream<Socket>, arrivals: mpsc::UnboundedSender<Arrival>) {
    let what = loop {
        let Some(item) = stream.next().await else {
            break Incoming::Lost("connection ended without a close frame".into());
        };
        let what = match item {
            Ok(Message::Text(text)) => Incoming::Text(text),
            Ok(Message::Binary(data)) => Incoming::Binary(data.len()),
            Ok(Message::Close(frame)) => break Incoming::Close(frame),
            // tungstenite answers pings itself.
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => continue,
            Err(e) => break Incoming::Lost(e.to_string()),
        };
        let at = Instant::now();
        if arrivals.send(Arrival { at, what }).is_err() {
            return;
        }
    };
    let _ = arrivals.send(Arrival {
        at: Instant::now(),
        what,
    });
}

/// The state of one open call. Methods return `Err(end)` once the call is over.
struct Session {
    sink: SplitSink<Socket, Message>,
    inbox: mpsc::UnboundedReceiver<Arrival>,
    twilio: CallerStream,
    clock: Clock,
    pacer: Pacer,
    playback: Playback,
    runner: Runner,
    log: CallLog,
    outbound: OutboundClock,
    tap: Option<TurnTap>,
    /// Decoded agent audio, reused frame to frame.
    audio: Vec<u8>,
    unpaced: bool,
    close_timeout: Duration,
}

/// Uninhabited: `Result<Never, CallEnd>` is a loop that only ends by returning `Err`.
enum Never {}

impl Session {
    async fn converse(
        &mut self,
        custom_parameters: std::collections::BTreeMap<String, String>,
        deadline: Instant,
        stop: &CancellationToken,
    ) -> Result<Never, CallEnd> {
        let mut out = String::new();
        self.twilio.connected(&mut out);
        self.send(out).await?;
        let mut out = String::new();
        self.twilio.start(custom_parameters, &mut out);
        self.send(out).await?;
        loop {
            let frame_due = self.pacer.next_due(self.runner.scripted());
            let mark_due = self.playback.next_due().map(|p| self.clock.instant_at(p));
            tokio::select! {
                biased;
                arrival = self.inbox.recv() => match arrival {
                    Some(arrival) => self.receive(arrival).await?,
                    None => return Err(CallEnd::ConnectionLost("reader stopped".into())),
                },
                () = sleep_until(deadline) => {
                    self.hang_up().await;
                    return Err(CallEnd::TimedOut);
                }
                () = stop.cancelled() => {
                    self.hang_up().await;
                    return Err(CallEnd::Stopped);
                }
                () = sleep_until(mark_due.unwrap_or(deadline)), if mark_due.is_some() => {
                    self.echo_due(Instant::now()).await?;
                }
                () = sleep_until(frame_due) => self.tick(frame_due).await?,
            }
        }
    }

    /// The frame slot due at `due`: plays out the script until it yields a frame.
    async fn tick(&mut self, due: Instant) -> Result<(), CallEnd> {
        let now = Instant::now();
        self.echo_due(now).await?;
        self.note_silence(now);
        loop {
            let view = AgentView {
                now: self.clock.position(now),
                playback: &self.playback,
                frames_received: self.log.frames_received,
            };
            match self.runner.next(&view) {
                Action::Dtmf(digit) => {
                    let mut out = String::new();
                    self.twilio.dtmf(digit, &mut out);
                    self.send(out).await?;
                    self.log.dtmf_sent += 1;
                }
                Action::Hangup => {
                    self.hang_up().await;
                    return Err(CallEnd::HungUp);
                }
                Action::Frame(frame) => {
                    let mut out = String::with_capacity(400);
                    let timestamp = self.pacer.next_timestamp_ms();
                    self.twilio.media(timestamp, &frame.audio, &mut out);
                    self.send(out).await?;
                    let sent = Instant::now();
                    self.pacer.sent(due, sent);
                    if let Some(cue) = frame.speech {
                        self.log.speech_sent(cue, self.clock.elapsed(sent));
                        if cue.onset {
                            self.outbound.segment_end();
                        }
                    }
                    if self.unpaced {
                        // Bursts must not starve the reader task on a busy runtime.
                        tokio::task::yield_now().await;
                    }
                    return Ok(());
                }
            }
        }
    }

    /// Handles one server frame as Twilio would.
    async fn receive(&mut self, arrival: Arrival) -> Result<(), CallEnd> {
        let at = self.clock.elapsed(arrival.at);
        let position = self.clock.position(arrival.at);
        match arrival.what {
            Incoming::Text(text) => {
                match classify(&text, self.twilio.stream_sid(), &mut self.audio) {
                    Ok(ServerFrame::Media) => {
                        self.playback.media(position, &self.audio);
                        self.outbound.media(position, self.audio.len() as u64);
                        let answered = self.log.agent_media(self.audio.len(), at);
                        if let (Some(turn), Some(tap)) = (answered, &self.tap) {
                            tap.answered(turn);
                        }
                    }
                    Ok(ServerFrame::Mark(name)) => {
                        let id = self.log.mark_received(name, at);
                        self.playback.mark(id);
                        self.outbound.segment_end();
                    }
                    Ok(ServerFrame::Clear) => {
                        let (dropped, marks) = self.playback.clear(position);
                        self.outbound.segment_end();
                        self.log.clear(dropped, at);
                        self.note_silence(arrival.at);
                        for id in marks {
                            self.echo(id, true).await?;
                        }
                    }
                    Err(violation) => self.log.violation(violation, at),
                }
            }
            Incoming::Binary(len) => self.log.violation(ProtocolViolation::BinaryFrame(len), at),
            Incoming::Close(frame) => {
                self.record_close(frame, arrival.at);
                // Flushes tungstenite's answering close frame.
                let _ = timeout_at(Instant::now() + self.close_timeout, self.sink.close()).await;
                return Err(CallEnd::ServerClosed);
            }
            Incoming::Lost(error) => return Err(CallEnd::ConnectionLost(error)),
        }
        // A mark on an idle queue is due at once.
        self.echo_due(Instant::now()).await
    }

    /// After a barge-in, notes when the agent's audio ran out in the caller's ear.
    fn note_silence(&mut self, now: Instant) {
        if self.log.awaiting_silence() && !self.playback.playing(self.clock.position(now)) {
            let ran_out = self.clock.instant_at(self.playback.played_until()).min(now);
            self.log.silenced(self.clock.elapsed(ran_out));
        }
    }

    async fn echo_due(&mut self, now: Instant) -> Result<(), CallEnd> {
        while let Some(id) = self.playback.pop_due(self.clock.position(now)) {
            self.echo(id, false).await?;
        }
        Ok(())
    }

    async fn echo(&mut self, id: usize, cleared: bool) -> Result<(), CallEnd> {
        let mut out = String::new();
        self.twilio.mark(self.log.mark_name(id), &mut out);
        self.send(out).await?;
        let at = self.clock.elapsed(Instant::now());
        self.log.mark_echoed(id, cleared, at);
        Ok(())
    }

    async fn send(&mut self, text: String) -> Result<(), CallEnd> {
        match self.sink.send(Message::text(text)).await {
            Ok(()) => Ok(()),
            Err(error) => Err(self.explain_failed_write(error.to_string()).await),
        }
    }

    /// A write usually fails because the server closed first; its close frame may be on
    /// the way.
    async fn explain_failed_write(&mut self, error: String) -> CallEnd {
        let limit = Instant::now() + CLOSE_GRACE;
        while let Ok(Some(arrival)) = timeout_at(limit, self.inbox.recv()).await {
            match arrival.what {
                Incoming::Close(frame) => {
                    self.record_close(frame, arrival.at);
                    return CallEnd::ServerClosed;
                }
                Incoming::Lost(_) => break,
                Incoming::Text(_) | Incoming::Binary(_) => {}
            }
        }
        CallEnd::ConnectionLost(error)
    }

    /// Twilio's way out: `stop`, then close, then wait a little for the server's close.
    async fn hang_up(&mut self) {
        let mut out = String::new();
        self.twilio.stop(&mut out);
        if self.sink.send(Message::text(out)).await.is_err() {
            return;
        }
        let close = CloseFrame {
            code: CloseCode::Normal,
            reason: Utf8Bytes::from_static(""),
        };
        if self.sink.send(Message::Close(Some(close))).await.is_err() {
            return;
        }
        let limit = Instant::now() + self.close_timeout;
        while let Ok(Some(arrival)) = timeout_at(limit, self.inbox.recv()).await {
            match arrival.what {
                Incoming::Close(frame) => return self.record_close(frame, arrival.at),
                Incoming::Lost(_) => return,
                Incoming::Text(_) | Incoming::Binary(_) => {}
            }
        }
    }

    fn record_close(&mut self, frame: Option<CloseFrame>, at: Instant) {
        let (code, reason) = match frame {
            Some(frame) => (u16::from(frame.code), frame.reason.to_string()),
            None => (NO_STATUS, String::new()),
        };
        let at = self.clock.elapsed(at);
        self.log
            .server_close
            .get_or_insert(CloseRecord { code, reason, at });
    }
}
