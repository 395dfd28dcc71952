//! Carrier protocols: media-stream codecs (Twilio, Telnyx), Twilio webhook
//! signatures and TwiML.
//!
//! Nothing here does I/O. The server's media endpoint feeds WebSocket text
//! frames to a [`media::MediaDecoder`] and writes what a
//! [`media::MediaEncoder`] produces; webhooks check
//! [`twilio::signature`]; voice webhooks answer with [`twiml::Response`].

mod error;
pub mod media;
pub mod twilio;
pub mod twiml;
mod wire;

pub use error::ParseError;
