//! The call engine: one [`Session`] per live call — media in, turn-taking, barge-in, paced
//! media out — and the [`Brain`]s that decide what the agent says.
//!
//! The server accepts a carrier's media WebSocket, adapts it to a stream of [`WsIn`] and a
//! sink of [`WsOut`], and calls [`Session::run`] with a [`StreamAuthenticator`] that maps
//! the stream token in the carrier's `start` to a [`CallContext`] (call id and brain). The
//! run returns a [`SessionReport`] however the call ended.
//!
//! Inside, the session follows DESIGN §5: a reader task (carrier frames, VAD), the turn
//! logic (barge-in, playback tracking, latencies), the brain, and a paced writer, joined by
//! bounded channels, with control messages on a priority path. See [`session`'s
//! docs](Session) and the module docs of each part.
//!
//! Building blocks of the LLM agent brain: [`agent::chunker`] (streamed LLM text to speakable
//! chunks), [`agent::backchannel`] (whether caller speech interrupts) and [`tools`]
//! (tenant-defined HTTP tools).

pub mod agent;
mod auth;
pub mod brain;
mod config;
pub mod conversation;
mod error;
pub mod records;
mod report;
mod session;
pub mod tools;
mod transport;

pub use auth::{CallContext, FnAuthenticator, StreamAuthenticator, auth_fn};
pub use brain::{
    BargeInMode, Brain, BrainEvent, BrainIo, BrainSpec, CallInfo, EchoBrain, Turn, TurnId,
    Utterance,
};
pub use config::SessionConfig;
pub use error::VoiceError;
pub use report::{Anomalies, BargeInReport, EndReason, SessionReport, TurnReport};
pub use session::Session;
pub use transport::{CloseFrame, MAX_CLOSE_REASON_BYTES, WsIn, WsOut, close_code};
