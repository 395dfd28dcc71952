//! What the Twilio and Telnyx codecs share: the objects both carriers spell
//! alike, and the frame shapes both use.
//!
//! The server's frames have one shape on both carriers,
//! `{"event":"media"|"mark"|"clear",<stream id>,"media"|"mark":{..}}`, and
//! differ only in the stream id member: Twilio requires `"streamSid"`;
//! Telnyx documents none and may take an optional `"stream_id"`. The writers
//! here take that member as a [`StreamId`].

use serde::Deserialize;

use crate::wire::json::Json;
use crate::wire::write::{
    ObjectWriter, base64_len, literal_overhead, push_base64_literal, push_str_literal,
};

/// `media` object of both carriers and directions: inbound has all four, outbound only `payload`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawMedia<'a> {
    pub track: Option<Json<'a>>,
    pub chunk: Option<Json<'a>>,
    pub timestamp: Option<Json<'a>>,
    pub payload: Option<Json<'a>>,
}

/// `mark` object of both carriers and directions.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawMark<'a> {
    pub name: Option<Json<'a>>,
}

/// Audio of a media frame: already base64, or raw bytes to encode on the fly.
#[derive(Clone, Copy)]
pub(super) enum Payload<'p> {
    Base64(&'p str),
    Raw(&'p [u8]),
}

impl Payload<'_> {
    pub(super) fn push(self, out: &mut String) {
        match self {
            Payload::Base64(text) => push_str_literal(out, text),
            Payload::Raw(audio) => push_base64_literal(out, audio),
        }
    }
}

/// The stream id member of a server frame: its carrier's key, and the value
/// (`None` leaves the member out).
#[derive(Clone, Copy)]
pub(super) struct StreamId<'s> {
    key: &'static str,
    value: Option<&'s str>,
}

impl<'s> StreamId<'s> {
    /// Twilio's required `"streamSid"`.
    pub(super) fn twilio(stream_sid: &'s str) -> Self {
        StreamId {
            key: "streamSid",
            value: Some(stream_sid),
        }
    }

    /// Telnyx's optional `"stream_id"`.
    pub(super) fn telnyx(stream_id: Option<&'s str>) -> Self {
        StreamId {
            key: "stream_id",
            value: stream_id,
        }
    }

    fn write(self, w: &mut ObjectWriter<'_>) {
        w.opt_str(self.key, self.value);
    }

    /// Bytes [`Self::write`] adds: one more comma, the key and the quoted value.
    fn len(self) -> usize {
        const PUNCTUATION: usize = r#","":"#.len();
        self.value.map_or(0, |v| {
            PUNCTUATION + self.key.len() + v.len() + literal_overhead(v)
        })
    }
}

/// Appends `{"event":"media",<id>,"media":{"payload":<payload>}}`.
pub(super) fn write_outbound_media(out: &mut String, id: StreamId<'_>, payload: Payload<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "media");
    id.write(&mut w);
    let mut media = w.object("media");
    payload.push(media.key("payload"));
    media.close();
    w.close();
}

/// Exact length of what [`write_outbound_media`] writes for raw audio of `audio_len` bytes.
pub(super) fn outbound_media_len(id: StreamId<'_>, audio_len: usize) -> usize {
    const FIXED: usize = r#"{"event":"media","media":{"payload":""}}"#.len();
    FIXED + id.len() + base64_len(audio_len)
}

/// Appends `{"event":"mark",<id>,"mark":{"name":..}}`.
pub(super) fn write_outbound_mark(out: &mut String, id: StreamId<'_>, name: &str) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "mark");
    id.write(&mut w);
    let mut mark = w.object("mark");
    mark.str("name", name);
    mark.close();
    w.close();
}

/// Appends `{"event":"clear",<id>}`.
pub(super) fn write_outbound_clear(out: &mut String, id: StreamId<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "clear");
    id.write(&mut w);
    w.close();
}

/// Appends `{"event":<event>}`, an event this crate does not know.
pub(super) fn write_unknown(out: &mut String, event: &str) {
    let mut w = ObjectWriter::open(out);
    w.str("event", event);
    w.close();
}
