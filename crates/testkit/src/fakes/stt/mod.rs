//! Fakes of the speech-to-text providers:
//!
//! * [`deepgram::FakeDeepgram`]: Deepgram's live `/v1/listen` WebSocket and prerecorded POST.
//!   It hears the caller's audio with our VAD and answers with scripted transcripts at the
//!   moments Deepgram would (`SpeechStarted`, interims, a `speech_final` final after the
//!   endpointing silence, `UtteranceEnd`), with an exact configurable latency.
//! * [`openai::FakeTranscriptions`]: the OpenAI-compatible `/v1/audio/transcriptions`.

pub mod deepgram;
pub mod openai;

pub use deepgram::{DeepgramScript, FakeDeepgram};
pub use openai::{FakeTranscriptions, TranscriptionsScript};
