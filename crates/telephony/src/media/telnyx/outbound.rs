//! Messages the server sends to Telnyx (bidirectional streaming).
//!
//! Documented frames carry no `stream_id`: `{"event":"media","media":
//! {"payload":..}}`, `{"event":"mark","mark":{"name":..}}`,
//! `{"event":"clear"}`. Whether Telnyx accepts or needs one is unverified, so
//! writers take it as an option (see `TelnyxOutboundOptions` in the parent
//! module) and the parser accepts it either way.
//!
//! With `stream_bidirectional_mode: "rtp"` the payload is raw RTP payload in
//! `stream_bidirectional_codec` (default PCMU), 20 ms to 30 s per frame. In
//! the default `mp3` mode it must be a whole base64 MP3, at most one per
//! second; the session must request `rtp` mode.

use std::borrow::Cow;

use super::raw::RawMessage;
use crate::ParseError;
use crate::media::decode_payload;
use crate::wire::fields::{opt_string, required_object, required_string};
use crate::wire::parse_object;

/// A message from the server to Telnyx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound<'a> {
    /// Audio to play into the call.
    Media {
        stream_id: Option<Cow<'a, str>>,
        payload: Cow<'a, str>,
    },
    /// Ask Telnyx to echo `name` once the media before it has played.
    Mark {
        stream_id: Option<Cow<'a, str>>,
        name: Cow<'a, str>,
    },
    /// Stop playback and drop queued media; queued marks come back.
    Clear { stream_id: Option<Cow<'a, str>> },
    /// Anything else (Telnyx answers with an `error` frame, `malformed_frame`).
    Unknown { event: String },
}

impl<'a> Outbound<'a> {
    /// Parses one server frame.
    pub fn parse(text: &'a str) -> Result<Self, ParseError> {
        let raw: RawMessage<'a> = parse_object(text)?;
        let event = required_string(raw.event, "event", "message")?;
        let stream_id = opt_string(raw.stream_id, "stream_id")?;
        Ok(match &*event {
            "media" => {
                let media = required_object(raw.media, "media", "media")?;
                Outbound::Media {
                    stream_id,
                    payload: required_string(media.payload, "media.payload", "media")?,
                }
            }
            "mark" => {
                let mark = required_object(raw.mark, "mark", "mark")?;
                Outbound::Mark {
                    stream_id,
                    name: required_string(mark.name, "mark.name", "mark")?,
                }
            }
            "clear" => Outbound::Clear { stream_id },
            _ => Outbound::Unknown {
                event: event.into_owned(),
            },
        })
    }

    /// For [`Outbound::Media`], decodes the audio into `out` (replacing its contents).
    /// Returns `Ok(false)` for other messages.
    pub fn decode_audio_into(&self, out: &mut Vec<u8>) -> Result<bool, ParseError> {
        match self {
            Outbound::Media { payload, .. } => decode_payload(payload, out).map(|()| true),
            _ => Ok(false),
        }
    }
}
