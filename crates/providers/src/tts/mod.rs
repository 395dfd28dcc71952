//! Text-to-speech: the streaming role the call engine speaks through, its clients and the
//! fallback chain.
//!
//! The call path streams as early as it can: LLM tokens -> clause chunker -> TTS -> carrier.
//! So a synthesis is a *stream*: [`StreamingTts::open`] gives a [`TtsStream`] into which the
//! engine pushes clauses as the LLM produces them ([`TtsInput::send_text`], [`TtsInput::flush`],
//! [`TtsInput::close`]) while it reads mu-law 8 kHz audio out of it ([`TtsOutput::next`]).
//! Audio is always G.711 mu-law at 8 kHz, what the carrier plays, whatever the provider makes.
//! [`TtsInput::cancel`] (barge-in) closes or aborts the upstream connection at once.
//!
//! Clients (each with a configurable base URL, timeouts and typed errors):
//! * [`elevenlabs::ElevenLabsTts`]: the `stream-input` WebSocket (`ulaw_8000`), one socket
//!   per turn.
//! * [`elevenlabs::ElevenLabsMultiStream`]: the `multi-stream-input` WebSocket, one socket per
//!   call and one context per turn; barge-in closes only the context.
//! * [`elevenlabs::ElevenLabsHttpTts`]: HTTP streaming, one request per flushed segment; also
//!   the voice listing.
//! * [`openai::OpenAiSpeech`]: `/audio/speech` with 24 kHz PCM, resampled to 8 kHz mu-law.
//! * [`deepgram::DeepgramAura`]: the Aura `speak` WebSocket with `encoding=mulaw`.
//! * [`fallback::FallbackTts`]: tries providers in order and records every switch.

mod api_key;
mod clock;
pub mod deepgram;
pub mod elevenlabs;
pub(crate) mod errors;
pub mod fallback;
mod meter;
pub mod openai;
mod provider;
mod retry;
mod segmented;
mod stream;
mod types;
pub(crate) mod ws;

pub use api_key::ApiKey;
pub use fallback::{FallbackEntry, FallbackSwitch, FallbackTts, SwitchReason};
pub use openai::PcmToMulaw;
pub use provider::StreamingTts;
pub use retry::RetryPolicy;
pub use stream::{TtsInput, TtsOutput, TtsStream};
pub use types::{Alignment, AudioChunk, TtsEvent, Voice, VoiceConfig, VoiceSettings};
