//! Before the call runs: wait for the carrier's `start`, check its audio format, and ask the
//! server's authenticator who the stream is.

use std::ops::Deref;
use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use switchboard_audio::g711::Law;
use switchboard_telephony::media::{
    AudioEncoding, Carrier, MAX_MESSAGE_BYTES, MediaDecoder, MediaEvent, StreamStart,
};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::anomalies::AnomalyLog;
use crate::auth::{CallContext, StreamAuthenticator};
use crate::report::EndReason;
use crate::transport::WsIn;
use crate::{SessionConfig, VoiceError};

/// A stream that may run.
pub(crate) struct Accepted {
    pub(crate) start: StreamStart,
    pub(crate) context: CallContext,
    pub(crate) law: Law,
    pub(crate) decoder: MediaDecoder,
    pub(crate) log: AnomalyLog,
}

/// A stream that may not, and what was learnt about it.
pub(crate) struct Refused {
    pub(crate) reason: EndReason,
    pub(crate) stream_id: Option<String>,
    pub(crate) log: AnomalyLog,
}

pub(crate) async fn accept<I, T, A>(
    config: &SessionConfig,
    carrier: Carrier,
    authenticator: &A,
    cancel: &CancellationToken,
    inbound: Pin<&mut I>,
) -> Result<Accepted, Refused>
where
    I: Stream<Item = WsIn<T>>,
    T: Deref<Target = str>,
    A: StreamAuthenticator,
{
    let mut decoder = MediaDecoder::new(carrier);
    let mut log = AnomalyLog::default();
    let start = match wait_for_start(config, cancel, inbound, &mut decoder, &mut log).await {
        Ok(start) => start,
        Err(reason) => {
            return Err(Refused {
                reason,
                stream_id: None,
                log,
            });
        }
    };
    let refuse = |reason, log| Refused {
        reason,
        stream_id: Some(start.stream_id.clone()),
        log,
    };
    let Some(law) = codec(&start) else {
        let f = &start.media_format;
        let format = format!("{} {} Hz x{}", f.encoding, f.sample_rate, f.channels);
        return Err(refuse(EndReason::UnsupportedMedia { format }, log));
    };
    let verdict = tokio::select! {
        biased;
        () = cancel.cancelled() => return Err(refuse(EndReason::Cancelled, log)),
        verdict = tokio::time::timeout(config.auth_timeout, authenticator.authenticate(&start)) => verdict,
    };
    let context = match verdict {
        Ok(Ok(context)) => context,
        Ok(Err(VoiceError::Rejected(reason))) => {
            tracing::info!(%reason, "stream rejected");
            return Err(refuse(EndReason::Rejected { reason }, log));
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "stream authentication failed");
            let detail = error.to_string();
            return Err(refuse(EndReason::AuthUnavailable { detail }, log));
        }
        Err(_) => {
            tracing::warn!("stream authentication timed out");
            let detail = "authentication timed out".to_owned();
            return Err(refuse(EndReason::AuthUnavailable { detail }, log));
        }
    };
    Ok(Accepted {
        start,
        context,
        law,
        decoder,
        log,
    })
}

/// Reads until `start`, within the start timeout.
async fn wait_for_start<I, T>(
    config: &SessionConfig,
    cancel: &CancellationToken,
    mut inbound: Pin<&mut I>,
    decoder: &mut MediaDecoder,
    log: &mut AnomalyLog,
) -> Result<StreamStart, EndReason>
where
    I: Stream<Item = WsIn<T>>,
    T: Deref<Target = str>,
{
    let deadline = Instant::now() + config.start_timeout;
    loop {
        let message = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(EndReason::Cancelled),
            message = tokio::time::timeout_at(deadline, inbound.next()) => match message {
                Err(_) => return Err(EndReason::StartTimeout),
                Ok(None) => return Err(EndReason::SocketClosed),
                Ok(Some(message)) => message,
            },
        };
        let text = match message {
            WsIn::Text(text) => text,
            WsIn::Close(_) => return Err(EndReason::SocketClosed),
            WsIn::Binary(_) => {
                log.binary();
                continue;
            }
            WsIn::Ping(_) | WsIn::Pong(_) => continue,
        };
        if text.len() > MAX_MESSAGE_BYTES {
            log.oversized(text.len());
            continue;
        }
        match decoder.decode(&text) {
            Ok(MediaEvent::Started(start)) => return Ok(*start),
            Ok(MediaEvent::Connected) => {}
            Ok(MediaEvent::Audio(_)) => {
                return Err(EndReason::ProtocolViolation {
                    reason: "media before start".to_owned(),
                });
            }
            Ok(MediaEvent::Stopped) => return Err(EndReason::Stopped),
            Ok(MediaEvent::Dtmf(_)) => log.out_of_order("dtmf before start"),
            Ok(MediaEvent::MarkPlayed(_)) => log.out_of_order("mark before start"),
            Ok(MediaEvent::CarrierError(error)) => log.carrier_error(&error),
            Ok(MediaEvent::Unknown { event, first }) => log.unknown_event(event, first),
            Err(error) => log.malformed(&error),
        }
    }
}

/// The G.711 law of an 8 kHz mono stream; `None` for anything else.
fn codec(start: &StreamStart) -> Option<Law> {
    let format = &start.media_format;
    if format.sample_rate != 8000 || format.channels != 1 {
        return None;
    }
    match format.audio_encoding() {
        AudioEncoding::Mulaw => Some(Law::Ulaw),
        AudioEncoding::Alaw => Some(Law::Alaw),
        _ => None,
    }
}
