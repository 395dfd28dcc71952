//! Fakes of the TTS providers (digest §2, §4.2, §6.1), each a real server on 127.0.0.1 that
//! produces real audio (a tone whose length is proportional to the text) in the requested
//! format, refuses what the real service refuses, applies [`Faults`](super::Faults) exactly and
//! records what it received.
//!
//! ```ignore
//! let fake = FakeTts::elevenlabs(FakeTtsConfig::default()).await?;
//! let config = ElevenLabsConfig::new(ApiKey::new(FAKE_KEY)).with_base(fake.http_url(), fake.ws_url());
//! // ... use the client; then assert on fake.recorder().all(), fake.aborted_streams() ...
//! ```

mod audio;
mod config;
mod deepgram_aura;
mod elevenlabs;
mod http;
mod openai_speech;
mod pacer;
mod shared;

pub use audio::{AudioFormat, UnknownFormat, tone};
pub use config::{FAKE_KEY, FakeTtsConfig};
pub use shared::{FakeTts, TtsVendor};
