//! The speech-to-speech brain end to end: a real session over the in-memory carrier, the
//! real Realtime client, and the fake OpenAI Realtime API on 127.0.0.1, in real time (the
//! fake is a network server, so time is not paused).

// The carrier and authenticator of the session tests; this crate uses only part of them.
#[allow(dead_code, unused_imports)]
#[path = "../session/support/mod.rs"]
mod support;

mod harness;

mod barge_in;
mod failures;
mod policies;
mod tools;
mod turns;
