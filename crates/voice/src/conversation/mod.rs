//! The conversation engine: a [`Brain`](crate::Brain) that listens with streaming STT,
//! thinks with an LLM and answers with streaming TTS ([`ConversationBrain`]), and its
//! speech-to-speech sibling over the OpenAI Realtime API ([`RealtimeBrain`]), which shares
//! its spec, policies, tools and records.
//!
//! Shape (DESIGN §5): the session's reader hands the caller's audio to the STT stream;
//! transcripts and the session's VAD decide when the caller's turn is over; each answer is a
//! reply task streaming LLM tokens through the clause chunker into TTS and the call; caller
//! speech over the agent pauses it, and the caller's words decide between an interruption
//! and a backchannel. Everything worth keeping goes out as [`CallRecord`]s as it happens.
//!
//! [`CallRecord`]: crate::records::CallRecord

mod brain;
mod log;
mod providers;
mod realtime;
mod remote;
mod reply;
mod spec;
mod state;
mod timers;
mod tools;

pub use brain::ConversationBrain;
pub use providers::{ConversationProviders, PriceList, ProviderNames, UnitPrices};
pub use realtime::{DEFAULT_INPUT_TRANSCRIPTION, RealtimeBrain};
pub use remote::{MAX_SPOKEN_CHARS, RemoteControl, RemoteError, spoken_text};
pub use spec::{BuiltinTool, ConversationSpec, DurationPolicy, SilencePolicy, TurnPolicy};
pub use tools::ToolRunner;
