//! WebSocket plumbing shared by the ElevenLabs, Deepgram Aura and OpenAI Realtime clients:
//! connecting with a timeout over rustls (the *ring* provider, chosen explicitly), refused
//! upgrades mapped like HTTP errors, and a bounded goodbye.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::ProviderError;
use crate::error::Phase;

use super::api_key::ApiKey;
use super::clock::GOODBYE;
use super::errors;

pub(crate) type WsStream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `url` (ws:// or wss://) with extra upgrade headers, within `timeout`.
pub(crate) async fn connect(
    provider: &'static str,
    url: &str,
    headers: &[(&'static str, String)],
    key: &ApiKey,
    timeout: Duration,
) -> Result<WsStream, ProviderError> {
    let invalid = |what: &str| ProviderError::BadRequest {
        provider,
        status: 0,
        message: format!("invalid {what}"),
    };
    let mut request = url.into_client_request().map_err(|_| invalid("URL"))?;
    for (name, value) in headers {
        let mut value = HeaderValue::from_str(value).map_err(|_| invalid("header value"))?;
        value.set_sensitive(true);
        request.headers_mut().insert(*name, value);
    }
    let connector = url
        .starts_with("wss://")
        .then(|| Connector::Rustls(tls_config()));
    // Nagle off: a chunk's text and its flush are small writes back to back, and the flush
    // would otherwise wait for the provider's delayed ACK (40 ms on Linux) before it leaves.
    let connecting = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(crate::ws_config()),
        true,
        connector,
    );
    match tokio::time::timeout(timeout, connecting).await {
        Err(_) => Err(ProviderError::Timeout {
            provider,
            phase: Phase::Connect,
            after: timeout,
        }),
        Ok(Ok((ws, _response))) => Ok(ws),
        Ok(Err(error)) => Err(from_handshake(provider, error, key)),
    }
}

fn from_handshake(provider: &'static str, error: WsError, key: &ApiKey) -> ProviderError {
    match error {
        WsError::Http(response) => {
            let body = response.body().as_deref().unwrap_or_default();
            errors::from_status(
                provider,
                response.status().as_u16(),
                response.headers(),
                body,
                key,
            )
        }
        WsError::Io(_) => ProviderError::Upstream {
            provider,
            message: "connection failed".into(),
        },
        WsError::Tls(_) => ProviderError::Upstream {
            provider,
            message: "TLS handshake failed".into(),
        },
        other => ProviderError::Upstream {
            provider,
            message: format!("WebSocket handshake failed: {}", kind(&other)),
        },
    }
}

/// A short description of a WebSocket error without any payload.
pub(crate) fn kind(error: &WsError) -> &'static str {
    match error {
        WsError::ConnectionClosed | WsError::AlreadyClosed => "connection closed",
        WsError::Io(_) => "connection lost",
        WsError::Protocol(_) => "protocol violation (connection dropped?)",
        WsError::Capacity(_) => "message too large",
        _ => "WebSocket error",
    }
}

/// Sends a normal close frame, waiting at most [`GOODBYE`] so a dead peer cannot stall us.
pub(crate) async fn goodbye(ws: &mut WsStream) {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let _ = tokio::time::timeout(GOODBYE, ws.close(Some(frame))).await;
}

/// A JSON text frame.
pub(crate) fn json(value: &serde_json::Value) -> Message {
    Message::text(value.to_string())
}

fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
            Arc::new(config)
        })
        .clone()
}
