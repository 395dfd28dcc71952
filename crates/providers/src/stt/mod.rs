//! Speech-to-text for the call path.
//!
//! * [`StreamingStt`]: the role trait (object safe; a chain holds `Arc<dyn StreamingStt>`).
//!   [`StreamingStt::open`] returns an [`SttStream`]: push audio, `KeepAlive`, `Finalize`,
//!   `CloseStream` through its [`SttSender`]; read [`SttEvent`]s from its [`SttEvents`].
//! * [`deepgram`]: the live WebSocket client ([`DeepgramLive`]) and the prerecorded POST.
//! * [`batch`]: whole-file providers ([`BatchStt`]): the OpenAI-compatible
//!   `/v1/audio/transcriptions` client, and [`VadSegmented`], which makes any of them a
//!   [`StreamingStt`] by cutting the call into utterances with our VAD.
//! * [`FallbackStt`]: several providers in order; on an error or a final that comes too late
//!   after the caller stops speaking, the next one takes over mid-call and the switch is
//!   reported as [`SttEvent::ProviderSwitched`].

pub mod batch;
pub mod deepgram;
mod events;
mod fallback;
mod options;
mod stream;
mod tls;

pub use batch::{BatchAudio, BatchStt, BatchTranscript, VadSegmented};
pub use deepgram::{DeepgramConfig, DeepgramLive, DeepgramPrerecorded};
pub use events::{ProviderSwitch, StreamMetadata, SttEvent, Transcript, Word};
pub use fallback::{FallbackPolicy, FallbackStt};
pub use options::{AudioEncoding, StreamOptions};
pub use stream::{
    COMMAND_CAPACITY, Command, DriverEnds, EVENT_CAPACITY, StreamingStt, SttEvents, SttSender,
    SttStream,
};
