//! Carrier media streams: the `/media/{twilio,telnyx}` WebSockets, the one-time tokens that let
//! a stream join a call, and the registry of live sessions.

mod authenticator;
mod diagnostics;
mod live;
mod socket;
pub mod tokens;

use axum::Router;
use axum::routing::get;

pub use diagnostics::router as diagnostics_router;
pub use live::LiveSessions;

use crate::http::AppState;

pub const TWILIO_PATH: &str = "/media/twilio";
pub const TELNYX_PATH: &str = "/media/telnyx";
/// Twilio's protocol for clients that are not a carrier (web calls).
pub const WEB_PATH: &str = "/media/web";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(TWILIO_PATH, get(socket::twilio))
        .route(WEB_PATH, get(socket::web))
        .route(TELNYX_PATH, get(socket::telnyx))
}

/// The WebSocket URL a carrier should open for `path`: under `public_url` when configured,
/// else on the host this request came in on (good enough on a LAN or in tests).
pub fn stream_url(
    config: &crate::config::Config,
    headers: &axum::http::HeaderMap,
    path: &str,
) -> String {
    config.public_ws_url(path).unwrap_or_else(|| {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1:8080");
        format!("ws://{host}{path}")
    })
}
