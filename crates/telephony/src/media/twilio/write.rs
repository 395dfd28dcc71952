//! Twilio frames as JSON text, keys in the order Twilio uses.
//!
//! Every function *appends* to `out`; clear it first to reuse a buffer.

use super::inbound::{Connected, Dtmf, Inbound, Mark, Media, Start, Stop};
use super::outbound::Outbound;
use crate::media::Track;
use crate::media::common::{self, Payload, StreamId};
use crate::wire::write::{ObjectWriter, new_string};

impl Inbound<'_> {
    /// Appends the frame exactly as Twilio would send it.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Inbound::Connected(c) => write_connected(out, c),
            Inbound::Start(s) => write_start(out, s),
            Inbound::Media(m) => write_media_frame(out, m, Payload::Base64(&m.payload)),
            Inbound::Dtmf(d) => write_dtmf(out, d),
            Inbound::Mark(m) => write_mark_echo(out, m),
            Inbound::Stop(s) => write_stop(out, s),
            Inbound::Unknown { event } => common::write_unknown(out, event),
        }
    }

    /// The frame as a new string.
    pub fn to_json(&self) -> String {
        new_string(|out| self.write_json(out))
    }
}

impl Outbound<'_> {
    /// Appends the frame as the server should send it.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Outbound::Media {
                stream_sid,
                payload,
            } => common::write_outbound_media(
                out,
                StreamId::twilio(stream_sid),
                Payload::Base64(payload),
            ),
            Outbound::Mark { stream_sid, name } => write_outbound_mark(out, stream_sid, name),
            Outbound::Clear { stream_sid } => write_outbound_clear(out, stream_sid),
            Outbound::Unknown { event } => common::write_unknown(out, event),
        }
    }

    /// The frame as a new string.
    pub fn to_json(&self) -> String {
        new_string(|out| self.write_json(out))
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
    let frame = Media {
        sequence_number,
        stream_sid: stream_sid.into(),
        track,
        chunk,
        timestamp,
        payload: "".into(),
    };
    write_media_frame(out, &frame, Payload::Raw(audio));
}

/// Appends `{"event":"media","streamSid":..,"media":{"payload":<base64 audio>}}`.
pub fn write_outbound_media(out: &mut String, stream_sid: &str, audio: &[u8]) {
    common::write_outbound_media(out, StreamId::twilio(stream_sid), Payload::Raw(audio));
}

/// Exact length of what [`write_outbound_media`] writes, to size a buffer once.
pub fn outbound_media_len(stream_sid: &str, audio_len: usize) -> usize {
    common::outbound_media_len(StreamId::twilio(stream_sid), audio_len)
}

/// Appends `{"event":"mark","streamSid":..,"mark":{"name":..}}`.
pub fn write_outbound_mark(out: &mut String, stream_sid: &str, name: &str) {
    common::write_outbound_mark(out, StreamId::twilio(stream_sid), name);
}

/// Appends `{"event":"clear","streamSid":..}`.
pub fn write_outbound_clear(out: &mut String, stream_sid: &str) {
    common::write_outbound_clear(out, StreamId::twilio(stream_sid));
}

fn write_connected(out: &mut String, c: &Connected<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "connected");
    w.str("protocol", &c.protocol);
    w.str("version", &c.version);
    w.close();
}

/// `{"event":<event>,"sequenceNumber":"<n>"`, the common opening.
fn open<'o>(out: &'o mut String, event: &str, sequence_number: u64) -> ObjectWriter<'o> {
    let mut w = ObjectWriter::open(out);
    w.str("event", event);
    w.decimal("sequenceNumber", sequence_number);
    w
}

fn write_start(out: &mut String, s: &Start<'_>) {
    let mut w = open(out, "start", s.sequence_number);
    let mut start = w.object("start");
    start.str("accountSid", &s.account_sid);
    start.str("streamSid", &s.stream_sid);
    start.str("callSid", &s.call_sid);
    start.str_array("tracks", s.tracks.iter().map(|t| t.as_wire()));
    start.string_map("customParameters", &s.custom_parameters);
    let mut format = start.object("mediaFormat");
    format.str("encoding", &s.media_format.encoding);
    format.number("sampleRate", s.media_format.sample_rate.into());
    format.number("channels", s.media_format.channels.into());
    format.close();
    start.close();
    w.str("streamSid", &s.stream_sid);
    w.close();
}

/// `m` with `payload` in place of `m.payload`.
fn write_media_frame(out: &mut String, m: &Media<'_>, payload: Payload<'_>) {
    let mut w = open(out, "media", m.sequence_number);
    let mut media = w.object("media");
    media.str("track", m.track.as_wire());
    media.decimal("chunk", m.chunk);
    media.decimal("timestamp", m.timestamp);
    payload.push(media.key("payload"));
    media.close();
    w.str("streamSid", &m.stream_sid);
    w.close();
}

fn write_dtmf(out: &mut String, d: &Dtmf<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "dtmf");
    w.str("streamSid", &d.stream_sid);
    w.decimal("sequenceNumber", d.sequence_number);
    let mut dtmf = w.object("dtmf");
    dtmf.str("track", &d.track);
    dtmf.str("digit", d.digit.encode_utf8(&mut [0; 4]));
    dtmf.close();
    w.close();
}

fn write_mark_echo(out: &mut String, m: &Mark<'_>) {
    let mut w = open(out, "mark", m.sequence_number);
    w.str("streamSid", &m.stream_sid);
    let mut mark = w.object("mark");
    mark.str("name", &m.name);
    mark.close();
    w.close();
}

fn write_stop(out: &mut String, s: &Stop<'_>) {
    let mut w = open(out, "stop", s.sequence_number);
    let mut stop = w.object("stop");
    stop.str("accountSid", &s.account_sid);
    stop.str("callSid", &s.call_sid);
    stop.close();
    w.str("streamSid", &s.stream_sid);
    w.close();
}
