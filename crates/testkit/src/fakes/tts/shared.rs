//! What the three TTS fakes share: their state, the server handle and the fault plumbing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::fakes::{FakeServer, Recorded, Recorder};

use super::config::FakeTtsConfig;

/// State behind every handler of one fake.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: FakeTtsConfig,
    pub recorder: Recorder,
    /// Requests and WebSocket upgrades seen (faults with `fail_first` count these).
    requests: AtomicUsize,
    /// Streams the client abandoned before their end (closed socket, dropped body).
    aborted: AtomicUsize,
}

impl Shared {
    pub fn new(config: FakeTtsConfig) -> Arc<Self> {
        Arc::new(Self {
            config,
            recorder: Recorder::default(),
            requests: AtomicUsize::new(0),
            aborted: AtomicUsize::new(0),
        })
    }

    /// Records an HTTP request (or upgrade) and counts it; returns its number (0-based).
    pub fn record_http(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> usize {
        self.recorder
            .push(Recorded::http(method.as_str(), uri, headers, body));
        self.requests.fetch_add(1, Ordering::SeqCst)
    }

    /// Whether faults apply to request number `n`.
    pub fn faulty(&self, n: usize) -> bool {
        self.config.fail_first.is_none_or(|first| n < first)
    }

    /// The injected HTTP error for request `n`, if any.
    pub fn injected_error(&self, n: usize) -> Option<Response> {
        let (status, body) = self
            .config
            .faults
            .http_error
            .clone()
            .filter(|_| self.faulty(n))?;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, [("content-type", "application/json")], body).into_response();
        if let (StatusCode::TOO_MANY_REQUESTS, Some(secs)) = (status, self.config.retry_after_secs)
        {
            response.headers_mut().insert("retry-after", secs.into());
        }
        Some(response)
    }

    /// The injected close (code, reason) for stream `n`, if any.
    pub fn injected_close(&self, n: usize) -> Option<(u16, String)> {
        self.config
            .faults
            .ws_close
            .clone()
            .filter(|_| self.faulty(n))
    }

    pub fn aborted(&self) {
        self.aborted.fetch_add(1, Ordering::SeqCst);
    }
}

/// A running TTS fake.
pub struct FakeTts {
    server: FakeServer,
    shared: Arc<Shared>,
}

/// Which provider a [`FakeTts`] plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtsVendor {
    /// `stream-input` and `multi-stream-input` WebSockets, HTTP `stream`, `voices`.
    ElevenLabs,
    /// `POST /v1/audio/speech` (`pcm` and `wav`).
    OpenAiSpeech,
    /// Aura `GET /v1/speak` WebSocket.
    DeepgramAura,
}

impl FakeTts {
    /// ElevenLabs on a free port.
    pub async fn elevenlabs(config: FakeTtsConfig) -> std::io::Result<Self> {
        Self::start_on(TtsVendor::ElevenLabs, config, 0).await
    }

    /// OpenAI speech on a free port.
    pub async fn openai_speech(config: FakeTtsConfig) -> std::io::Result<Self> {
        Self::start_on(TtsVendor::OpenAiSpeech, config, 0).await
    }

    /// Deepgram Aura on a free port.
    pub async fn deepgram_aura(config: FakeTtsConfig) -> std::io::Result<Self> {
        Self::start_on(TtsVendor::DeepgramAura, config, 0).await
    }

    /// `vendor`'s fake on `port` (0: any free port; a fixed one for `switchboard fakes`).
    pub async fn start_on(
        vendor: TtsVendor,
        config: FakeTtsConfig,
        port: u16,
    ) -> std::io::Result<Self> {
        let router = match vendor {
            TtsVendor::ElevenLabs => super::elevenlabs::router,
            TtsVendor::OpenAiSpeech => super::openai_speech::router,
            TtsVendor::DeepgramAura => super::deepgram_aura::router,
        };
        let shared = Shared::new(config);
        let server = FakeServer::start(router(shared.clone()), port).await?;
        Ok(Self { server, shared })
    }

    pub fn http_url(&self) -> String {
        self.server.http_url()
    }

    pub fn ws_url(&self) -> String {
        self.server.ws_url()
    }

    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// Requests and upgrades received so far.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Streams the client abandoned before their end: a WebSocket closed by the client while
    /// audio was still owed, an HTTP body dropped half-way.
    pub fn aborted_streams(&self) -> usize {
        self.shared.aborted.load(Ordering::SeqCst)
    }

    /// The text messages received on WebSockets, parsed, in order.
    pub fn ws_messages(&self) -> Vec<serde_json::Value> {
        self.recorder()
            .all()
            .into_iter()
            .filter_map(|r| match r {
                Recorded::WsText { text, .. } => serde_json::from_str(&text).ok(),
                _ => None,
            })
            .collect()
    }

    /// Whether a client closed a WebSocket (sent a close frame or hung up).
    pub fn saw_ws_close(&self) -> bool {
        self.recorder()
            .all()
            .iter()
            .any(|r| matches!(r, Recorded::WsClosed { .. }))
    }
}

/// Query string as a map.
pub(crate) fn query_map(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Minimal `application/x-www-form-urlencoded` decoding (enough for our own clients).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
