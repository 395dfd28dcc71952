//! Carrier webhooks: `/webhooks/{twilio,telnyx,voipms}/…`. Each proves its sender (Twilio's
//! and Telnyx's signatures, VoIP.ms's per-number secret) before anything is stored, is
//! idempotent (a repeated delivery changes nothing), and never answers a caller with a 500.

mod error;
mod telnyx;
mod twilio;
mod voipms;

use axum::Router;

pub use error::WebhookError;

use crate::http::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(twilio::router())
        .merge(telnyx::router())
        .merge(voipms::router())
}

/// Which call or number a webhook URL names.
#[derive(Debug, Default, serde::Deserialize)]
struct Target {
    call_id: Option<String>,
    number_id: Option<String>,
}
