//! Fake ElevenLabs (digest §2): `GET /v1/text-to-speech/{voice}/stream-input` and
//! `/multi-stream-input` (WebSocket), `POST /v1/text-to-speech/{voice}/stream`, `GET /v1/voices`.

mod contract;
mod http;
mod session;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use super::shared::Shared;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/v1/text-to-speech/{voice_id}/stream-input",
            get(session::stream_input),
        )
        .route(
            "/v1/text-to-speech/{voice_id}/multi-stream-input",
            get(session::multi_stream_input),
        )
        .route("/v1/text-to-speech/{voice_id}/stream", post(http::stream))
        .route("/v1/voices", get(http::voices))
        .fallback(http::not_found)
        .with_state(shared)
}
