//! The reader task: carrier frames in, caller events out.
//!
//! Parses each text frame with the carrier's decoder (audio lands in the decoder's reused
//! buffer), feeds caller audio to the [`Listener`], and forwards what matters: barge-ins on
//! the priority path, speech, DTMF and mark echoes on the ordinary one. It owns the idle
//! timer: any inbound message re-arms it.

use std::ops::Deref;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use switchboard_telephony::media::{MAX_MESSAGE_BYTES, MediaDecoder, MediaEvent, Track};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::anomalies::AnomalyLog;
use super::listener::{Heard, Listener};
use super::marks::MarkId;
use super::messages::{Control, EngineMsg};
use crate::report::{Anomalies, EndReason};
use crate::transport::WsIn;

/// A sample of 8 kHz audio.
const SAMPLE: Duration = Duration::from_micros(125);

/// What the reader did, returned when it stops.
#[derive(Debug)]
pub(crate) struct ReaderExit {
    /// Why it stopped on its own; `None` when told to stop.
    pub(crate) reason: Option<EndReason>,
    pub(crate) frames_in: u64,
    pub(crate) anomalies: Anomalies,
}

pub(crate) struct Reader<I> {
    pub(crate) inbound: Pin<Box<I>>,
    pub(crate) decoder: MediaDecoder,
    pub(crate) listener: Listener,
    pub(crate) log: AnomalyLog,
    pub(crate) control: mpsc::Sender<Control>,
    pub(crate) engine: mpsc::Sender<EngineMsg>,
    pub(crate) shutdown: CancellationToken,
    pub(crate) idle_timeout: Duration,
    pub(crate) frames_in: u64,
    /// Caller audio for a brain that reads it.
    pub(crate) caller_audio: Option<mpsc::Sender<Bytes>>,
    pub(crate) caller_audio_dropped: u64,
}

impl<I, T> Reader<I>
where
    I: Stream<Item = WsIn<T>>,
    T: Deref<Target = str>,
{
    pub(crate) async fn run(mut self) -> ReaderExit {
        let idle = tokio::time::sleep(self.idle_timeout);
        tokio::pin!(idle);
        let reason = loop {
            let message = tokio::select! {
                biased;
                () = self.shutdown.cancelled() => break None,
                message = self.inbound.next() => message,
                () = &mut idle => break Some(EndReason::IdleTimeout),
            };
            idle.as_mut().reset(Instant::now() + self.idle_timeout);
            match message {
                None | Some(WsIn::Close(_)) => break Some(EndReason::SocketClosed),
                Some(WsIn::Text(text)) => {
                    if let Some(end) = self.on_text(&text).await {
                        break Some(end);
                    }
                }
                Some(WsIn::Binary(_)) => self.log.binary(),
                Some(WsIn::Ping(_) | WsIn::Pong(_)) => {}
            }
        };
        let mut anomalies = self.log.counts;
        anomalies.caller_audio_dropped = self.caller_audio_dropped;
        ReaderExit {
            reason,
            frames_in: self.frames_in,
            anomalies,
        }
    }

    /// Handles one text frame; returns the end of the stream if it was `stop`.
    async fn on_text(&mut self, text: &str) -> Option<EndReason> {
        if text.len() > MAX_MESSAGE_BYTES {
            self.log.oversized(text.len());
            return None;
        }
        let Reader {
            decoder,
            listener,
            log,
            control,
            engine,
            frames_in,
            caller_audio,
            caller_audio_dropped,
            ..
        } = self;
        let event = match decoder.decode(text) {
            Ok(event) => event,
            Err(error) => {
                log.malformed(&error);
                return None;
            }
        };
        // Sends fail only once the engine is gone, when the session is ending anyway.
        match event {
            MediaEvent::Audio(audio) if audio.track == Track::Inbound => {
                *frames_in += 1;
                if let Some(tap) = caller_audio
                    && tap.try_send(Bytes::copy_from_slice(audio.payload)).is_err()
                {
                    *caller_audio_dropped += 1;
                }
                let block_len = listener.block_len();
                for block in audio.payload.chunks(block_len) {
                    let heard = listener.feed(block);
                    forward(heard, listener.samples_seen(), control, engine).await;
                }
            }
            MediaEvent::Audio(_) | MediaEvent::Connected => {}
            MediaEvent::Dtmf(digit) => {
                let _ = engine.send(EngineMsg::Dtmf(digit)).await;
            }
            MediaEvent::MarkPlayed(name) => {
                let _ = engine
                    .send(EngineMsg::MarkEchoed(MarkId::parse(&name)))
                    .await;
            }
            MediaEvent::Stopped => return Some(EndReason::Stopped),
            MediaEvent::Started(_) => log.out_of_order("second start"),
            MediaEvent::CarrierError(error) => log.carrier_error(&error),
            MediaEvent::Unknown { event, first } => log.unknown_event(event, first),
        }
        None
    }
}

/// Passes on what a block of audio produced; the barge-in first, on the priority path.
async fn forward(
    heard: Heard,
    samples_seen: u64,
    control: &mpsc::Sender<Control>,
    engine: &mpsc::Sender<EngineMsg>,
) {
    let now = Instant::now();
    if let Some(onset_sample) = heard.barge_in {
        // The onset is in the audio just received: date it back from now.
        let age = SAMPLE * u32::try_from(samples_seen.saturating_sub(onset_sample)).unwrap_or(0);
        let onset = now.checked_sub(age).unwrap_or(now);
        let _ = control.send(Control::BargeIn { onset }).await;
    }
    if heard.started {
        let _ = engine.send(EngineMsg::SpeechStarted).await;
    }
    if let Some(utterance) = heard.ended {
        let _ = engine
            .send(EngineMsg::SpeechEnded {
                utterance,
                detected_at: now,
            })
            .await;
    }
}
