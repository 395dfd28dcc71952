//! The WebSocket endpoints carriers stream call audio over.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{self, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use switchboard_telephony::media::{Carrier, MAX_MESSAGE_BYTES};
use switchboard_telephony::twilio::signature;
use switchboard_voice::{CloseFrame, Session, SessionConfig, SessionReport, WsIn, WsOut};

use super::TWILIO_PATH;
use super::authenticator::TokenAuthenticator;
use crate::http::{ApiError, AppState};
use crate::telephony::urls::WebhookUrls;

/// The socket's read buffer. A media message is a few hundred bytes; tungstenite's default
/// (128 KiB) is allocated per socket and zero-filled on every read, which cost a quarter of
/// the server's CPU under load (docs/BENCHMARKS.md). Larger messages still arrive whole.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// Twilio: with a Twilio (or simulator) carrier configured, the upgrade must carry a valid
/// `X-Twilio-Signature` from one of them, made over the public `wss://` URL.
pub async fn twilio(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let tokens: Vec<String> = state
        .carriers
        .accounts()
        .filter_map(|account| account.twilio_auth_token.as_ref())
        .map(|token| token.expose().to_owned())
        .collect();
    if !tokens.is_empty() {
        let url = WebhookUrls::new(&state.public_base_url()).media(TWILIO_PATH);
        let presented = headers
            .get(signature::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let signed = tokens.iter().any(|token| {
            signature::validate(token, &url, std::iter::empty::<(&str, &str)>(), presented).is_ok()
        });
        if !signed {
            tracing::warn!(%url, "media stream refused: X-Twilio-Signature missing or wrong");
            return ApiError::Forbidden(
                "the media stream's X-Twilio-Signature is missing or wrong".into(),
            )
            .into_response();
        }
    }
    accept(state, upgrade, Carrier::Twilio)
}

/// Web calls (browsers, SIP bridges, the load generator): Twilio's protocol, no carrier
/// signature; the one-time stream token in `start` is the proof.
pub async fn web(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    accept(state, upgrade, Carrier::Twilio)
}

/// Telnyx: the stream token in `start` is the proof (Telnyx does not sign stream upgrades).
pub async fn telnyx(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    accept(state, upgrade, Carrier::Telnyx)
}

fn accept(state: AppState, upgrade: WebSocketUpgrade, carrier: Carrier) -> Response {
    upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_failed_upgrade(|err| tracing::warn!(error = %err, "media WebSocket upgrade failed"))
        .on_upgrade(move |socket| {
            let tracker = state.media.tracker().clone();
            tracker.track_future(run(state, socket, carrier))
        })
}

async fn run(state: AppState, socket: WebSocket, carrier: Carrier) {
    let _active = state.media.enter();
    let config = session_config(&state);
    let runtime = Arc::new(Mutex::new(None));
    let authenticator = TokenAuthenticator {
        state: state.clone(),
        runtime: runtime.clone(),
    };
    let session = match Session::new(carrier, config, authenticator) {
        Ok(session) => session,
        Err(err) => {
            tracing::error!(error = %err, "the media configuration is invalid");
            return;
        }
    };
    let (sink, stream) = socket.split();
    // Inbound frames pass through without copying their text; a transport error ends the stream.
    let inbound = stream
        .take_while(|m| std::future::ready(m.is_ok()))
        .filter_map(|m| std::future::ready(m.ok()))
        .map(|message| match message {
            Message::Text(text) => WsIn::Text(text),
            Message::Binary(bytes) => WsIn::Binary(bytes.to_vec()),
            Message::Ping(bytes) => WsIn::Ping(bytes.to_vec()),
            Message::Pong(bytes) => WsIn::Pong(bytes.to_vec()),
            Message::Close(frame) => WsIn::Close(frame.map(|f| CloseFrame {
                code: f.code,
                reason: f.reason.to_string(),
            })),
        });
    let outbound = sink.with(|out: WsOut| async move {
        Ok::<_, axum::Error>(match out {
            WsOut::Text(text) => Message::Text(text.into()),
            WsOut::Ping(bytes) => Message::Ping(bytes.into()),
            WsOut::Close(frame) => Message::Close(Some(ws::CloseFrame {
                code: frame.code,
                reason: frame.reason.into(),
            })),
        })
    });

    let cancel = session.cancel_token();
    let end_all = state.media.end_all().clone();
    let running = session.run(inbound, outbound);
    tokio::pin!(running);
    let report = tokio::select! {
        report = &mut running => report,
        () = end_all.cancelled() => {
            cancel.cancel();
            running.await
        }
    };
    record(&state, carrier, &report);
    let started = runtime.lock().expect("runtime slot").take();
    if let Some(call) = started {
        call.finish(&state, &report).await;
    }
}

fn session_config(state: &AppState) -> SessionConfig {
    let media = &state.config.media;
    SessionConfig {
        playback_lead: Duration::from_millis(media.playback_lead_ms),
        idle_timeout: Duration::from_secs(media.idle_timeout_seconds),
        ..SessionConfig::default()
    }
}

fn record(state: &AppState, carrier: Carrier, report: &SessionReport) {
    let carrier = match carrier {
        Carrier::Twilio => "twilio",
        Carrier::Telnyx => "telnyx",
    };
    let end = format!("{:?}", report.end_reason);
    let end_kind = end
        .split(['{', '(', ' '])
        .next()
        .unwrap_or("unknown")
        .to_owned();
    state.metrics.media_sessions(carrier, &end_kind);
    tracing::info!(
        call_id = report.call_id.as_deref().unwrap_or(""),
        carrier,
        end = %end,
        duration_ms = report.duration.as_millis() as u64,
        frames_in = report.frames_in,
        frames_out = report.frames_out,
        barge_ins = report.barge_ins.len(),
        turns = report.turns.len(),
        "media session ended"
    );
}
