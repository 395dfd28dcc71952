//! What every fake shares: a server on 127.0.0.1:0, fault knobs and a recorder.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A fake running on a local port. Dropping it stops the server.
pub struct FakeServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Serves `router` on 127.0.0.1 at `port` (0 for any free port).
    pub async fn start(router: axum::Router, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        // Like the real services, answer small messages at once (no Nagle delay).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self { addr, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base URL to configure a client with.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Latency and fault knobs. Latencies are exact (a benchmark subtracts them), so a fake sleeps
/// precisely `first_byte` before its first byte and paces the rest by `per_chunk`.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Delay before the first byte, token, transcript or audio chunk.
    pub first_byte: Duration,
    /// Delay between later chunks (tokens, audio chunks, SSE events).
    pub per_chunk: Duration,
    /// Answer every request with this HTTP status and body instead of the real answer
    /// (e.g. 429 with a `retry-after`, 500, 401).
    pub http_error: Option<(u16, String)>,
    /// Close WebSocket streams with this code and reason instead of answering.
    pub ws_close: Option<(u16, String)>,
    /// Drop the connection after this many chunks of a stream, without a clean end.
    pub drop_after_chunks: Option<usize>,
}

impl Faults {
    /// Answer every request with HTTP `status` and `body` (the provider's error shape).
    pub fn http_error(status: u16, body: impl Into<String>) -> Self {
        Faults {
            http_error: Some((status, body.into())),
            ..Faults::default()
        }
    }
}

/// One thing a fake received: an HTTP request or a WebSocket message, in arrival order.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    Http {
        method: String,
        path: String,
        query: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    WsText {
        path: String,
        text: String,
    },
    WsBinary {
        path: String,
        bytes: usize,
    },
    WsClosed {
        path: String,
    },
}

impl Recorded {
    /// An HTTP request (or WebSocket upgrade) as it arrived.
    pub fn http(
        method: &str,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        body: &[u8],
    ) -> Self {
        Recorded::Http {
            method: method.to_owned(),
            path: uri.path().to_owned(),
            query: uri.query().unwrap_or_default().to_owned(),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        }
    }
}

/// What a fake received, shared between the fake and the test that asserts on it.
///
/// It keeps the latest [`Recorder::CAPACITY`] items, so that a fake serving a load test or a
/// long development session (one item per audio frame) does not grow without bound.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<VecDeque<Recorded>>>);

impl Recorder {
    /// Far more than any test asserts on; about ten minutes of one call's audio frames.
    pub const CAPACITY: usize = 30_000;

    pub fn push(&self, item: Recorded) {
        let mut items = self.0.lock().expect("recorder lock");
        if items.len() == Self::CAPACITY {
            items.pop_front();
        }
        items.push_back(item);
    }

    pub fn all(&self) -> Vec<Recorded> {
        self.0
            .lock()
            .expect("recorder lock")
            .iter()
            .cloned()
            .collect()
    }

    pub fn clear(&self) {
        self.0.lock().expect("recorder lock").clear();
    }
}
