//! Twilio frames as captured from JSON, before any type checks.
//!
//! One struct covers every message in both directions: the top-level keys
//! never clash, and a single pass over the text is all a media frame costs.
//! Unknown keys are skipped without allocating.

use serde::Deserialize;

use crate::wire::json::{Json, Nested};

#[derive(Deserialize)]
pub(super) struct RawMessage<'a> {
    #[serde(borrow)]
    pub event: Option<Json<'a>>,
    #[serde(borrow, rename = "sequenceNumber")]
    pub sequence_number: Option<Json<'a>>,
    #[serde(borrow, rename = "streamSid")]
    pub stream_sid: Option<Json<'a>>,
    #[serde(borrow)]
    pub protocol: Option<Json<'a>>,
    #[serde(borrow)]
    pub version: Option<Json<'a>>,
    #[serde(borrow)]
    pub start: Option<Nested<'a, RawStart<'a>>>,
    #[serde(borrow)]
    pub media: Option<Nested<'a, RawMedia<'a>>>,
    #[serde(borrow)]
    pub dtmf: Option<Nested<'a, RawDtmf<'a>>>,
    #[serde(borrow)]
    pub mark: Option<Nested<'a, RawMark<'a>>>,
    #[serde(borrow)]
    pub stop: Option<Nested<'a, RawStop<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct RawStart<'a> {
    #[serde(borrow, rename = "accountSid")]
    pub account_sid: Option<Json<'a>>,
    #[serde(borrow, rename = "streamSid")]
    pub stream_sid: Option<Json<'a>>,
    #[serde(borrow, rename = "callSid")]
    pub call_sid: Option<Json<'a>>,
    #[serde(borrow)]
    pub tracks: Option<Json<'a>>,
    #[serde(borrow, rename = "customParameters")]
    pub custom_parameters: Option<Json<'a>>,
    #[serde(borrow, rename = "mediaFormat")]
    pub media_format: Option<Nested<'a, RawMediaFormat<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct RawMediaFormat<'a> {
    #[serde(borrow)]
    pub encoding: Option<Json<'a>>,
    #[serde(borrow, rename = "sampleRate")]
    pub sample_rate: Option<Json<'a>>,
    #[serde(borrow)]
    pub channels: Option<Json<'a>>,
}

/// `media` object of both directions: inbound has all four, outbound only `payload`.
#[derive(Deserialize)]
pub(super) struct RawMedia<'a> {
    #[serde(borrow)]
    pub track: Option<Json<'a>>,
    #[serde(borrow)]
    pub chunk: Option<Json<'a>>,
    #[serde(borrow)]
    pub timestamp: Option<Json<'a>>,
    #[serde(borrow)]
    pub payload: Option<Json<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawDtmf<'a> {
    #[serde(borrow)]
    pub track: Option<Json<'a>>,
    #[serde(borrow)]
    pub digit: Option<Json<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawMark<'a> {
    #[serde(borrow)]
    pub name: Option<Json<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawStop<'a> {
    #[serde(borrow, rename = "accountSid")]
    pub account_sid: Option<Json<'a>>,
    #[serde(borrow, rename = "callSid")]
    pub call_sid: Option<Json<'a>>,
}
