//! Telnyx media streaming over WebSocket (Call Control `stream_url` /
//! `streaming_start`, or TeXML `<Stream>`).
//!
//! What is verified, from Telnyx's developer docs (the media-streaming guide,
//! the `streaming_start` reference with its WebSocket examples, and the
//! AsyncAPI page "Stream call media over WebSocket"):
//! - frames are JSON text with an `event` key: `connected`, `start`, `media`,
//!   `dtmf`, `mark`, `error`, `stop` from Telnyx; `media`, `mark`, `clear`
//!   from the server;
//! - `stream_id` and `sequence_number` (a decimal string) sit at the top
//!   level; `start.call_control_id`, `start.media_format{encoding,
//!   sample_rate, channels}` (numbers), `start.custom_parameters` (an object),
//!   `start.client_state`, `from`, `to`, `tags`, `user_id`, `call_session_id`;
//! - `media{track, chunk, timestamp, payload}` with string counters and a
//!   base64 RTP payload without RTP header; order is not guaranteed;
//! - `error{title, code, detail}` with codes 100002-100005;
//! - the server's `media` is `{"event":"media","media":{"payload":..}}`,
//!   `mark` is `{"event":"mark","mark":{"name":..}}`, `clear` is
//!   `{"event":"clear"}`; marks come back when the audio before them played.
//!
//! What is unverified and therefore lenient or configurable:
//! - the exact shape of the echoed `mark` (assumed `mark.name`, like Twilio);
//! - whether outbound frames may or must carry `stream_id`
//!   ([`TelnyxOutboundOptions`](crate::media::TelnyxOutboundOptions), off by default);
//! - `connected.x-telnyx-streaming-auth-token` (read if present);
//! - `media_format.encoding` spelling (`PCMU` now, `audio/x-mulaw` in older
//!   docs) and counters sent as numbers instead of strings (both accepted);
//! - `custom_parameters` as a list of `{name, value}` or spelled
//!   `customParameters`, and the error body under `payload` (accepted).

mod inbound;
mod outbound;
mod raw;
mod write;

pub use inbound::{
    AUTH_TOKEN_HEADER, Connected, Dtmf, Inbound, Mark, Media, Start, Stop, StreamError,
};
pub use outbound::Outbound;
pub use write::{
    outbound_media_len, write_media, write_outbound_clear, write_outbound_mark,
    write_outbound_media,
};
