//! Messages Telnyx sends to the server, and their lenient parser.
//!
//! Required (documented in every Telnyx example, and needed by the session):
//! `event`; `stream_id` and `start.call_control_id` on `start`;
//! `media.payload`; `dtmf.digit`; `mark.name`. Everything else is optional,
//! and counters may be decimal strings (as documented) or JSON integers.
//! A field that *is* present with an unusable value is still an error.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::raw::{RawError, RawMediaFormat, RawMessage, RawStart};
use crate::ParseError;
use crate::media::{MediaFormat, Track, decode_payload};
use crate::wire::fields::{
    dtmf_digit, integer_lenient, invalid, opt_decimal_lenient, opt_string, require,
    required_object, required_string, string_array,
};
use crate::wire::json::Json;
use crate::wire::parse_object;

/// A message from Telnyx to the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound<'a> {
    Connected(Connected<'a>),
    Start(Start<'a>),
    Media(Media<'a>),
    Dtmf(Dtmf<'a>),
    Mark(Mark<'a>),
    Stop(Stop<'a>),
    Error(StreamError<'a>),
    /// An `event` this crate does not know; log it once per stream.
    Unknown {
        event: String,
    },
}

/// First frame: `{"event":"connected","version":"1.0.0"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connected<'a> {
    pub version: Option<Cow<'a, str>>,
    /// `connected.x-telnyx-streaming-auth-token`, when a `stream_auth_token`
    /// was configured. Telnyx also sends it as a handshake header of that name,
    /// which is where to check it. (Unverified shape: read leniently.)
    pub auth_token: Option<Cow<'a, str>>,
}

/// Stream metadata, sent before any media.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start<'a> {
    pub sequence_number: Option<u64>,
    pub stream_id: Cow<'a, str>,
    /// Identifies the call for Call Control commands (hang-up, transfer).
    pub call_control_id: Cow<'a, str>,
    pub user_id: Option<Cow<'a, str>>,
    pub call_session_id: Option<Cow<'a, str>>,
    pub from: Option<Cow<'a, str>>,
    pub to: Option<Cow<'a, str>>,
    pub tags: Vec<Cow<'a, str>>,
    /// Base64 state set on the Call Control command.
    pub client_state: Option<Cow<'a, str>>,
    /// From `custom_parameters` on `streaming_start` / `<Parameter>` in TeXML.
    pub custom_parameters: BTreeMap<String, String>,
    /// Absent in some older examples; the neutral view then assumes PCMU 8 kHz mono.
    pub media_format: Option<MediaFormat>,
}

/// Base64 RTP payload (no RTP header) in the call's codec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media<'a> {
    pub sequence_number: Option<u64>,
    pub stream_id: Option<Cow<'a, str>>,
    /// `inbound` / `outbound`; absent means inbound (the default `stream_track`).
    pub track: Option<Track>,
    pub chunk: Option<u64>,
    pub timestamp: Option<u64>,
    pub payload: Cow<'a, str>,
}

impl Media<'_> {
    /// Decodes the payload into `out`, replacing its contents and reusing its capacity.
    pub fn decode_into(&self, out: &mut Vec<u8>) -> Result<(), ParseError> {
        decode_payload(&self.payload, out)
    }
}

/// A key the caller pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dtmf<'a> {
    pub sequence_number: Option<u64>,
    pub stream_id: Option<Cow<'a, str>>,
    pub occurred_at: Option<Cow<'a, str>>,
    pub digit: char,
}

/// Echo of a mark the server sent, after the audio before it played (or at
/// once on `clear`, or when nothing was queued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark<'a> {
    pub sequence_number: Option<u64>,
    pub stream_id: Option<Cow<'a, str>>,
    pub name: Cow<'a, str>,
}

/// Streaming has stopped for the call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stop<'a> {
    pub sequence_number: Option<u64>,
    pub stream_id: Option<Cow<'a, str>>,
    pub user_id: Option<Cow<'a, str>>,
    pub call_control_id: Option<Cow<'a, str>>,
}

/// Telnyx rejected something the server sent, e.g. code `100005`
/// `rate_limit_reached`, `100003` `malformed_frame`, `100004` `invalid_media`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamError<'a> {
    pub sequence_number: Option<u64>,
    pub stream_id: Option<Cow<'a, str>>,
    /// Documented as a string (`"100005"`); a JSON number is accepted too.
    pub code: Option<Cow<'a, str>>,
    pub title: Option<Cow<'a, str>>,
    pub detail: Option<Cow<'a, str>>,
}

impl<'a> Inbound<'a> {
    /// Parses one text frame, leniently (see the module docs).
    pub fn parse(text: &'a str) -> Result<Self, ParseError> {
        let mut raw: RawMessage<'a> = parse_object(text)?;
        let event = required_string(raw.event.take(), "event", "message")?;
        Ok(match &*event {
            "connected" => Inbound::Connected(Connected {
                version: opt_string(raw.version, "version")?,
                auth_token: auth_token(raw.connected)?,
            }),
            "start" => Inbound::Start(parse_start(raw)?),
            "media" => Inbound::Media(parse_media(raw)?),
            "dtmf" => Inbound::Dtmf(parse_dtmf(raw)?),
            "mark" => Inbound::Mark(parse_mark(raw)?),
            "stop" => Inbound::Stop(parse_stop(raw)?),
            "error" => Inbound::Error(parse_error(raw)?),
            _ => Inbound::Unknown {
                event: event.into_owned(),
            },
        })
    }
}

/// Header name (and `connected` key) carrying the stream auth token.
pub const AUTH_TOKEN_HEADER: &str = "x-telnyx-streaming-auth-token";

fn auth_token(connected: Option<Json<'_>>) -> Result<Option<Cow<'_, str>>, ParseError> {
    let Some(Json::Object(entries)) = connected else {
        return Ok(None);
    };
    let token = entries.into_iter().find(|(k, _)| k == AUTH_TOKEN_HEADER);
    opt_string(
        token.map(|(_, v)| v),
        "connected.x-telnyx-streaming-auth-token",
    )
}

/// `sequence_number` and `stream_id`, both optional, on every message after `start`.
fn envelope<'a>(
    sequence_number: Option<Json<'a>>,
    stream_id: Option<Json<'a>>,
) -> Result<(Option<u64>, Option<Cow<'a, str>>), ParseError> {
    Ok((
        opt_decimal_lenient(sequence_number, "sequence_number")?,
        opt_string(stream_id, "stream_id")?,
    ))
}

fn parse_track(v: &Json<'_>) -> Result<Track, ParseError> {
    match v {
        Json::Str(s) if s == "inbound" || s == "inbound_track" => Ok(Track::Inbound),
        Json::Str(s) if s == "outbound" || s == "outbound_track" => Ok(Track::Outbound),
        other => Err(invalid("media.track", "\"inbound\" or \"outbound\"", other)),
    }
}

fn parse_start(raw: RawMessage<'_>) -> Result<Start<'_>, ParseError> {
    const EV: &str = "start";
    let start: RawStart<'_> = required_object(raw.start, "start", EV)?;
    let stream_id = raw.stream_id.or(start.stream_id);
    let custom = start.custom_parameters.or(start.custom_parameters_camel);
    let media_format = start
        .media_format
        .map(|f| f.object("start.media_format").and_then(parse_media_format))
        .transpose()?;
    Ok(Start {
        sequence_number: opt_decimal_lenient(raw.sequence_number, "sequence_number")?,
        stream_id: required_string(stream_id, "stream_id", EV)?,
        call_control_id: required_string(start.call_control_id, "start.call_control_id", EV)?,
        user_id: opt_string(start.user_id, "start.user_id")?,
        call_session_id: opt_string(start.call_session_id, "start.call_session_id")?,
        from: opt_string(start.from, "start.from")?,
        to: opt_string(start.to, "start.to")?,
        tags: match start.tags {
            Some(v) => string_array(v, "start.tags")?,
            None => Vec::new(),
        },
        client_state: opt_string(start.client_state, "start.client_state")?,
        custom_parameters: match custom {
            Some(v) => custom_parameters(v)?,
            None => BTreeMap::new(),
        },
        media_format,
    })
}

fn parse_media_format(f: RawMediaFormat<'_>) -> Result<MediaFormat, ParseError> {
    const EV: &str = "start";
    let rate = require(f.sample_rate, "start.media_format.sample_rate", EV)?;
    let channels = f.channels.unwrap_or(Json::Uint(1));
    Ok(MediaFormat {
        encoding: required_string(f.encoding, "start.media_format.encoding", EV)?.into_owned(),
        sample_rate: integer_lenient(&rate, "start.media_format.sample_rate")?,
        channels: integer_lenient(&channels, "start.media_format.channels")?,
    })
}

/// Documented as a flat object; the Call Control request takes a list of
/// `{name, value}`, so that shape is accepted too. Scalar values are stringified.
fn custom_parameters(v: Json<'_>) -> Result<BTreeMap<String, String>, ParseError> {
    const FIELD: &str = "start.custom_parameters";
    const EXPECTED: &str = "an object or a list of {name, value}";
    let scalar = |v: Json<'_>| match v {
        Json::Str(s) => Ok(s.into_owned()),
        Json::Uint(_) | Json::Int(_) | Json::Float(_) | Json::Bool(_) => Ok(v.describe()),
        other => Err(invalid(FIELD, EXPECTED, &other)),
    };
    match v {
        Json::Object(entries) => entries
            .into_iter()
            .map(|(k, v)| Ok((k.into_owned(), scalar(v)?)))
            .collect(),
        Json::Array(items) => items
            .into_iter()
            .map(|item| {
                let Json::Object(fields) = item else {
                    return Err(invalid(FIELD, EXPECTED, &item));
                };
                let (mut name, mut value) = (None, None);
                for (k, v) in fields {
                    match &*k {
                        "name" => name = Some(scalar(v)?),
                        "value" => value = Some(scalar(v)?),
                        _ => {}
                    }
                }
                let name = require(name, "start.custom_parameters[].name", "start")?;
                Ok((name, value.unwrap_or_default()))
            })
            .collect(),
        other => Err(invalid(FIELD, EXPECTED, &other)),
    }
}

fn parse_media(raw: RawMessage<'_>) -> Result<Media<'_>, ParseError> {
    const EV: &str = "media";
    let media = required_object(raw.media, "media", EV)?;
    let (sequence_number, stream_id) = envelope(raw.sequence_number, raw.stream_id)?;
    Ok(Media {
        sequence_number,
        stream_id,
        track: media.track.as_ref().map(parse_track).transpose()?,
        chunk: opt_decimal_lenient(media.chunk, "media.chunk")?,
        timestamp: opt_decimal_lenient(media.timestamp, "media.timestamp")?,
        payload: required_string(media.payload, "media.payload", EV)?,
    })
}

fn parse_dtmf(raw: RawMessage<'_>) -> Result<Dtmf<'_>, ParseError> {
    const EV: &str = "dtmf";
    let dtmf = required_object(raw.dtmf, "dtmf", EV)?;
    let digit = require(dtmf.digit, "dtmf.digit", EV)?;
    let (sequence_number, stream_id) = envelope(raw.sequence_number, raw.stream_id)?;
    Ok(Dtmf {
        sequence_number,
        stream_id,
        occurred_at: opt_string(raw.occurred_at, "occurred_at")?,
        digit: dtmf_digit(&digit, "dtmf.digit")?,
    })
}

fn parse_mark(raw: RawMessage<'_>) -> Result<Mark<'_>, ParseError> {
    const EV: &str = "mark";
    let mark = required_object(raw.mark, "mark", EV)?;
    let (sequence_number, stream_id) = envelope(raw.sequence_number, raw.stream_id)?;
    Ok(Mark {
        sequence_number,
        stream_id,
        name: required_string(mark.name, "mark.name", EV)?,
    })
}

fn parse_stop(raw: RawMessage<'_>) -> Result<Stop<'_>, ParseError> {
    let stop = raw.stop.map(|s| s.object("stop")).transpose()?;
    let (user_id, call_control_id) = stop.map_or((None, None), |s| (s.user_id, s.call_control_id));
    let (sequence_number, stream_id) = envelope(raw.sequence_number, raw.stream_id)?;
    Ok(Stop {
        sequence_number,
        stream_id,
        user_id: opt_string(user_id, "stop.user_id")?,
        call_control_id: opt_string(call_control_id, "stop.call_control_id")?,
    })
}

fn parse_error(raw: RawMessage<'_>) -> Result<StreamError<'_>, ParseError> {
    let body: Option<RawError<'_>> = match (raw.error, raw.payload) {
        (Some(e), _) => Some(e.object("error")?),
        (None, Some(p)) => Some(p.object("payload")?),
        (None, None) => None,
    };
    let (code, title, detail) = body.map_or((None, None, None), |b| (b.code, b.title, b.detail));
    let code = match code {
        Some(Json::Uint(n)) => Some(Cow::Owned(n.to_string())),
        other => opt_string(other, "error.code")?,
    };
    let (sequence_number, stream_id) = envelope(raw.sequence_number, raw.stream_id)?;
    Ok(StreamError {
        sequence_number,
        stream_id,
        code,
        title: opt_string(title, "error.title")?,
        detail: opt_string(detail, "error.detail")?,
    })
}
