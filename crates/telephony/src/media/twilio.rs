//! Twilio Media Streams over `<Connect><Stream>` (bidirectional).
//!
//! All frames are JSON text with an `event` key. Counters (`sequenceNumber`,
//! `chunk`, `timestamp`) travel as *strings* of digits and are exposed as
//! `u64`; `mediaFormat.sampleRate` and `channels` are JSON numbers. Parsing is
//! strict: a documented field that is missing or mistyped is an error naming
//! it (`missing field streamSid in media`). Unknown events are not errors.
//!
//! See `shared/protocols/telephony.md` §1.

mod caller;
mod inbound;
mod outbound;
mod raw;
mod write;

pub use caller::CallerStream;
pub use inbound::{Connected, Dtmf, Inbound, Mark, Media, Start, Stop};
pub use outbound::Outbound;
pub use write::{
    outbound_media_len, write_media, write_outbound_clear, write_outbound_mark,
    write_outbound_media,
};
