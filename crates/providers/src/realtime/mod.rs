//! Speech to speech with the OpenAI Realtime API (digest §5) for telephone calls: mu-law
//! 8 kHz in and out (`audio/pcmu`), never transcoded, so carrier audio passes straight
//! through.
//!
//! [`OpenAiRealtime::connect`] opens a WebSocket (`Authorization: Bearer`, GA naming unless
//! [`Naming::Beta`]), sends `session.update` and waits for `session.updated`. The returned
//! [`RealtimeStream`] splits into
//! * [`RealtimeInput`]: caller audio (`input_audio_buffer.append`), barge-in
//!   ([`RealtimeInput::truncate`], [`RealtimeInput::cancel_response`]), tool results,
//!   explicit responses, close and cancel;
//! * [`RealtimeOutput`]: typed [`RealtimeEvent`]s. The server's `error` event is
//!   [`RealtimeEvent::Error`] and the session goes on; a close frame, a dropped connection or
//!   a missed deadline ends the stream with an `Err`.
//!
//! Deadlines: `timeouts.connect` for the upgrade; `timeouts.first_byte` for the session
//! acknowledgement and from a requested (or turn-triggered) response to its first audio;
//! `timeouts.idle` between events while audio streams. Caller silence never times out.
//! Dropping both halves cancels the session and closes the socket at once.

mod client;
mod client_events;
mod config;
mod driver;
mod errors;
mod events;
mod server_events;
mod stream;

pub use client::OpenAiRealtime;
pub use config::{
    DEFAULT_BASE_URL, Eagerness, Naming, RealtimeConfig, RealtimeSession, TurnDetection,
};
pub use events::{RealtimeEvent, ResponseStatus, TokenUsage};
pub use stream::{RealtimeInput, RealtimeOutput, RealtimeStream};
