//! The fallback chain for the TTS role: providers in order; when one fails or misses its
//! first-byte budget, the next takes over the same stream, and the switch is recorded (as a
//! [`TtsEvent::ProviderSwitched`](super::TtsEvent) in the stream, in [`FallbackTts::switches`]
//! and in the log).

mod chain;
mod driver;
mod switch;

pub use chain::{FallbackEntry, FallbackTts};
pub use switch::{FallbackSwitch, SwitchReason};
