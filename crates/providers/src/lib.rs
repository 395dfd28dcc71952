//! Clients for the AI providers a call uses: speech-to-text, language models, text-to-speech
//! and speech-to-speech. Each speaks its provider's wire format exactly (see
//! `shared/protocols/ai-providers.md`), takes its base URL from configuration, bounds every
//! phase with a timeout, reports usage for metering, and never puts a secret in an error.

mod cancellable;
pub mod error;
pub mod llm;
pub mod realtime;
mod retry_after;
pub mod stt;
pub mod timeouts;
pub mod tts;
pub mod usage;

pub use error::{Phase, ProviderError};
pub use timeouts::Timeouts;
pub use usage::Usage;

/// WebSocket settings of every streaming client. The read buffer is small: provider messages
/// are a few KiB at most (larger ones still arrive whole), and tungstenite allocates the
/// buffer per socket and zero-fills it on every read, so its 128 KiB default costs memory per
/// call and CPU per message.
pub(crate) fn ws_config() -> tokio_tungstenite::tungstenite::protocol::WebSocketConfig {
    tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(8 * 1024)
}
