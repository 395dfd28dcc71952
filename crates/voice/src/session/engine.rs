//! The turn logic: the hub between reader, brain and writer.
//!
//! It decides barge-ins (caller speech while the agent is audible), keeps the playback
//! table, forwards caller events to the brain and records latencies. It never waits on
//! another task: sends to the brain and the writer are `try_send`, so a stuck brain cannot
//! hold up a `clear`.

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::time::Instant;

use super::messages::{Control, EngineMsg, WriterControl};
use super::playback::{Echo, Playback};
use super::writer::WriterExit;
use crate::brain::{BargeInMode, BrainEvent};
use crate::report::{BargeInReport, EndReason, SessionReport};
use crate::transport::CloseFrame;

pub(crate) struct Engine {
    playback: Playback,
    mode: BargeInMode,
    /// [`BargeInMode::Confirm`]: the agent is paused for caller speech that began at the
    /// onset, paused at the instant; the brain has not decided yet.
    paused: Option<(Instant, Instant)>,
    /// When the barge-in now being cleared paused the agent, for its report.
    clearing_pause: Option<Instant>,
    /// `None` once the session is ending.
    brain: Option<mpsc::Sender<BrainEvent>>,
    writer: mpsc::Sender<WriterControl>,
    /// When the VAD last declared the end of caller speech not yet answered by a turn.
    last_speech_end: Option<Instant>,
    barge_ins: Vec<BargeInReport>,
    dtmf: u64,
    brain_dropped: u64,
}

impl Engine {
    pub(crate) fn new(
        mode: BargeInMode,
        brain: mpsc::Sender<BrainEvent>,
        writer: mpsc::Sender<WriterControl>,
    ) -> Self {
        Engine {
            playback: Playback::default(),
            mode,
            paused: None,
            clearing_pause: None,
            brain: Some(brain),
            writer,
            last_speech_end: None,
            barge_ins: Vec::new(),
            dtmf: 0,
            brain_dropped: 0,
        }
    }

    /// A priority message; returns the end of the session if it is one.
    pub(crate) fn on_control(&mut self, control: Control) -> Option<EndReason> {
        let now = Instant::now();
        match control {
            Control::BargeIn { onset } => match self.mode {
                BargeInMode::Immediate => {
                    self.clearing_pause = None;
                    self.clear(onset, now);
                }
                BargeInMode::Confirm if self.paused.is_none() => {
                    if let Some((turn, played_ms)) = self.playback.pause(now) {
                        tracing::debug!(%turn, "caller speech over the agent: paused");
                        self.paused = Some((onset, now));
                        self.tell_writer(WriterControl::Pause);
                        self.tell_brain(BrainEvent::AgentPaused { turn, played_ms });
                    }
                }
                BargeInMode::Confirm => {}
            },
            Control::Interrupt => {
                let (onset, paused_at) = match self.paused.take() {
                    Some((onset, paused_at)) => (onset, Some(paused_at)),
                    None => (now, None),
                };
                self.playback.resume(now);
                self.clearing_pause = paused_at;
                if !self.clear(onset, now) && paused_at.is_some() {
                    // Nothing left to cut (the turn finished meanwhile): just unpause.
                    self.tell_writer(WriterControl::Resume);
                }
            }
            Control::Resume => {
                if self.paused.take().is_some() {
                    self.playback.resume(now);
                    self.tell_writer(WriterControl::Resume);
                }
            }
            Control::HangUp { reason } => return Some(EndReason::HungUp { reason }),
        }
        None
    }

    /// Cuts off the audible turn: cancels it and has the writer send `clear`. `false` when
    /// the agent was silent.
    fn clear(&mut self, onset: Instant, now: Instant) -> bool {
        match self.playback.barge_in(now) {
            Some(target) => {
                tracing::debug!(%target, "barge-in");
                self.tell_writer(WriterControl::Clear { onset, target });
                true
            }
            None => false,
        }
    }

    pub(crate) fn on_message(&mut self, message: EngineMsg) {
        match message {
            EngineMsg::SpeechStarted => self.tell_brain(BrainEvent::CallerSpeechStarted),
            EngineMsg::SpeechEnded {
                utterance,
                detected_at,
            } => {
                self.last_speech_end = Some(detected_at);
                self.tell_brain(BrainEvent::CallerSpeechEnded(utterance));
            }
            EngineMsg::Dtmf(digit) => {
                self.dtmf += 1;
                self.tell_brain(BrainEvent::Dtmf(digit));
            }
            EngineMsg::MarkEchoed(mark) => match self.playback.echo(mark) {
                Echo::Segment {
                    turn,
                    segment,
                    played_ms,
                } => self.tell_brain(BrainEvent::MarkPlayed {
                    turn,
                    segment,
                    played_ms,
                }),
                Echo::TurnPlayed { turn, played_ms } => {
                    self.tell_brain(BrainEvent::TurnPlayed { turn, played_ms });
                }
                Echo::Stale => {}
                Echo::Unknown => {
                    if self.playback.unknown_marks == 1 {
                        tracing::warn!("mark echo with a name we never sent (logged once)");
                    }
                }
            },
            EngineMsg::TurnBegun { turn, token } => {
                self.playback
                    .begin(turn, token, self.last_speech_end.take());
            }
            EngineMsg::FirstFrameSent { turn, at } => {
                self.playback.first_frame(turn, at);
                self.tell_brain(BrainEvent::AudioStarted { turn });
            }
            EngineMsg::MarkSent { mark, turn_ms } => self.playback.mark_sent(mark, turn_ms),
            EngineMsg::TurnSent {
                turn,
                sent_ms,
                play_end,
            } => self.playback.turn_sent(turn, sent_ms, play_end),
            EngineMsg::Cleared {
                onset,
                target,
                at,
                turn,
                sent_ms,
                played_ms,
            } => {
                let played_ms = self.playback.settle(target, turn, sent_ms, played_ms);
                let onset_to_clear_ms = at.saturating_duration_since(onset).as_millis() as u64;
                tracing::debug!(%target, onset_to_clear_ms, played_ms, "clear sent");
                let onset_to_pause_ms = self
                    .clearing_pause
                    .take()
                    .map(|paused| paused.saturating_duration_since(onset).as_millis() as u64);
                self.barge_ins.push(BargeInReport {
                    turn: target,
                    onset_to_clear_ms,
                    played_ms,
                    onset_to_pause_ms,
                });
                self.tell_brain(BrainEvent::BargeIn {
                    turn: target,
                    played_ms,
                });
            }
        }
    }

    /// The session is ending: asks the writer to close the socket, and lets the brain go.
    pub(crate) fn finish(&mut self, close: Option<CloseFrame>) {
        if let Some(frame) = close {
            self.tell_writer(WriterControl::Close(frame));
        }
        self.brain = None;
    }

    /// Fills the engine's part of the report.
    pub(crate) fn fill_report(&mut self, report: &mut SessionReport, writer: Option<&WriterExit>) {
        if let Some((turn, sent_ms)) = writer.and_then(|w| w.last_turn) {
            self.playback.sent_total(turn, sent_ms);
        }
        report.marks_echoed = self.playback.marks_echoed;
        report.anomalies.unknown_marks = self.playback.unknown_marks;
        report.anomalies.brain_events_dropped = self.brain_dropped;
        report.dtmf = self.dtmf;
        report.barge_ins = std::mem::take(&mut self.barge_ins);
        report.turns = self.playback.report(Instant::now());
    }

    fn tell_brain(&mut self, event: BrainEvent) {
        let Some(brain) = &self.brain else {
            return;
        };
        match brain.try_send(event) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.brain_dropped += 1;
                if self.brain_dropped == 1 {
                    tracing::warn!("brain is not reading its events; dropped (logged once)");
                }
            }
            // The brain has returned; the session is about to end.
            Err(TrySendError::Closed(_)) => {}
        }
    }

    fn tell_writer(&self, control: WriterControl) {
        if let Err(TrySendError::Full(control)) = self.writer.try_send(control) {
            tracing::warn!(?control, "writer control queue full; dropped");
        }
    }
}
