//! Deepgram Aura (digest §6.1): the `speak` WebSocket with `encoding=mulaw&sample_rate=8000`.

mod aura;

pub use aura::{DeepgramAura, DeepgramAuraConfig};

pub const NAME: &str = "deepgram";
