//! Twilio frames as JSON text, keys in the order Twilio uses.
//!
//! Every function *appends* to `out`; clear it first to reuse a buffer.

use super::inbound::{Connected, Dtmf, Inbound, Mark, Start, Stop};
use super::outbound::Outbound;
use crate::media::Track;
use crate::wire::write::{
    base64_len, literal_overhead, push_base64_literal, push_decimal_string, push_key, push_number,
    push_str_literal,
};

/// Audio of a media frame: already base64, or raw bytes to encode on the fly.
#[derive(Clone, Copy)]
enum Payload<'p> {
    Base64(&'p str),
    Raw(&'p [u8]),
}

impl Payload<'_> {
    fn push(self, out: &mut String) {
        match self {
            Payload::Base64(text) => push_str_literal(out, text),
            Payload::Raw(audio) => push_base64_literal(out, audio),
        }
    }
}

impl Inbound<'_> {
    /// Appends the frame exactly as Twilio would send it.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Inbound::Connected(c) => write_connected(out, c),
            Inbound::Start(s) => write_start(out, s),
            Inbound::Media(m) => {
                let payload = Payload::Base64(&m.payload);
                write_media_frame(
                    out,
                    m.sequence_number,
                    &m.stream_sid,
                    m.track,
                    m.chunk,
                    m.timestamp,
                    payload,
                );
            }
            Inbound::Dtmf(d) => write_dtmf(out, d),
            Inbound::Mark(m) => write_mark_echo(out, m),
            Inbound::Stop(s) => write_stop(out, s),
            Inbound::Unknown { event } => {
                out.push_str("{\"event\":");
                push_str_literal(out, event);
                out.push('}');
            }
        }
    }

    /// The frame as a new string.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl Outbound<'_> {
    /// Appends the frame as the server should send it.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Outbound::Media {
                stream_sid,
                payload,
            } => {
                outbound_media_head(out, stream_sid);
                push_str_literal(out, payload);
                out.push_str("}}");
            }
            Outbound::Mark { stream_sid, name } => write_outbound_mark(out, stream_sid, name),
            Outbound::Clear { stream_sid } => write_outbound_clear(out, stream_sid),
            Outbound::Unknown { event } => {
                out.push_str("{\"event\":");
                push_str_literal(out, event);
                out.push('}');
            }
        }
    }

    /// The frame as a new string.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// Appends an inbound `media` frame built from raw audio, base64-encoding it
/// in place: the fake caller's 20 ms path, without an intermediate `String`.
pub fn write_media(
    out: &mut String,
    sequence_number: u64,
    stream_sid: &str,
    track: Track,
    chunk: u64,
    timestamp: u64,
    audio: &[u8],
) {
    let payload = Payload::Raw(audio);
    write_media_frame(
        out,
        sequence_number,
        stream_sid,
        track,
        chunk,
        timestamp,
        payload,
    );
}

/// Appends `{"event":"media","streamSid":..,"media":{"payload":<base64 audio>}}`.
pub fn write_outbound_media(out: &mut String, stream_sid: &str, audio: &[u8]) {
    outbound_media_head(out, stream_sid);
    push_base64_literal(out, audio);
    out.push_str("}}");
}

/// Exact length of what [`write_outbound_media`] writes, to size a buffer once.
pub fn outbound_media_len(stream_sid: &str, audio_len: usize) -> usize {
    const FIXED: usize = r#"{"event":"media","streamSid":,"media":{"payload":""}}"#.len();
    FIXED + stream_sid.len() + literal_overhead(stream_sid) + base64_len(audio_len)
}

/// Appends `{"event":"mark","streamSid":..,"mark":{"name":..}}`.
pub fn write_outbound_mark(out: &mut String, stream_sid: &str, name: &str) {
    out.push_str("{\"event\":\"mark\",");
    push_key(out, "streamSid");
    push_str_literal(out, stream_sid);
    out.push_str(",\"mark\":{\"name\":");
    push_str_literal(out, name);
    out.push_str("}}");
}

/// Appends `{"event":"clear","streamSid":..}`.
pub fn write_outbound_clear(out: &mut String, stream_sid: &str) {
    out.push_str("{\"event\":\"clear\",");
    push_key(out, "streamSid");
    push_str_literal(out, stream_sid);
    out.push('}');
}

fn outbound_media_head(out: &mut String, stream_sid: &str) {
    out.push_str("{\"event\":\"media\",");
    push_key(out, "streamSid");
    push_str_literal(out, stream_sid);
    out.push_str(",\"media\":{\"payload\":");
}

fn write_connected(out: &mut String, c: &Connected<'_>) {
    out.push_str("{\"event\":\"connected\",");
    push_key(out, "protocol");
    push_str_literal(out, &c.protocol);
    out.push(',');
    push_key(out, "version");
    push_str_literal(out, &c.version);
    out.push('}');
}

/// `{"event":<event>,"sequenceNumber":"<n>",` — the common opening.
fn open(out: &mut String, event: &str, sequence_number: u64) {
    out.push_str("{\"event\":\"");
    out.push_str(event);
    out.push_str("\",");
    push_key(out, "sequenceNumber");
    push_decimal_string(out, sequence_number);
}

/// `,"streamSid":<sid>}` — the common closing.
fn close_with_sid(out: &mut String, stream_sid: &str) {
    out.push(',');
    push_key(out, "streamSid");
    push_str_literal(out, stream_sid);
    out.push('}');
}

fn write_start(out: &mut String, s: &Start<'_>) {
    open(out, "start", s.sequence_number);
    out.push_str(",\"start\":{");
    push_key(out, "accountSid");
    push_str_literal(out, &s.account_sid);
    out.push(',');
    push_key(out, "streamSid");
    push_str_literal(out, &s.stream_sid);
    out.push(',');
    push_key(out, "callSid");
    push_str_literal(out, &s.call_sid);
    out.push_str(",\"tracks\":[");
    for (i, track) in s.tracks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str_literal(out, track.as_wire());
    }
    out.push_str("],\"customParameters\":{");
    for (i, (name, value)) in s.custom_parameters.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str_literal(out, name);
        out.push(':');
        push_str_literal(out, value);
    }
    out.push_str("},\"mediaFormat\":{");
    push_key(out, "encoding");
    push_str_literal(out, &s.media_format.encoding);
    out.push(',');
    push_key(out, "sampleRate");
    push_number(out, s.media_format.sample_rate.into());
    out.push(',');
    push_key(out, "channels");
    push_number(out, s.media_format.channels.into());
    out.push_str("}}");
    close_with_sid(out, &s.stream_sid);
}

fn write_media_frame(
    out: &mut String,
    sequence_number: u64,
    stream_sid: &str,
    track: Track,
    chunk: u64,
    timestamp: u64,
    payload: Payload<'_>,
) {
    open(out, "media", sequence_number);
    out.push_str(",\"media\":{\"track\":");
    push_str_literal(out, track.as_wire());
    out.push(',');
    push_key(out, "chunk");
    push_decimal_string(out, chunk);
    out.push(',');
    push_key(out, "timestamp");
    push_decimal_string(out, timestamp);
    out.push(',');
    push_key(out, "payload");
    payload.push(out);
    out.push('}');
    close_with_sid(out, stream_sid);
}

fn write_dtmf(out: &mut String, d: &Dtmf<'_>) {
    out.push_str("{\"event\":\"dtmf\",");
    push_key(out, "streamSid");
    push_str_literal(out, &d.stream_sid);
    out.push(',');
    push_key(out, "sequenceNumber");
    push_decimal_string(out, d.sequence_number);
    out.push_str(",\"dtmf\":{\"track\":");
    push_str_literal(out, &d.track);
    out.push(',');
    push_key(out, "digit");
    push_str_literal(out, d.digit.encode_utf8(&mut [0; 4]));
    out.push_str("}}");
}

fn write_mark_echo(out: &mut String, m: &Mark<'_>) {
    open(out, "mark", m.sequence_number);
    out.push(',');
    push_key(out, "streamSid");
    push_str_literal(out, &m.stream_sid);
    out.push_str(",\"mark\":{\"name\":");
    push_str_literal(out, &m.name);
    out.push_str("}}");
}

fn write_stop(out: &mut String, s: &Stop<'_>) {
    open(out, "stop", s.sequence_number);
    out.push_str(",\"stop\":{");
    push_key(out, "accountSid");
    push_str_literal(out, &s.account_sid);
    out.push(',');
    push_key(out, "callSid");
    push_str_literal(out, &s.call_sid);
    out.push('}');
    close_with_sid(out, &s.stream_sid);
}
