//! Wire-faithful fakes of outside services. Each is a real server on 127.0.0.1:0 that speaks
//! the provider's format from `shared/protocols/`, refuses what the real service refuses, is
//! driven by a script, has knobs for latency and faults, and records what it received.

mod server;

pub mod llm;
pub mod realtime;
pub mod stt;
pub mod suite;
pub mod telnyx;
pub mod tts;
pub mod twilio;
pub mod voipms;

pub use server::{FakeServer, Faults, Recorded, Recorder};

/// The read buffer of the fakes' WebSockets: tungstenite's 128 KiB default is zero-filled on
/// every read, which a load test with many streams pays for in CPU.
pub(crate) const FAKE_READ_BUFFER: usize = 4 * 1024;
