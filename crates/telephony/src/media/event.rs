//! The carrier-neutral view of an inbound media stream.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Carrier, MediaFormat, Track, telnyx, twilio};

/// What a carrier frame means to the session, whoever sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaEvent<'a> {
    /// The socket is up; the stream has not started yet. Nothing to do.
    Connected,
    /// The stream started: identifies the call and carries our `<Parameter>`s.
    /// Boxed: it comes once per call and would otherwise bloat every event.
    Started(Box<StreamStart>),
    /// One chunk of audio, already base64-decoded.
    Audio(Audio<'a>),
    /// A key the caller pressed: `0`-`9`, `*`, `#`, `A`-`D`.
    Dtmf(char),
    /// The carrier played everything queued before the mark of this name
    /// (or dropped it on `clear`).
    MarkPlayed(Cow<'a, str>),
    /// The carrier ended the stream; the socket closes next.
    Stopped,
    /// The carrier reports a problem with something we sent (Telnyx `error`).
    CarrierError(CarrierError),
    /// An event this crate does not know. `first` is true the first time this
    /// name appears on the stream, so the session can log it once.
    Unknown { event: String, first: bool },
}

/// Decoded audio borrowed from the decoder's reusable buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audio<'a> {
    pub track: Track,
    /// Carrier's per-track counter, when sent (always for Twilio).
    pub chunk: Option<u64>,
    /// Milliseconds since the stream started, when sent (always for Twilio).
    pub timestamp_ms: Option<u64>,
    /// Raw audio in the stream's [`MediaFormat`] (mu-law 8 kHz by default).
    pub payload: &'a [u8],
}

/// A stream's identity and parameters, from its `start` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamStart {
    pub carrier: Carrier,
    /// Twilio `streamSid` / Telnyx `stream_id`; outbound frames need it.
    pub stream_id: String,
    /// Twilio `callSid` / Telnyx `call_control_id`.
    pub call_id: String,
    /// Twilio `accountSid` / Telnyx `user_id`.
    pub account_id: Option<String>,
    /// Telnyx only; Twilio sends the numbers in webhooks, not on the stream.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Telnyx `client_state` (base64, as sent).
    pub client_state: Option<String>,
    /// Twilio `<Parameter>`s / Telnyx `custom_parameters`.
    pub custom_parameters: BTreeMap<String, String>,
    pub media_format: MediaFormat,
}

/// A carrier-reported stream error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CarrierError {
    pub code: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
}

impl StreamStart {
    /// The neutral view of a Twilio `start`.
    pub fn from_twilio(s: twilio::Start<'_>) -> Self {
        StreamStart {
            carrier: Carrier::Twilio,
            stream_id: s.stream_sid.into_owned(),
            call_id: s.call_sid.into_owned(),
            account_id: Some(s.account_sid.into_owned()),
            from: None,
            to: None,
            client_state: None,
            custom_parameters: s.custom_parameters,
            media_format: s.media_format,
        }
    }

    /// The neutral view of a Telnyx `start`. Without a `media_format`, the
    /// stream is assumed to be PCMU 8 kHz mono (Telnyx's default codec).
    pub fn from_telnyx(s: telnyx::Start<'_>) -> Self {
        let owned = |v: Option<Cow<'_, str>>| v.map(Cow::into_owned);
        StreamStart {
            carrier: Carrier::Telnyx,
            stream_id: s.stream_id.into_owned(),
            call_id: s.call_control_id.into_owned(),
            account_id: owned(s.user_id),
            from: owned(s.from),
            to: owned(s.to),
            client_state: owned(s.client_state),
            custom_parameters: s.custom_parameters,
            media_format: s.media_format.unwrap_or_else(|| MediaFormat {
                encoding: "PCMU".to_owned(),
                sample_rate: 8000,
                channels: 1,
            }),
        }
    }
}

impl CarrierError {
    /// The neutral view of a Telnyx `error` frame.
    pub fn from_telnyx(e: telnyx::StreamError<'_>) -> Self {
        CarrierError {
            code: e.code.map(Cow::into_owned),
            title: e.title.map(Cow::into_owned),
            detail: e.detail.map(Cow::into_owned),
        }
    }
}
