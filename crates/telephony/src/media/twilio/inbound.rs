//! Messages Twilio sends to the server, and their strict parser.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::raw::{RawMediaFormat, RawMessage};
use crate::ParseError;
use crate::media::{MediaFormat, Track, decode_payload};
use crate::wire::fields::{
    decimal_string, dtmf_digit, integer, invalid, require, required_object, required_string,
    string_map,
};
use crate::wire::json::Json;
use crate::wire::parse_object;

/// A message from Twilio to the server.
///
/// Strings borrow from the parsed text where possible; build values with
/// `Cow::from(..)` to serialise them (the testkit's fake caller does).
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound<'a> {
    Connected(Connected<'a>),
    Start(Start<'a>),
    Media(Media<'a>),
    Dtmf(Dtmf<'a>),
    Mark(Mark<'a>),
    Stop(Stop<'a>),
    /// An `event` this crate does not know. Tolerated so that a Twilio
    /// addition does not kill live calls; log it once per stream.
    Unknown {
        event: String,
    },
}

/// First message; no `streamSid` or `sequenceNumber`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected<'a> {
    /// `"Call"`.
    pub protocol: Cow<'a, str>,
    /// `"1.0.0"`.
    pub version: Cow<'a, str>,
}

/// Stream metadata, sent once right after `connected` with `sequenceNumber` 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start<'a> {
    pub sequence_number: u64,
    pub stream_sid: Cow<'a, str>,
    pub account_sid: Cow<'a, str>,
    pub call_sid: Cow<'a, str>,
    pub tracks: Vec<Track>,
    /// The `<Parameter>` children of `<Stream>`.
    pub custom_parameters: BTreeMap<String, String>,
    pub media_format: MediaFormat,
}

/// About 20 ms of base64 mu-law audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media<'a> {
    pub sequence_number: u64,
    pub stream_sid: Cow<'a, str>,
    pub track: Track,
    /// Per-track counter from 1.
    pub chunk: u64,
    /// Milliseconds since the stream started.
    pub timestamp: u64,
    /// Base64 of raw headerless audio; see [`Media::decode_into`].
    pub payload: Cow<'a, str>,
}

impl Media<'_> {
    /// Decodes the payload into `out`, replacing its contents and reusing its capacity.
    pub fn decode_into(&self, out: &mut Vec<u8>) -> Result<(), ParseError> {
        decode_payload(&self.payload, out)
    }
}

/// A key the caller pressed (bidirectional streams only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dtmf<'a> {
    pub sequence_number: u64,
    pub stream_sid: Cow<'a, str>,
    /// `inbound_track` (not `inbound`, unlike media).
    pub track: Cow<'a, str>,
    /// `0`-`9`, `*`, `#` or `A`-`D`.
    pub digit: char,
}

/// Echo of a mark the server sent, once the audio queued before it has played
/// (or at once, when a `clear` dropped that audio).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark<'a> {
    pub sequence_number: u64,
    pub stream_sid: Cow<'a, str>,
    pub name: Cow<'a, str>,
}

/// Last message; Twilio closes the socket after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop<'a> {
    pub sequence_number: u64,
    pub stream_sid: Cow<'a, str>,
    pub account_sid: Cow<'a, str>,
    pub call_sid: Cow<'a, str>,
}

impl<'a> Inbound<'a> {
    /// Parses one text frame. Strict: every documented field must be present
    /// with its documented type; unknown *fields* are ignored and unknown
    /// *events* yield [`Inbound::Unknown`].
    pub fn parse(text: &'a str) -> Result<Self, ParseError> {
        let mut raw: RawMessage<'a> = parse_object(text)?;
        let event = required_string(raw.event.take(), "event", "message")?;
        Ok(match &*event {
            "connected" => Inbound::Connected(Connected {
                protocol: required_string(raw.protocol, "protocol", "connected")?,
                version: required_string(raw.version, "version", "connected")?,
            }),
            "start" => Inbound::Start(parse_start(raw)?),
            "media" => Inbound::Media(parse_media(raw)?),
            "dtmf" => Inbound::Dtmf(parse_dtmf(raw)?),
            "mark" => Inbound::Mark(parse_mark(raw)?),
            "stop" => Inbound::Stop(parse_stop(raw)?),
            _ => Inbound::Unknown {
                event: event.into_owned(),
            },
        })
    }
}

/// `sequenceNumber` and `streamSid`, common to every message after `connected`.
fn envelope<'a>(
    sequence_number: Option<Json<'a>>,
    stream_sid: Option<Json<'a>>,
    event: &'static str,
) -> Result<(u64, Cow<'a, str>), ParseError> {
    let seq = require(sequence_number, "sequenceNumber", event)?;
    let seq = decimal_string(&seq, "sequenceNumber")?;
    Ok((seq, required_string(stream_sid, "streamSid", event)?))
}

fn parse_track(v: &Json<'_>, field: &'static str) -> Result<Track, ParseError> {
    match v {
        Json::Str(s) if s == "inbound" => Ok(Track::Inbound),
        Json::Str(s) if s == "outbound" => Ok(Track::Outbound),
        other => Err(invalid(field, "\"inbound\" or \"outbound\"", other)),
    }
}

fn parse_start(raw: RawMessage<'_>) -> Result<Start<'_>, ParseError> {
    const EV: &str = "start";
    let (sequence_number, stream_sid) = envelope(raw.sequence_number, raw.stream_sid, EV)?;
    let start = required_object(raw.start, "start", EV)?;
    let tracks = match require(start.tracks, "start.tracks", EV)? {
        Json::Array(items) => items
            .iter()
            .map(|t| parse_track(t, "start.tracks"))
            .collect::<Result<_, _>>()?,
        other => return Err(invalid("start.tracks", "an array of tracks", &other)),
    };
    let custom_parameters = match start.custom_parameters {
        Some(v) => string_map(v, "start.customParameters")?,
        None => BTreeMap::new(),
    };
    let format = required_object(start.media_format, "start.mediaFormat", EV)?;
    // Twilio repeats the sid inside `start`; a mismatch means a broken peer.
    let inner_sid = require(start.stream_sid, "start.streamSid", EV)?;
    if !matches!(&inner_sid, Json::Str(s) if *s == stream_sid) {
        return Err(invalid(
            "start.streamSid",
            "the top-level streamSid",
            &inner_sid,
        ));
    }
    Ok(Start {
        sequence_number,
        stream_sid,
        account_sid: required_string(start.account_sid, "start.accountSid", EV)?,
        call_sid: required_string(start.call_sid, "start.callSid", EV)?,
        tracks,
        custom_parameters,
        media_format: parse_media_format(format)?,
    })
}

fn parse_media_format(f: RawMediaFormat<'_>) -> Result<MediaFormat, ParseError> {
    const EV: &str = "start";
    let rate = require(f.sample_rate, "start.mediaFormat.sampleRate", EV)?;
    let channels = require(f.channels, "start.mediaFormat.channels", EV)?;
    Ok(MediaFormat {
        encoding: required_string(f.encoding, "start.mediaFormat.encoding", EV)?.into_owned(),
        sample_rate: integer(&rate, "start.mediaFormat.sampleRate")?,
        channels: integer(&channels, "start.mediaFormat.channels")?,
    })
}

fn parse_media(raw: RawMessage<'_>) -> Result<Media<'_>, ParseError> {
    const EV: &str = "media";
    let (sequence_number, stream_sid) = envelope(raw.sequence_number, raw.stream_sid, EV)?;
    let media = required_object(raw.media, "media", EV)?;
    let track = require(media.track, "media.track", EV)?;
    let chunk = require(media.chunk, "media.chunk", EV)?;
    let timestamp = require(media.timestamp, "media.timestamp", EV)?;
    Ok(Media {
        sequence_number,
        stream_sid,
        track: parse_track(&track, "media.track")?,
        chunk: decimal_string(&chunk, "media.chunk")?,
        timestamp: decimal_string(&timestamp, "media.timestamp")?,
        payload: required_string(media.payload, "media.payload", EV)?,
    })
}

fn parse_dtmf(raw: RawMessage<'_>) -> Result<Dtmf<'_>, ParseError> {
    const EV: &str = "dtmf";
    let (sequence_number, stream_sid) = envelope(raw.sequence_number, raw.stream_sid, EV)?;
    let dtmf = required_object(raw.dtmf, "dtmf", EV)?;
    let digit = require(dtmf.digit, "dtmf.digit", EV)?;
    Ok(Dtmf {
        sequence_number,
        stream_sid,
        track: required_string(dtmf.track, "dtmf.track", EV)?,
        digit: dtmf_digit(&digit, "dtmf.digit")?,
    })
}

fn parse_mark(raw: RawMessage<'_>) -> Result<Mark<'_>, ParseError> {
    const EV: &str = "mark";
    let (sequence_number, stream_sid) = envelope(raw.sequence_number, raw.stream_sid, EV)?;
    let mark = required_object(raw.mark, "mark", EV)?;
    Ok(Mark {
        sequence_number,
        stream_sid,
        name: required_string(mark.name, "mark.name", EV)?,
    })
}

fn parse_stop(raw: RawMessage<'_>) -> Result<Stop<'_>, ParseError> {
    const EV: &str = "stop";
    let (sequence_number, stream_sid) = envelope(raw.sequence_number, raw.stream_sid, EV)?;
    let stop = required_object(raw.stop, "stop", EV)?;
    Ok(Stop {
        sequence_number,
        stream_sid,
        account_sid: required_string(stop.account_sid, "stop.accountSid", EV)?,
        call_sid: required_string(stop.call_sid, "stop.callSid", EV)?,
    })
}
