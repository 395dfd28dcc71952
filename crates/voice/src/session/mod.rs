//! One session per live call.
//!
//! [`Session::run`] first waits for the carrier's `start` and authenticates it
//! (`handshake`), then runs the call (`call`) as four parts joined by bounded channels:
//!
//! | from | to | what | how |
//! |---|---|---|---|
//! | reader | engine | barge-in | control queue, read first |
//! | reader | engine | speech start/end, DTMF, mark echoes | engine queue |
//! | brain | engine | hang-up | control queue, read first |
//! | brain | engine | turn begun | engine queue |
//! | writer | engine | first frame sent, mark sent, turn sent, `clear` sent | engine queue |
//! | engine | writer | `clear`, close | writer control, read before audio; `try_send` |
//! | engine | brain | [`BrainEvent`](crate::BrainEvent)s | `try_send`, dropped if the brain lags |
//! | brain | writer | audio, segment and turn ends | small queue: back-pressure on the brain |
//!
//! The engine (turn logic) runs in the session's own task and never waits on another task;
//! reader, writer and brain are spawned into a `JoinSet` the session waits on (aborting
//! stragglers after a grace period), so none outlives it.

pub(crate) mod anomalies;
mod call;
pub(crate) mod capture;
mod engine;
mod handshake;
mod listener;
pub(crate) mod marks;
pub(crate) mod messages;
mod pacing;
mod playback;
mod reader;
mod writer;

use std::fmt::Display;
use std::ops::Deref;

use futures_util::{Sink, SinkExt, Stream};
use switchboard_telephony::media::Carrier;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::auth::StreamAuthenticator;
use crate::report::SessionReport;
use crate::transport::{WsIn, WsOut};
use crate::{SessionConfig, VoiceError};

/// A call session, ready to run over one media WebSocket.
///
/// ```no_run
/// # async fn example(
/// #     inbound: impl futures_util::Stream<Item = switchboard_voice::WsIn> + Send + 'static,
/// #     outbound: impl futures_util::Sink<switchboard_voice::WsOut, Error = std::io::Error> + Send + 'static,
/// # ) -> Result<(), switchboard_voice::VoiceError> {
/// use switchboard_telephony::media::Carrier;
/// use switchboard_voice::{BrainSpec, CallContext, Session, SessionConfig, auth_fn};
///
/// let auth = auth_fn(|_start| async { Ok(CallContext::new("call_1", BrainSpec::Echo)) });
/// let session = Session::new(Carrier::Twilio, SessionConfig::default(), auth)?;
/// let report = session.run(inbound, outbound).await;
/// println!("{:?}", report.end_reason);
/// # Ok(())
/// # }
/// ```
pub struct Session<A> {
    carrier: Carrier,
    config: SessionConfig,
    authenticator: A,
    cancel: CancellationToken,
}

impl<A: StreamAuthenticator> Session<A> {
    /// A session for a `carrier` stream; checks `config`.
    pub fn new(
        carrier: Carrier,
        config: SessionConfig,
        authenticator: A,
    ) -> Result<Self, VoiceError> {
        config.validate()?;
        Ok(Session {
            carrier,
            config,
            authenticator,
            cancel: CancellationToken::new(),
        })
    }

    /// Cancelling this token ends the session ([`EndReason::Cancelled`], close code 1001):
    /// for server shutdown or a hang-up that comes from elsewhere.
    ///
    /// [`EndReason::Cancelled`]: crate::EndReason::Cancelled
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Runs the session to its end and reports what happened. Every task it started has
    /// ended when this returns; dropping the future aborts them too.
    pub async fn run<I, T, O>(self, inbound: I, outbound: O) -> SessionReport
    where
        I: Stream<Item = WsIn<T>> + Send + 'static,
        T: Deref<Target = str> + Send + 'static,
        O: Sink<WsOut> + Send + 'static,
        O::Error: Display,
    {
        let started = Instant::now();
        let span = tracing::info_span!(
            "voice_session",
            carrier = ?self.carrier,
            call_id = tracing::field::Empty,
        );
        async move {
            let mut inbound = Box::pin(inbound);
            let mut outbound = Box::pin(outbound);
            let accepted = handshake::accept(
                &self.config,
                self.carrier,
                &self.authenticator,
                &self.cancel,
                inbound.as_mut(),
            )
            .await;
            let mut report = match accepted {
                Ok(accepted) => {
                    tracing::Span::current().record("call_id", accepted.context.call_id.as_str());
                    call::run(self.config, accepted, inbound, outbound, self.cancel).await
                }
                Err(refused) => {
                    if let Some(frame) = refused.reason.close_frame() {
                        let grace = self.config.shutdown_grace;
                        let close = outbound.send(WsOut::Close(frame));
                        let _ = tokio::time::timeout(grace, close).await;
                    }
                    let mut report = SessionReport::new(refused.reason);
                    report.stream_id = refused.stream_id;
                    report.anomalies = refused.log.counts;
                    report
                }
            };
            report.duration = started.elapsed();
            tracing::info!(
                end_reason = ?report.end_reason,
                frames_in = report.frames_in,
                frames_out = report.frames_out,
                turns = report.turns.len(),
                barge_ins = report.barge_ins.len(),
                "session ended"
            );
            report
        }
        .instrument(span)
        .await
    }
}
