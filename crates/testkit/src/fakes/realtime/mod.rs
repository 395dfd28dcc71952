//! A fake OpenAI Realtime API (digest §5, GA naming): `GET /v1/realtime?model=…` upgrades to
//! the WebSocket when `Authorization: Bearer <key>` is right. It answers `session.created`
//! and `session.updated`, hears the caller's mu-law audio with our VAD (speech started,
//! stopped, committed, at the audio's own clock), and answers each response from a script:
//! a tone as `response.output_audio.delta`s with its transcript, and/or a function call,
//! then `response.done` with usage. It refuses, with an `error` event as the service does,
//! unknown event types, bad base64, unknown session fields and unsupported audio formats;
//! honours `response.cancel` and `conversation.item.truncate`; and records every client
//! event.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use switchboard_testkit::fakes::realtime::{FakeRealtime, RealtimeScript, Reply};
//! let script = RealtimeScript {
//!     caller_said: vec!["a table for two".into()],
//!     replies: vec![Reply::say("For when?")],
//!     ..RealtimeScript::default()
//! };
//! let fake = FakeRealtime::start(script).await?;
//! let base_url = fake.url(); // ws://127.0.0.1:PORT/v1/realtime, the client's base URL
//! # let _ = base_url; Ok(()) }
//! ```

mod contract;
mod ears;
mod handshake;
mod reply;
mod session;
mod wire;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::fakes::{FakeServer, Faults, Recorded, Recorder};

/// The key the fake accepts unless told otherwise.
pub const FAKE_REALTIME_KEY: &str = "sk-fake-realtime-0123456789";

/// What the fake hears and says, and how it misbehaves.
#[derive(Debug, Clone)]
pub struct RealtimeScript {
    /// The only key accepted (`Authorization: Bearer <key>`).
    pub api_key: String,
    /// What the caller said in each utterance the VAD finds, in order: sent as the input
    /// transcript when transcription is on. Later utterances get an empty transcript.
    pub caller_said: Vec<String>,
    /// One answer per response, in order, whether a finished turn or a `response.create`
    /// started it. Once they run out, responses are empty.
    pub replies: Vec<Reply>,
    /// Audio made per character of an answer's text.
    pub ms_per_char: u32,
    /// Audio per `response.output_audio.delta`.
    pub chunk_ms: u32,
    /// Frequency of the tone the fake "speaks".
    pub tone_hz: f32,
    /// Pace the deltas in real time (one `chunk_ms` chunk every `chunk_ms`); otherwise
    /// `faults.per_chunk` apart.
    pub real_time: bool,
    /// After this many audio deltas, send nothing more for that response (a hung stream).
    pub stall_after_chunks: Option<usize>,
    /// `first_byte`: from the event that starts a response to its first audio. `http_error`
    /// refuses the upgrade; `ws_close` closes with that code when the first response would
    /// start; `drop_after_chunks` drops the connection, without a close frame, after that
    /// many audio deltas.
    pub faults: Faults,
}

impl Default for RealtimeScript {
    /// [`FAKE_REALTIME_KEY`], nothing scripted, 60 ms of audio per character in 100 ms
    /// deltas sent as fast as possible, no faults.
    fn default() -> Self {
        Self {
            api_key: FAKE_REALTIME_KEY.into(),
            caller_said: Vec::new(),
            replies: Vec::new(),
            ms_per_char: 60,
            chunk_ms: 100,
            tone_hz: 440.0,
            real_time: false,
            stall_after_chunks: None,
            faults: Faults::default(),
        }
    }
}

/// One scripted response.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Speak `text` (audio and transcript; nothing when empty), then call a function if set.
    Answer {
        text: String,
        function_call: Option<ScriptedCall>,
    },
    /// An `error` event instead of a response; the session stays open.
    Error {
        /// The error's `type`, e.g. `invalid_request_error` or `server_error`.
        kind: String,
        code: String,
        message: String,
    },
    /// `response.created`, then nothing: a hung model.
    Hang,
}

/// A function call the model makes.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedCall {
    pub name: String,
    /// JSON text.
    pub arguments: String,
}

impl Reply {
    pub fn say(text: impl Into<String>) -> Self {
        Reply::Answer {
            text: text.into(),
            function_call: None,
        }
    }

    pub fn call(name: impl Into<String>, arguments: impl Into<String>) -> Self {
        Reply::Answer {
            text: String::new(),
            function_call: Some(ScriptedCall {
                name: name.into(),
                arguments: arguments.into(),
            }),
        }
    }

    pub fn error(
        kind: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Reply::Error {
            kind: kind.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

pub(crate) struct Shared {
    pub script: RealtimeScript,
    pub recorder: Recorder,
}

/// A running fake Realtime API.
pub struct FakeRealtime {
    server: FakeServer,
    recorder: Recorder,
}

impl FakeRealtime {
    /// Starts on a free port.
    pub async fn start(script: RealtimeScript) -> std::io::Result<Self> {
        Self::start_on(script, 0).await
    }

    /// Starts on `port` (0: any free port).
    pub async fn start_on(script: RealtimeScript, port: u16) -> std::io::Result<Self> {
        let recorder = Recorder::default();
        let shared = Arc::new(Shared {
            script,
            recorder: recorder.clone(),
        });
        let router = Router::new()
            .route(handshake::PATH, get(handshake::upgrade))
            .with_state(shared);
        let server = FakeServer::start(router, port).await?;
        Ok(Self { server, recorder })
    }

    /// `ws://127.0.0.1:PORT/v1/realtime`: the client's base URL.
    pub fn url(&self) -> String {
        format!("{}{}", self.server.ws_url(), handshake::PATH)
    }

    /// `ws://127.0.0.1:PORT`.
    pub fn ws_url(&self) -> String {
        self.server.ws_url()
    }

    /// Everything received: each upgrade request, each client event, each close.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The client events received so far, parsed, in order (unparseable ones left out).
    pub fn client_events(&self) -> Vec<serde_json::Value> {
        self.recorder
            .all()
            .into_iter()
            .filter_map(|r| match r {
                Recorded::WsText { text, .. } => serde_json::from_str(&text).ok(),
                _ => None,
            })
            .collect()
    }

    /// The client events of one `type`.
    pub fn client_events_of(&self, kind: &str) -> Vec<serde_json::Value> {
        self.client_events()
            .into_iter()
            .filter(|e| e["type"] == kind)
            .collect()
    }

    /// How many sessions the client closed or abandoned.
    pub fn closed_sessions(&self) -> usize {
        self.recorder
            .all()
            .iter()
            .filter(|r| matches!(r, Recorded::WsClosed { .. }))
            .count()
    }
}
