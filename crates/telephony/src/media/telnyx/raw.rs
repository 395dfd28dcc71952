//! Telnyx frames as captured from JSON, before any type checks.
//!
//! Field names follow Telnyx's media-streaming docs (snake_case). A few
//! alternative spellings seen in third-party integrations are captured too
//! and used only as fallbacks; see the parser for which.
//!
//! Each struct's `bound` lets its [`Json`] fields borrow from the input.

use serde::Deserialize;

use crate::media::common::{RawMark, RawMedia};
use crate::wire::json::{Json, Nested};

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawMessage<'a> {
    pub event: Option<Json<'a>>,
    pub sequence_number: Option<Json<'a>>,
    pub stream_id: Option<Json<'a>>,
    pub version: Option<Json<'a>>,
    /// `connected` may carry `{"x-telnyx-streaming-auth-token": ..}`.
    pub connected: Option<Json<'a>>,
    pub occurred_at: Option<Json<'a>>,
    pub start: Option<Nested<'a, RawStart<'a>>>,
    pub media: Option<Nested<'a, RawMedia<'a>>>,
    pub dtmf: Option<Nested<'a, RawDtmf<'a>>>,
    pub mark: Option<Nested<'a, RawMark<'a>>>,
    pub stop: Option<Nested<'a, RawStop<'a>>>,
    pub error: Option<Nested<'a, RawError<'a>>>,
    /// Fallback for `error` (one integration reads `payload.title`).
    pub payload: Option<Nested<'a, RawError<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawStart<'a> {
    pub user_id: Option<Json<'a>>,
    pub call_control_id: Option<Json<'a>>,
    pub call_session_id: Option<Json<'a>>,
    pub from: Option<Json<'a>>,
    pub to: Option<Json<'a>>,
    pub tags: Option<Json<'a>>,
    pub client_state: Option<Json<'a>>,
    pub custom_parameters: Option<Json<'a>>,
    /// Fallback spelling for `custom_parameters`.
    #[serde(rename = "customParameters")]
    pub custom_parameters_camel: Option<Json<'a>>,
    /// Fallback for the top-level `stream_id`.
    pub stream_id: Option<Json<'a>>,
    pub media_format: Option<Nested<'a, RawMediaFormat<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawMediaFormat<'a> {
    pub encoding: Option<Json<'a>>,
    pub sample_rate: Option<Json<'a>>,
    pub channels: Option<Json<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawDtmf<'a> {
    pub digit: Option<Json<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawStop<'a> {
    pub user_id: Option<Json<'a>>,
    pub call_control_id: Option<Json<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(super) struct RawError<'a> {
    pub code: Option<Json<'a>>,
    pub title: Option<Json<'a>>,
    pub detail: Option<Json<'a>>,
}
