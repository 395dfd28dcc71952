use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use super::middleware::{MakeUlidRequestId, record_metrics};
use super::openapi::ApiDoc;
use crate::http::{ApiError, AppState};
use crate::routes;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::api())
        .split_for_parts();
    let max_body = state.config.http.max_body_bytes;

    Router::new()
        .merge(api)
        .merge(routes::health::router())
        .merge(crate::media::router())
        .merge(crate::telephony::webhooks::router())
        .merge(crate::mcp::router(&state))
        // The Swagger UI assets are compiled into the binary (the crate's `vendored` feature).
        .merge(SwaggerUi::new("/docs").url("/v1/openapi.json", openapi))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(|_panic| {
            ApiError::internal(anyhow::anyhow!("a handler panicked")).into_response()
        }))
        // Outside the panic catcher, so a panic is counted as the 500 it became.
        .layer(axum::middleware::from_fn_with_state(state.clone(), record_metrics))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    // The path only: query strings are not ours to log.
                    tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeUlidRequestId))
        .with_state(state)
}
