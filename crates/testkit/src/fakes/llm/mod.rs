//! A fake OpenAI-compatible Chat Completions server (`POST /v1/chat/completions`, streamed SSE
//! and whole JSON), following `shared/protocols/ai-providers.md` §3.
//!
//! ```ignore
//! let fake = FakeLlm::start(FakeLlmConfig::openai("sk-test")).await?;
//! fake.push(Reply::text("Sure, two people at eight."));
//! fake.push(Reply::tool_call("call_1", "book", r#"{"n":2}"#));
//! fake.push(Reply::rate_limited(2));
//! fake.set_faults(Faults { first_byte: Duration::from_millis(300), ..Faults::default() });
//! // point a client at fake.base_url() ("http://127.0.0.1:PORT/v1") with key "sk-test"
//! ```
//!
//! Timing is exact so a benchmark can subtract it: headers leave at once, the role chunk and
//! first token at `first_byte` after the request arrived, every later event `per_chunk` after
//! the previous one; errors and whole (non-streamed) replies after `first_byte`.
//!
//! Each request takes the next scripted [`Reply`] (or the default one, or a 500 when the script
//! is empty). Requests that OpenAI would refuse are refused with its error body before any
//! reply is used; every request, refused or not, is recorded.

mod config;
mod contract;
mod emit;
mod handler;
mod render;
mod script;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

pub use config::FakeLlmConfig;
pub use contract::{PATH, Refusal};
pub use script::{Reply, ScriptedCall, ScriptedError, ToolFraming, UsageMode, tokenize};

use super::{FakeServer, Faults, Recorded, Recorder};

/// State shared by the server's handlers and the test's handle.
pub(crate) struct Shared {
    config: FakeLlmConfig,
    script: Mutex<VecDeque<Reply>>,
    default_reply: Mutex<Option<Reply>>,
    faults: Mutex<Faults>,
    recorder: Recorder,
    requests: AtomicU64,
    disconnects: AtomicUsize,
    disconnected: Notify,
}

impl Shared {
    fn note_disconnect(&self) {
        self.disconnects.fetch_add(1, Ordering::SeqCst);
        self.disconnected.notify_waiters();
    }

    fn next_reply(&self) -> Option<Reply> {
        let scripted = self.script.lock().expect("script lock").pop_front();
        scripted.or_else(|| self.default_reply.lock().expect("default lock").clone())
    }
}

/// A running fake LLM server. Dropping it stops the server.
pub struct FakeLlm {
    server: FakeServer,
    shared: Arc<Shared>,
}

impl FakeLlm {
    /// Starts on a free port of 127.0.0.1.
    pub async fn start(config: FakeLlmConfig) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Starts on a given port (for `switchboard fakes`).
    pub async fn start_on(config: FakeLlmConfig, port: u16) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            config,
            script: Mutex::new(VecDeque::new()),
            default_reply: Mutex::new(None),
            faults: Mutex::new(Faults::default()),
            recorder: Recorder::default(),
            requests: AtomicU64::new(0),
            disconnects: AtomicUsize::new(0),
            disconnected: Notify::new(),
        });
        let server = FakeServer::start(handler::router(shared.clone()), port).await?;
        Ok(Self { server, shared })
    }

    /// `http://127.0.0.1:PORT/v1`: the base URL a client is configured with.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.server.http_url())
    }

    pub fn server(&self) -> &FakeServer {
        &self.server
    }

    /// Queues the answer to a later request.
    pub fn push(&self, reply: Reply) {
        self.shared
            .script
            .lock()
            .expect("script lock")
            .push_back(reply);
    }

    /// The answer when the script is empty (`None`: a 500 saying so).
    pub fn set_default(&self, reply: Option<Reply>) {
        *self.shared.default_reply.lock().expect("default lock") = reply;
    }

    /// Latency and fault knobs for every later request; a reply's own settings win.
    /// `http_error` answers with that status and body; `drop_after_chunks` counts SSE events.
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock().expect("faults lock") = faults;
    }

    /// Replies still queued.
    pub fn pending(&self) -> usize {
        self.shared.script.lock().expect("script lock").len()
    }

    pub fn recorder(&self) -> &Recorder {
        &self.shared.recorder
    }

    /// The JSON bodies of every request received on the chat path, refused or not.
    pub fn chat_bodies(&self) -> Vec<Value> {
        self.shared
            .recorder
            .all()
            .into_iter()
            .filter_map(|item| match item {
                Recorded::Http { path, body, .. } if path == PATH => {
                    serde_json::from_slice(&body).ok()
                }
                _ => None,
            })
            .collect()
    }

    /// Streams the client abandoned before their end.
    pub fn disconnects(&self) -> usize {
        self.shared.disconnects.load(Ordering::SeqCst)
    }

    /// Waits until at least `count` streams were abandoned by the client; false on timeout.
    pub async fn wait_for_disconnects(&self, count: usize, within: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.shared.disconnected.notified();
                if self.disconnects() >= count {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(within, wait).await.is_ok()
    }
}
