//! Carriers: the [`carrier::Carrier`] role and its REST clients, media-stream codecs
//! (Twilio, Telnyx), webhook signatures and TwiML.
//!
//! Only the REST clients do I/O. The server's media endpoint feeds WebSocket text
//! frames to a [`media::MediaDecoder`] and writes what a
//! [`media::MediaEncoder`] produces; webhooks check
//! [`twilio::signature`]; voice webhooks answer with [`twiml::Response`].

pub mod carrier;
mod error;
pub mod media;
pub mod telnyx;
pub mod twilio;
pub mod twiml;
pub mod voipms;
mod wire;

pub use error::ParseError;
