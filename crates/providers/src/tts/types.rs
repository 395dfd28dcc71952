//! The vocabulary of the TTS role: what to say it with, and what comes back.

use crate::Usage;

use super::fallback::FallbackSwitch;

/// Which voice to synthesise with. Providers read the fields they know: `voice_id` is an
/// ElevenLabs voice id, an OpenAI voice name (`marin`, or `voice_...` for a custom voice) or
/// a Deepgram Aura model (`aura-2-thalia-en`, where voice and model are one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceConfig {
    pub voice_id: String,
    /// The provider's model; `None` takes the client's default.
    pub model: Option<String>,
    pub settings: VoiceSettings,
    /// BCP-47 / ISO-639 language code, where the provider accepts one.
    pub language: Option<String>,
    /// Free-form style instructions (OpenAI `gpt-4o-mini-tts` only).
    pub instructions: Option<String>,
}

impl VoiceConfig {
    pub fn new(voice_id: impl Into<String>) -> Self {
        Self {
            voice_id: voice_id.into(),
            ..Self::default()
        }
    }

    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }
}

/// Voice tuning. `None` leaves the provider's default; ElevenLabs reads all of them,
/// OpenAI only `speed`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VoiceSettings {
    pub stability: Option<f32>,
    pub similarity_boost: Option<f32>,
    pub style: Option<f32>,
    pub use_speaker_boost: Option<bool>,
    /// Speaking rate, 1.0 normal (ElevenLabs 0.7-1.2, OpenAI 0.25-4.0).
    pub speed: Option<f32>,
}

/// Per-character timing of a chunk, when the provider sends it (ElevenLabs). Times are in
/// milliseconds relative to the start of the chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alignment {
    pub chars: Vec<String>,
    pub start_ms: Vec<u32>,
    pub duration_ms: Vec<u32>,
}

/// A piece of synthesised audio: G.711 mu-law at 8 kHz, in order, any length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudioChunk {
    pub mulaw: Vec<u8>,
    pub alignment: Option<Alignment>,
}

impl AudioChunk {
    /// Length in milliseconds (8 bytes per ms).
    pub fn duration_ms(&self) -> u64 {
        self.mulaw.len() as u64 / 8
    }
}

/// What a [`super::TtsOutput`] yields. A stream ends after `Final` (or an error).
#[derive(Debug, Clone, PartialEq)]
pub enum TtsEvent {
    Audio(AudioChunk),
    /// The provider confirmed everything flushed so far was generated (Deepgram `Flushed`).
    Flushed,
    /// The fallback chain moved to its next provider; the audio that follows comes from it.
    ProviderSwitched(FallbackSwitch),
    /// All input was synthesised. `usage` covers this stream: characters sent and audio
    /// delivered (of the provider that finished it, for a fallback chain).
    Final {
        usage: Usage,
    },
}

/// A voice a provider offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voice {
    pub id: String,
    pub name: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub labels: Vec<(String, String)>,
    pub preview_url: Option<String>,
}
