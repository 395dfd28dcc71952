//! Running an authenticated call: spawn the tasks, run the engine, end everything.

use std::fmt::Display;
use std::ops::Deref;
use std::pin::Pin;

use futures_util::{FutureExt, Sink, Stream};
use switchboard_telephony::media::{MediaEncoder, TelnyxOutboundOptions};
use tokio::sync::mpsc;
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::engine::Engine;
use super::handshake::Accepted;
use super::listener::Listener;
use super::messages::{
    BRAIN_CAPACITY, CALLER_AUDIO_CAPACITY, CONTROL_CAPACITY, ENGINE_CAPACITY, PLAYOUT_CAPACITY,
    WRITER_CONTROL_CAPACITY,
};
use super::reader::{Reader, ReaderExit};
use super::writer::{self, WriterExit, WriterParts};
use crate::SessionConfig;
use crate::brain::{BrainIo, CallInfo};
use crate::report::{EndReason, SessionReport};
use crate::transport::{WsIn, WsOut};

/// What a spawned task returns.
enum Task {
    Reader(ReaderExit),
    Writer(WriterExit),
    Brain,
}

#[derive(Default)]
struct Results {
    reader: Option<ReaderExit>,
    writer: Option<WriterExit>,
}

impl Results {
    /// Keeps a finished task's result; returns the session's end if the task's ending is one.
    fn record(&mut self, done: Result<Task, JoinError>) -> Option<EndReason> {
        match done {
            Ok(Task::Reader(exit)) => {
                let reason = exit.reason.clone();
                self.reader = Some(exit);
                reason
            }
            Ok(Task::Writer(exit)) => {
                let reason = match &exit.send_error {
                    Some(error) => EndReason::SendFailed {
                        error: error.clone(),
                    },
                    None => EndReason::Internal {
                        detail: "writer stopped".to_owned(),
                    },
                };
                self.writer = Some(exit);
                Some(reason)
            }
            Ok(Task::Brain) => Some(EndReason::BrainFinished),
            Err(error) if error.is_panic() => {
                tracing::error!(%error, "session task panicked");
                Some(EndReason::Internal {
                    detail: "a session task panicked".to_owned(),
                })
            }
            // Aborted at shutdown.
            Err(_) => None,
        }
    }
}

pub(super) async fn run<I, T, O>(
    config: SessionConfig,
    accepted: Accepted,
    inbound: Pin<Box<I>>,
    outbound: Pin<Box<O>>,
    cancel: CancellationToken,
) -> SessionReport
where
    I: Stream<Item = WsIn<T>> + Send + 'static,
    T: Deref<Target = str> + Send + 'static,
    O: Sink<WsOut> + Send + 'static,
    O::Error: Display,
{
    let Accepted {
        start,
        context,
        law,
        decoder,
        log,
    } = accepted;
    let mut report = SessionReport::new(EndReason::SocketClosed);
    report.call_id = Some(context.call_id.clone());
    report.stream_id = Some(start.stream_id.clone());
    let listener = match Listener::new(&config, law) {
        Ok(listener) => listener,
        Err(error) => {
            // Unreachable after `SessionConfig::validate`; reported rather than panicking.
            report.end_reason = EndReason::Internal {
                detail: error.to_string(),
            };
            return report;
        }
    };

    // Not a child of `cancel`: the writer must still be running to send the close frame.
    let shutdown = CancellationToken::new();
    let (control_tx, mut control_rx) = mpsc::channel(CONTROL_CAPACITY);
    let (engine_tx, mut engine_rx) = mpsc::channel(ENGINE_CAPACITY);
    let (brain_tx, brain_rx) = mpsc::channel(BRAIN_CAPACITY);
    let (writer_tx, writer_rx) = mpsc::channel(WRITER_CONTROL_CAPACITY);
    let (playout_tx, playout_rx) = mpsc::channel(PLAYOUT_CAPACITY);

    let brain = context.brain.build();
    let (audio_tx, audio_rx) = if brain.wants_caller_audio() {
        let (tx, rx) = mpsc::channel(CALLER_AUDIO_CAPACITY);
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    let barge_in_mode = brain.barge_in_mode();

    let span = tracing::Span::current();
    let mut tasks = JoinSet::new();
    let reader = Reader {
        inbound,
        decoder,
        listener,
        log,
        control: control_tx.clone(),
        engine: engine_tx.clone(),
        shutdown: shutdown.clone(),
        idle_timeout: config.idle_timeout,
        frames_in: 0,
        caller_audio: audio_tx,
        caller_audio_dropped: 0,
    };
    tasks.spawn(reader.run().map(Task::Reader).instrument(span.clone()));
    let writer = WriterParts {
        sink: outbound,
        encoder: MediaEncoder::for_stream(&start, TelnyxOutboundOptions::default()),
        law,
        lead: config.playback_lead,
        ping_interval: config.ping_interval,
        close_timeout: config.shutdown_grace,
        control: writer_rx,
        playout: playout_rx,
        engine: engine_tx.clone(),
        shutdown: shutdown.clone(),
    };
    tasks.spawn(
        writer::run(writer)
            .map(Task::Writer)
            .instrument(span.clone()),
    );
    let call = CallInfo {
        call_id: context.call_id,
        law,
        stream: start,
    };
    let io = BrainIo::new(
        call,
        brain_rx,
        engine_tx,
        control_tx,
        playout_tx,
        shutdown.clone(),
        audio_rx,
    );
    tasks.spawn(brain.run(io).map(|()| Task::Brain).instrument(span));

    let mut engine = Engine::new(barge_in_mode, brain_tx, writer_tx);
    let mut results = Results::default();
    let reason = loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => break EndReason::Cancelled,
            Some(control) = control_rx.recv() => {
                if let Some(end) = engine.on_control(control) {
                    break end;
                }
            }
            Some(done) = tasks.join_next() => {
                if let Some(end) = results.record(done) {
                    break end;
                }
            }
            Some(message) = engine_rx.recv() => engine.on_message(message),
        }
    };

    // The writer reads its control queue before the shutdown token, so the close goes first.
    engine.finish(reason.close_frame());
    shutdown.cancel();
    let grace = tokio::time::sleep(config.shutdown_grace);
    tokio::pin!(grace);
    let mut aborted = false;
    loop {
        tokio::select! {
            biased;
            done = tasks.join_next() => match done {
                Some(done) => {
                    results.record(done);
                }
                None => break,
            },
            // Keep draining, so no task stays blocked on a full queue.
            Some(message) = engine_rx.recv() => engine.on_message(message),
            Some(_) = control_rx.recv() => {}
            () = &mut grace, if !aborted => {
                tracing::warn!("session tasks did not stop in time; aborting them");
                tasks.abort_all();
                aborted = true;
            }
        }
    }

    report.end_reason = reason;
    if let Some(reader) = &mut results.reader {
        report.frames_in = reader.frames_in;
        report.anomalies = std::mem::take(&mut reader.anomalies);
    }
    if let Some(writer) = &results.writer {
        report.frames_out = writer.frames_out;
        report.marks_sent = writer.marks_sent;
        report.clears_sent = writer.clears_sent;
        report.pings_sent = writer.pings_sent;
    }
    engine.fill_report(&mut report, results.writer.as_ref());
    report
}
