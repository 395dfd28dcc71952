//! One module per resource, each with its own `router()`; `api()` gathers the documented ones.

mod admin;
mod agents;
mod api_keys;
mod auth;
mod call_me;
mod call_views;
mod calls;
pub mod health;
mod me;
mod members;
mod messages;
mod outbound_calls;
mod phone_numbers;
mod remote_calls;
mod tenant;
mod tools;
mod usage;
mod views;
mod web_calls;

use utoipa_axum::router::OpenApiRouter;

pub(crate) use views::instant;

use crate::http::AppState;

/// Every `/v1` route, with the OpenAPI description generated from the handlers.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(me::router())
        .merge(call_me::router())
        .merge(tenant::router())
        .merge(members::router())
        .merge(api_keys::router())
        .merge(agents::router())
        .merge(calls::router())
        .merge(web_calls::router())
        .merge(outbound_calls::router())
        .merge(phone_numbers::router())
        .merge(messages::router())
        .merge(remote_calls::router())
        .merge(tools::router())
        .merge(usage::router())
        .merge(admin::router())
        .merge(crate::media::diagnostics_router())
}
