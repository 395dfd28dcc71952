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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/media/twilio", get(socket::twilio))
        .route("/media/telnyx", get(socket::telnyx))
}
