//! The paced writer: the only task that writes to the socket.
//!
//! It turns the brain's audio into 20 ms frames ([`G711Framer`]), sends them no further
//! ahead of the wall clock than the lead ([`Pacer`]), puts a mark after each segment and
//! turn, sends keep-alive pings, and obeys the engine's control messages (`clear`, close)
//! before anything else. Audio of a cancelled turn is dropped wherever it is: in the frame
//! waiting for the pacer, in the framer, or still in the queue.
//!
//! Allocation: each outbound frame is one `String` of exactly its size, moved into the sink
//! (a transport that takes ownership of each message needs one; axum wraps it without
//! copying). Frames, the framer and the mark-name buffer are reused.

use std::fmt::Display;
use std::pin::Pin;
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use switchboard_audio::frame::{G711_FRAME_LEN, G711Frame, G711Framer};
use switchboard_audio::g711::Law;
use switchboard_telephony::media::MediaEncoder;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::marks::MarkId;
use super::messages::{EngineMsg, Playout, WriterControl};
use super::pacing::{FRAME, Pacer};
use crate::brain::TurnId;
use crate::transport::{CloseFrame, WsOut};

/// What the writer did, returned when it stops.
#[derive(Debug, Default)]
pub(crate) struct WriterExit {
    /// The transport's error, if sending failed.
    pub(crate) send_error: Option<String>,
    pub(crate) frames_out: u64,
    pub(crate) marks_sent: u64,
    pub(crate) clears_sent: u64,
    pub(crate) pings_sent: u64,
    /// The turn whose audio was sent last, and how much of it.
    pub(crate) last_turn: Option<(TurnId, u64)>,
}

/// The writer's settings and channels.
pub(crate) struct WriterParts<O> {
    pub(crate) sink: Pin<Box<O>>,
    pub(crate) encoder: MediaEncoder,
    pub(crate) law: Law,
    pub(crate) lead: Duration,
    pub(crate) ping_interval: Duration,
    pub(crate) close_timeout: Duration,
    pub(crate) control: mpsc::Receiver<WriterControl>,
    pub(crate) playout: mpsc::Receiver<Playout>,
    pub(crate) engine: mpsc::Sender<EngineMsg>,
    pub(crate) shutdown: CancellationToken,
}

/// A frame waiting for its send time.
struct Ready {
    turn: TurnId,
    token: CancellationToken,
    frame: G711Frame,
}

/// What to do next, decided without waiting.
enum Next {
    /// A frame is ready: wait for the pacer.
    Frame,
    /// Send this mark now.
    Mark(MarkId),
    /// Nothing queued: wait for the brain.
    NeedInput,
    /// Paused: send nothing but pings until told to go on.
    Hold,
}

struct Writer<O> {
    parts: WriterParts<O>,
    pacer: Pacer,
    framer: G711Framer,
    /// The turn whose audio the framer holds.
    framer_turn: Option<TurnId>,
    /// The playout item being worked through, and how far.
    current: Option<(Playout, usize)>,
    ready: Option<Ready>,
    /// The turn whose audio was sent last, and ms of it sent.
    turn: Option<(TurnId, u64)>,
    mark_name: String,
    /// Audio is held (the caller may be interrupting); see `WriterControl::Pause`.
    paused: bool,
    exit: WriterExit,
}

/// The socket is unusable; the transport's error.
struct SendFailed(String);

pub(crate) async fn run<O>(parts: WriterParts<O>) -> WriterExit
where
    O: Sink<WsOut>,
    O::Error: Display,
{
    let mut writer = Writer {
        pacer: Pacer::new(parts.lead),
        framer: G711Framer::new(parts.law),
        framer_turn: None,
        parts,
        current: None,
        ready: None,
        turn: None,
        mark_name: String::with_capacity(24),
        paused: false,
        exit: WriterExit::default(),
    };
    if let Err(SendFailed(error)) = writer.run().await {
        tracing::info!(%error, "sending to the carrier failed");
        writer.exit.send_error = Some(error);
    }
    writer.exit.last_turn = writer.turn;
    writer.exit
}

impl<O> Writer<O>
where
    O: Sink<WsOut>,
    O::Error: Display,
{
    async fn run(&mut self) -> Result<(), SendFailed> {
        let period = self.parts.ping_interval;
        let mut ping = tokio::time::interval_at(Instant::now() + period, period);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut playout_open = true;
        loop {
            let next = if self.paused {
                Next::Hold
            } else {
                self.prepare()
            };
            if let Next::Mark(mark) = next {
                self.send_mark(mark).await?;
                continue;
            }
            let send_at = self.pacer.send_at(Instant::now());
            tokio::select! {
                biased;
                command = self.parts.control.recv() => match command {
                    Some(WriterControl::Clear { onset, target }) => self.clear(onset, target).await?,
                    Some(WriterControl::Close(frame)) => return self.close(frame).await,
                    Some(WriterControl::Pause) => self.paused = true,
                    Some(WriterControl::Resume) => self.paused = false,
                    None => return Ok(()),
                },
                () = self.parts.shutdown.cancelled() => return Ok(()),
                _ = ping.tick() => {
                    self.send(WsOut::Ping(Vec::new())).await?;
                    self.exit.pings_sent += 1;
                }
                () = tokio::time::sleep_until(send_at), if matches!(next, Next::Frame) => {
                    self.send_frame().await?;
                }
                item = self.parts.playout.recv(), if playout_open && matches!(next, Next::NeedInput) => {
                    match item {
                        Some(item) => self.current = Some((item, 0)),
                        // Every brain handle is gone: only control and pings remain.
                        None => playout_open = false,
                    }
                }
            }
        }
    }

    /// Works through queued playout until a frame is ready, a mark is due or input runs out.
    fn prepare(&mut self) -> Next {
        if self.ready.is_some() {
            return Next::Frame;
        }
        while let Some((item, pos)) = &mut self.current {
            if item.token().is_cancelled() {
                self.current = None;
                self.framer.clear();
                continue;
            }
            match item {
                Playout::Audio { turn, token, audio } => {
                    if *pos >= audio.len() {
                        self.current = None;
                        continue;
                    }
                    // A turn dropped without its end leaves a partial frame: not for this turn.
                    if self.framer.pending_len() > 0 && self.framer_turn != Some(*turn) {
                        self.framer.clear();
                    }
                    self.framer_turn = Some(*turn);
                    // At most one frame completes per push, so it can wait in `ready`.
                    let take = (G711_FRAME_LEN - self.framer.pending_len()).min(audio.len() - *pos);
                    let mut completed = None;
                    self.framer
                        .push(&audio[*pos..*pos + take], |frame| completed = Some(*frame));
                    *pos += take;
                    if let Some(frame) = completed {
                        self.ready = Some(Ready {
                            turn: *turn,
                            token: token.clone(),
                            frame,
                        });
                        return Next::Frame;
                    }
                }
                Playout::SegmentEnd {
                    turn,
                    token,
                    segment,
                } => {
                    let mark = MarkId::Segment {
                        turn: *turn,
                        segment: *segment,
                    };
                    let token = token.clone();
                    return self.end_of(mark, token);
                }
                Playout::TurnEnd { turn, token } => {
                    let mark = MarkId::End { turn: *turn };
                    let token = token.clone();
                    return self.end_of(mark, token);
                }
            }
        }
        Next::NeedInput
    }

    /// At a segment or turn end: a partial frame goes out first, padded with silence
    /// (at most 20 ms), then the mark.
    fn end_of(&mut self, mark: MarkId, token: CancellationToken) -> Next {
        if let Some(frame) = self.framer.flush() {
            let turn = mark.turn();
            self.ready = Some(Ready { turn, token, frame });
            return Next::Frame;
        }
        self.current = None;
        Next::Mark(mark)
    }

    async fn send_frame(&mut self) -> Result<(), SendFailed> {
        let Some(ready) = self.ready.take() else {
            return Ok(());
        };
        if ready.token.is_cancelled() {
            return Ok(());
        }
        let now = Instant::now();
        self.pacer.sent(now);
        let message = self.parts.encoder.audio_message(ready.frame.as_bytes());
        self.send(WsOut::Text(message)).await?;
        self.exit.frames_out += 1;
        let frame_ms = FRAME.as_millis() as u64;
        match &mut self.turn {
            Some((turn, sent_ms)) if *turn == ready.turn => *sent_ms += frame_ms,
            _ => {
                self.turn = Some((ready.turn, frame_ms));
                let at = Instant::now();
                self.report(EngineMsg::FirstFrameSent {
                    turn: ready.turn,
                    at,
                })
                .await;
            }
        }
        Ok(())
    }

    async fn send_mark(&mut self, mark: MarkId) -> Result<(), SendFailed> {
        let turn_ms = match self.turn {
            Some((turn, sent_ms)) if turn == mark.turn() => sent_ms,
            _ => 0,
        };
        // Reported before the mark leaves, so the engine knows it before any echo.
        if let MarkId::End { turn } = mark {
            let play_end = self.pacer.play_end(Instant::now());
            self.report(EngineMsg::TurnSent {
                turn,
                sent_ms: turn_ms,
                play_end,
            })
            .await;
        }
        self.report(EngineMsg::MarkSent { mark, turn_ms }).await;
        mark.write_name(&mut self.mark_name);
        let message = self.parts.encoder.mark_message(&self.mark_name);
        self.send(WsOut::Text(message)).await?;
        self.exit.marks_sent += 1;
        Ok(())
    }

    /// Barge-in: drop what belongs to cancelled turns, send `clear`, report what was played.
    async fn clear(&mut self, onset: Instant, target: TurnId) -> Result<(), SendFailed> {
        self.paused = false;
        if self.ready.as_ref().is_some_and(|r| r.token.is_cancelled()) {
            self.ready = None;
        }
        if self
            .current
            .as_ref()
            .is_some_and(|(item, _)| item.token().is_cancelled())
        {
            self.current = None;
            self.framer.clear();
        }
        // Free queued audio of cancelled turns now rather than as it comes up.
        while self.current.is_none() {
            match self.parts.playout.try_recv() {
                Ok(item) if item.token().is_cancelled() => {}
                Ok(item) => self.current = Some((item, 0)),
                Err(_) => break,
            }
        }
        let now = Instant::now();
        let ahead_ms = self.pacer.ahead(now).as_millis() as u64;
        self.pacer.reset();
        let (turn, sent_ms) = self.turn.map_or((None, 0), |(t, ms)| (Some(t), ms));
        let message = self.parts.encoder.clear_message();
        self.send(WsOut::Text(message)).await?;
        self.exit.clears_sent += 1;
        let at = Instant::now();
        self.report(EngineMsg::Cleared {
            onset,
            target,
            at,
            turn,
            sent_ms,
            played_ms: sent_ms.saturating_sub(ahead_ms),
        })
        .await;
        Ok(())
    }

    async fn close(&mut self, frame: CloseFrame) -> Result<(), SendFailed> {
        let timeout = self.parts.close_timeout;
        match tokio::time::timeout(timeout, self.parts.sink.send(WsOut::Close(frame))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(SendFailed(error.to_string())),
            Err(_) => Err(SendFailed("close frame timed out".to_owned())),
        }
    }

    async fn send(&mut self, message: WsOut) -> Result<(), SendFailed> {
        self.parts
            .sink
            .send(message)
            .await
            .map_err(|e| SendFailed(e.to_string()))
    }

    /// The engine always drains its queue, so this wait is short.
    async fn report(&mut self, message: EngineMsg) {
        let _ = self.parts.engine.send(message).await;
    }
}
