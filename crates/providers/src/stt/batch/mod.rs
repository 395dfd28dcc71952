//! Whole-file transcription: a role trait for providers that take a finished recording, the
//! OpenAI-compatible `/v1/audio/transcriptions` client, and [`VadSegmented`], which cuts a live
//! call into utterances with our VAD so such a provider can still serve a call.

mod audio;
pub(crate) mod http;
mod multipart;
mod openai;
mod segmented;

pub use audio::{BatchAudio, WavFormat};
pub use openai::{OpenAiTranscriber, OpenAiTranscriptionConfig, ResponseFormat};
pub use segmented::{SegmenterConfig, VadSegmented};

use std::time::Duration;

use futures_util::future::BoxFuture;

use super::events::Word;
use crate::{ProviderError, Usage};

/// A provider that transcribes a finished recording. Object safe.
pub trait BatchStt: Send + Sync {
    /// A label for logs and switch records.
    fn name(&self) -> &str;

    fn transcribe(
        &self,
        audio: BatchAudio,
    ) -> BoxFuture<'_, Result<BatchTranscript, ProviderError>>;
}

/// The result of one batch transcription.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchTranscript {
    pub text: String,
    /// Overall confidence when the provider gives one.
    pub confidence: Option<f32>,
    /// Detected or requested language, when reported.
    pub language: Option<String>,
    /// Audio length by the provider's count, when reported.
    pub duration: Option<Duration>,
    /// Word timings, when the provider gave them.
    pub words: Vec<Word>,
    pub request_id: Option<String>,
    /// `audio_ms` always (from the audio sent); tokens when the provider reports them.
    pub usage: Usage,
}
