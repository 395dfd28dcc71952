//! `/mcp`: the Model Context Protocol endpoint (Streamable HTTP, protocol 2025-11-25 and
//! 2025-06-18) through which a coding agent phones its user, talks a question through and
//! gets the answer back. Authenticated by a tenant API key as a Bearer token.

mod auth;
pub mod call_me;
mod handler;
mod idle;
mod progress;
mod tools;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::http::AppState;
use handler::McpServer;
use idle::McpCalls;

/// The `/mcp` route, behind API-key authentication.
pub fn router(state: &AppState) -> Router<AppState> {
    let calls = Arc::new(McpCalls::new(Duration::from_secs(
        state.config.mcp.idle_limit_seconds,
    )));
    let factory_state = state.clone();
    let service = StreamableHttpService::new(
        move || Ok(McpServer::new(factory_state.clone(), calls.clone())),
        LocalSessionManager::default().into(),
        transport_config(state),
    );
    Router::new()
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_principal,
        ))
}

/// DNS-rebinding guards that also work behind the public URL: loopback and the public host
/// are accepted `Host`s, and a browser `Origin` must be the public URL's or a configured one.
fn transport_config(state: &AppState) -> StreamableHttpServerConfig {
    let mcp = &state.config.mcp;
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]
        .into_iter()
        .map(String::from)
        .collect();
    let mut origins = mcp.allowed_origins.clone();
    if let Some(public) = state
        .config
        .public_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
    {
        if let Some(host) = public.host_str() {
            hosts.push(host.to_owned());
        }
        origins.push(public.origin().ascii_serialization());
    }
    hosts.extend(mcp.allowed_hosts.iter().cloned());
    StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_sse_keep_alive(Some(Duration::from_secs(15)))
}
