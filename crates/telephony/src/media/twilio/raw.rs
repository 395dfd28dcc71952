//! Twilio frames as captured from JSON, before any type checks.
//!
//! One struct covers every message in both directions: the top-level keys
//! never clash, and a single pass over the text is all a media frame costs.
//! Unknown keys are skipped without allocating. Twilio's keys are camelCase.
//!
//! Each struct's `bound` lets its [`Json`] fields borrow from the input.

use serde::Deserialize;

use crate::media::common::{RawMark, RawMedia};
use crate::wire::json::{Json, Nested};

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"), rename_all = "camelCase")]
pub(super) struct RawMessage<'a> {
    pub event: Option<Json<'a>>,
    pub sequence_number: Option<Json<'a>>,
    pub stream_sid: Option<Json<'a>>,
    pub protocol: Option<Json<'a>>,
    pub version: Option<Json<'a>>,
    pub start: Option<Nested<'a, RawStart<'a>>>,
    pub media: Option<Nested<'a, RawMedia<'a>>>,
    pub dtmf: Option<Nested<'a, RawDtmf<'a>>>,
    pub mark: Option<Nested<'a, RawMark<'a>>>,
    pub stop: Option<Nested<'a, RawStop<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"), rename_all = "camelCase")]
pub(super) struct RawStart<'a> {
    pub account_sid: Option<Json<'a>>,
    pub stream_sid: Option<Json<'a>>,
    pub call_sid: Option<Json<'a>>,
    pub tracks: Option<Json<'a>>,
    pub custom_parameters: Option<Json<'a>>,
    pub media_format: Option<Nested<'a, RawMediaFormat<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"), rename_all = "camelCase")]
pub(super) struct RawMediaFormat<'a> {
    pub encoding: Option<Json<'a>>,
    pub sample_rate: Option<Json<'a>>,
    pub channels: Option<Json<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawDtmf<'a> {
    pub track: Option<Json<'a>>,
    pub digit: Option<Json<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"), rename_all = "camelCase")]
pub(super) struct RawStop<'a> {
    pub account_sid: Option<Json<'a>>,
    pub call_sid: Option<Json<'a>>,
}
