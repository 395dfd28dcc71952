//! The TTS role as the call engine sees it.

use futures_util::future::BoxFuture;

use crate::ProviderError;

use super::stream::{TtsOutput, TtsStream};
use super::types::{Voice, VoiceConfig};

/// A text-to-speech provider that streams mu-law 8 kHz audio. Object safe: a fallback chain
/// holds `Vec<Arc<dyn StreamingTts>>`.
pub trait StreamingTts: Send + Sync {
    /// Short provider name for logs, metrics and switch records (`"elevenlabs"`, ...).
    fn name(&self) -> &'static str;

    /// Opens a synthesis stream. WebSocket providers connect here (bounded by the connect
    /// timeout), so a provider that is down fails at open, before any text was given to it.
    fn open(&self, voice: VoiceConfig) -> BoxFuture<'_, Result<TtsStream, ProviderError>>;

    /// One-shot: synthesises `text` and streams the audio.
    fn synthesize(
        &self,
        voice: VoiceConfig,
        text: String,
    ) -> BoxFuture<'_, Result<TtsOutput, ProviderError>> {
        Box::pin(async move {
            let (input, output) = self.open(voice).await?.split();
            // A failed send means the stream already ended; the output says why.
            let _ = input.send_text(text).await;
            let _ = input.close().await;
            Ok(output)
        })
    }

    /// The voices the provider offers; empty when it has no listing (Deepgram Aura voices
    /// are model names).
    fn list_voices(&self) -> BoxFuture<'_, Result<Vec<Voice>, ProviderError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}
