//! ElevenLabs (digest §2): the `stream-input` and `multi-stream-input` WebSockets, HTTP
//! streaming and the voice listing. Audio is requested as `ulaw_8000`, which goes to the
//! carrier without transcoding.

mod config;
mod http;
mod multi_stream;
mod stream_input;
mod voices;
mod wire;

pub use config::{ElevenLabsConfig, KeyPlacement};
pub use http::ElevenLabsHttpTts;
pub use multi_stream::ElevenLabsMultiStream;
pub use stream_input::ElevenLabsTts;

/// The name in logs, errors and switch records.
pub const NAME: &str = "elevenlabs";
