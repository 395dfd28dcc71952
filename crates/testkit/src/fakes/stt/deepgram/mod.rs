//! A fake Deepgram (digest §1): `GET /v1/listen` upgrades to the live WebSocket, `POST
//! /v1/listen` is the prerecorded API. Both check the key and the query as Deepgram does.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use switchboard_testkit::fakes::stt::{DeepgramScript, FakeDeepgram};
//! let script = DeepgramScript {
//!     utterances: vec!["book a table for two".into(), "at eight".into()],
//!     final_latency: Duration::from_millis(150),
//!     ..DeepgramScript::new("test-key")
//! };
//! let fake = FakeDeepgram::start(script).await?;
//! let base_url = fake.ws_url(); // ws://127.0.0.1:PORT, for the client's config
//! # let _ = base_url; Ok(()) }
//! ```

mod endpoint;
mod engine;
mod handshake;
mod live;
mod prerecorded;
mod wire;

pub use endpoint::endpoint_wait;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;

use crate::fakes::{FakeServer, Faults, Recorder};

/// What the fake says and how it misbehaves.
#[derive(Debug, Clone)]
pub struct DeepgramScript {
    /// The key a request must present (`Authorization: Token <key>` or `Bearer <key>`).
    pub api_key: String,
    /// Transcript of each utterance the VAD finds, in order; later ones are empty.
    pub utterances: Vec<String>,
    /// From the moment the audio completing the endpointing silence arrives to the final
    /// being sent (also applied to `Finalize` and `CloseStream` flushes). Exact.
    pub final_latency: Duration,
    /// Audio time between interim results while the caller speaks (each reveals one more word).
    pub interim_every: Duration,
    /// During silence, an empty final every this much audio. Deepgram appears to do this; the
    /// digest does not say, so treat it as an assumption. `None`: silence gets no results.
    pub silence_final_every: Option<Duration>,
    /// Without audio or KeepAlive this long the fake closes with `1011 NET-0001` (Deepgram: 10 s).
    pub inactivity_timeout: Duration,
    /// Once this much audio has arrived, close with this code and reason (e.g. `1011`,
    /// `NET-0000`, or `1008`, `DATA-0000`).
    pub close_at_audio: Option<(Duration, u16, String)>,
    /// Once this much audio has arrived, stop answering at all (a hung provider).
    pub stall_at_audio: Option<Duration>,
    /// Shared knobs: `http_error` refuses the upgrade/POST, `ws_close` closes a stream at once,
    /// `drop_after_chunks` drops the connection after that many server messages, `first_byte`
    /// delays the first message (and the prerecorded answer).
    pub faults: Faults,
}

impl DeepgramScript {
    /// No transcripts, 150 ms final latency, an interim every 500 ms, empty finals every 3 s of
    /// silence, Deepgram's 10 s inactivity limit, no faults.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            utterances: Vec::new(),
            final_latency: Duration::from_millis(150),
            interim_every: Duration::from_millis(500),
            silence_final_every: Some(Duration::from_secs(3)),
            inactivity_timeout: Duration::from_secs(10),
            close_at_audio: None,
            stall_at_audio: None,
            faults: Faults::default(),
        }
    }
}

pub(crate) struct Shared {
    pub script: DeepgramScript,
    pub recorder: Recorder,
}

/// A running fake Deepgram.
pub struct FakeDeepgram {
    server: FakeServer,
    recorder: Recorder,
}

impl FakeDeepgram {
    /// Starts on a free port.
    pub async fn start(script: DeepgramScript) -> std::io::Result<Self> {
        Self::start_on(script, 0).await
    }

    /// Starts on `port` (0: any free port).
    pub async fn start_on(script: DeepgramScript, port: u16) -> std::io::Result<Self> {
        let recorder = Recorder::default();
        let shared = Arc::new(Shared {
            script,
            recorder: recorder.clone(),
        });
        let router = Router::new()
            .route(
                "/v1/listen",
                get(live::upgrade).post(prerecorded::transcribe),
            )
            .with_state(shared);
        let server = FakeServer::start(router, port).await?;
        Ok(Self { server, recorder })
    }

    /// `ws://127.0.0.1:PORT`: the live client's base URL.
    pub fn ws_url(&self) -> String {
        self.server.ws_url()
    }

    /// `http://127.0.0.1:PORT`: the prerecorded client's base URL.
    pub fn http_url(&self) -> String {
        self.server.http_url()
    }

    /// Everything received: the upgrade or POST request, then each WebSocket message.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }
}
