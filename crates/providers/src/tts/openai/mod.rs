//! OpenAI `POST /v1/audio/speech` (digest §4.2): 24 kHz PCM, resampled to 8 kHz mu-law.

mod pcm;
mod speech;

pub use pcm::PcmToMulaw;
pub use speech::{OpenAiSpeech, OpenAiSpeechConfig};

pub const NAME: &str = "openai";
