//! Telnyx frames as JSON text, keys in the order of Telnyx's examples;
//! absent optional fields are left out.
//!
//! Every function *appends* to `out`; clear it first to reuse a buffer.

use super::inbound::{
    AUTH_TOKEN_HEADER, Connected, Dtmf, Inbound, Mark, Media, Start, Stop, StreamError,
};
use super::outbound::Outbound;
use crate::media::Track;
use crate::media::common::{self, Payload, StreamId};
use crate::wire::write::{ObjectWriter, new_string};

impl Inbound<'_> {
    /// Appends the frame as Telnyx would send it.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Inbound::Connected(c) => write_connected(out, c),
            Inbound::Start(s) => write_start(out, s),
            Inbound::Media(m) => write_media_frame(out, m, Payload::Base64(&m.payload)),
            Inbound::Dtmf(d) => write_dtmf(out, d),
            Inbound::Mark(m) => write_mark_echo(out, m),
            Inbound::Stop(s) => write_stop(out, s),
            Inbound::Error(e) => write_error(out, e),
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
            Outbound::Media { stream_id, payload } => common::write_outbound_media(
                out,
                StreamId::telnyx(stream_id.as_deref()),
                Payload::Base64(payload),
            ),
            Outbound::Mark { stream_id, name } => {
                write_outbound_mark(out, stream_id.as_deref(), name);
            }
            Outbound::Clear { stream_id } => write_outbound_clear(out, stream_id.as_deref()),
            Outbound::Unknown { event } => common::write_unknown(out, event),
        }
    }

    /// The frame as a new string.
    pub fn to_json(&self) -> String {
        new_string(|out| self.write_json(out))
    }
}

/// Appends an inbound `media` frame built from raw audio (the fake carrier's 20 ms path).
pub fn write_media(
    out: &mut String,
    sequence_number: u64,
    stream_id: &str,
    track: Track,
    chunk: u64,
    timestamp: u64,
    audio: &[u8],
) {
    let frame = Media {
        sequence_number: Some(sequence_number),
        stream_id: Some(stream_id.into()),
        track: Some(track),
        chunk: Some(chunk),
        timestamp: Some(timestamp),
        payload: "".into(),
    };
    write_media_frame(out, &frame, Payload::Raw(audio));
}

/// Appends `{"event":"media",["stream_id":..,]"media":{"payload":<base64 audio>}}`.
pub fn write_outbound_media(out: &mut String, stream_id: Option<&str>, audio: &[u8]) {
    common::write_outbound_media(out, StreamId::telnyx(stream_id), Payload::Raw(audio));
}

/// Exact length of what [`write_outbound_media`] writes, to size a buffer once.
pub fn outbound_media_len(stream_id: Option<&str>, audio_len: usize) -> usize {
    common::outbound_media_len(StreamId::telnyx(stream_id), audio_len)
}

/// Appends `{"event":"mark",["stream_id":..,]"mark":{"name":..}}`.
pub fn write_outbound_mark(out: &mut String, stream_id: Option<&str>, name: &str) {
    common::write_outbound_mark(out, StreamId::telnyx(stream_id), name);
}

/// Appends `{"event":"clear"[,"stream_id":..]}`.
pub fn write_outbound_clear(out: &mut String, stream_id: Option<&str>) {
    common::write_outbound_clear(out, StreamId::telnyx(stream_id));
}

fn write_connected(out: &mut String, c: &Connected<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "connected");
    w.opt_str("version", c.version.as_deref());
    if let Some(token) = &c.auth_token {
        let mut inner = w.object("connected");
        inner.str(AUTH_TOKEN_HEADER, token);
        inner.close();
    }
    w.close();
}

fn write_start(out: &mut String, s: &Start<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "start");
    w.opt_decimal("sequence_number", s.sequence_number);
    let mut start = w.object("start");
    start.opt_str("user_id", s.user_id.as_deref());
    start.str("call_control_id", &s.call_control_id);
    start.opt_str("call_session_id", s.call_session_id.as_deref());
    start.opt_str("from", s.from.as_deref());
    start.opt_str("to", s.to.as_deref());
    if !s.tags.is_empty() {
        start.str_array("tags", s.tags.iter().map(|t| &**t));
    }
    start.opt_str("client_state", s.client_state.as_deref());
    start.string_map("custom_parameters", &s.custom_parameters);
    if let Some(f) = &s.media_format {
        let mut format = start.object("media_format");
        format.str("encoding", &f.encoding);
        format.number("sample_rate", f.sample_rate.into());
        format.number("channels", f.channels.into());
        format.close();
    }
    start.close();
    w.str("stream_id", &s.stream_id);
    w.close();
}

/// `m` with `payload` in place of `m.payload`.
fn write_media_frame(out: &mut String, m: &Media<'_>, payload: Payload<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "media");
    w.opt_decimal("sequence_number", m.sequence_number);
    let mut media = w.object("media");
    media.opt_str("track", m.track.map(Track::as_wire));
    media.opt_decimal("chunk", m.chunk);
    media.opt_decimal("timestamp", m.timestamp);
    payload.push(media.key("payload"));
    media.close();
    w.opt_str("stream_id", m.stream_id.as_deref());
    w.close();
}

fn write_dtmf(out: &mut String, d: &Dtmf<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "dtmf");
    w.opt_str("stream_id", d.stream_id.as_deref());
    w.opt_str("occurred_at", d.occurred_at.as_deref());
    w.opt_decimal("sequence_number", d.sequence_number);
    let mut dtmf = w.object("dtmf");
    dtmf.str("digit", d.digit.encode_utf8(&mut [0; 4]));
    dtmf.close();
    w.close();
}

fn write_mark_echo(out: &mut String, m: &Mark<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "mark");
    w.opt_decimal("sequence_number", m.sequence_number);
    w.opt_str("stream_id", m.stream_id.as_deref());
    let mut mark = w.object("mark");
    mark.str("name", &m.name);
    mark.close();
    w.close();
}

fn write_stop(out: &mut String, s: &Stop<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "stop");
    w.opt_decimal("sequence_number", s.sequence_number);
    let mut stop = w.object("stop");
    stop.opt_str("user_id", s.user_id.as_deref());
    stop.opt_str("call_control_id", s.call_control_id.as_deref());
    stop.close();
    w.opt_str("stream_id", s.stream_id.as_deref());
    w.close();
}

fn write_error(out: &mut String, e: &StreamError<'_>) {
    let mut w = ObjectWriter::open(out);
    w.str("event", "error");
    w.opt_str("stream_id", e.stream_id.as_deref());
    w.opt_decimal("sequence_number", e.sequence_number);
    let mut error = w.object("error");
    error.opt_str("title", e.title.as_deref());
    error.opt_str("code", e.code.as_deref());
    error.opt_str("detail", e.detail.as_deref());
    error.close();
    w.close();
}
