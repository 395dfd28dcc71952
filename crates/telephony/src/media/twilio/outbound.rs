//! Messages the server sends to Twilio (bidirectional `<Connect><Stream>` only).

use std::borrow::Cow;

use super::raw::RawMessage;
use crate::ParseError;
use crate::media::decode_payload;
use crate::wire::fields::{required_object, required_string};
use crate::wire::parse_object;

/// A message from the server to Twilio.
///
/// Twilio answers any other `event` with protocol error 31924, so the fake
/// carrier parses the server's frames with [`Outbound::parse`] and rejects
/// [`Outbound::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound<'a> {
    /// Audio to queue: base64 mu-law 8 kHz mono, no file header.
    Media {
        stream_sid: Cow<'a, str>,
        payload: Cow<'a, str>,
    },
    /// Ask Twilio to echo `name` once the audio queued before it has played.
    Mark {
        stream_sid: Cow<'a, str>,
        name: Cow<'a, str>,
    },
    /// Drop all queued audio (barge-in); pending marks come back at once.
    Clear { stream_sid: Cow<'a, str> },
    /// Anything else; Twilio itself would fail the stream.
    Unknown { event: String },
}

impl<'a> Outbound<'a> {
    /// Parses one server frame, strictly.
    pub fn parse(text: &'a str) -> Result<Self, ParseError> {
        let raw: RawMessage<'a> = parse_object(text)?;
        let event = required_string(raw.event, "event", "message")?;
        Ok(match &*event {
            "media" => {
                let media = required_object(raw.media, "media", "media")?;
                Outbound::Media {
                    stream_sid: required_string(raw.stream_sid, "streamSid", "media")?,
                    payload: required_string(media.payload, "media.payload", "media")?,
                }
            }
            "mark" => {
                let mark = required_object(raw.mark, "mark", "mark")?;
                Outbound::Mark {
                    stream_sid: required_string(raw.stream_sid, "streamSid", "mark")?,
                    name: required_string(mark.name, "mark.name", "mark")?,
                }
            }
            "clear" => Outbound::Clear {
                stream_sid: required_string(raw.stream_sid, "streamSid", "clear")?,
            },
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
