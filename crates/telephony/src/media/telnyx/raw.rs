//! Telnyx frames as captured from JSON, before any type checks.
//!
//! Field names follow Telnyx's media-streaming docs (snake_case). A few
//! alternative spellings seen in third-party integrations are captured too
//! and used only as fallbacks; see the parser for which.

use serde::Deserialize;

use crate::wire::json::{Json, Nested};

#[derive(Deserialize)]
pub(super) struct RawMessage<'a> {
    #[serde(borrow)]
    pub event: Option<Json<'a>>,
    #[serde(borrow)]
    pub sequence_number: Option<Json<'a>>,
    #[serde(borrow)]
    pub stream_id: Option<Json<'a>>,
    #[serde(borrow)]
    pub version: Option<Json<'a>>,
    /// `connected` may carry `{"x-telnyx-streaming-auth-token": ..}`.
    #[serde(borrow)]
    pub connected: Option<Json<'a>>,
    #[serde(borrow)]
    pub occurred_at: Option<Json<'a>>,
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
    #[serde(borrow)]
    pub error: Option<Nested<'a, RawError<'a>>>,
    /// Fallback for `error` (one integration reads `payload.title`).
    #[serde(borrow)]
    pub payload: Option<Nested<'a, RawError<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct RawStart<'a> {
    #[serde(borrow)]
    pub user_id: Option<Json<'a>>,
    #[serde(borrow)]
    pub call_control_id: Option<Json<'a>>,
    #[serde(borrow)]
    pub call_session_id: Option<Json<'a>>,
    #[serde(borrow)]
    pub from: Option<Json<'a>>,
    #[serde(borrow)]
    pub to: Option<Json<'a>>,
    #[serde(borrow)]
    pub tags: Option<Json<'a>>,
    #[serde(borrow)]
    pub client_state: Option<Json<'a>>,
    #[serde(borrow)]
    pub custom_parameters: Option<Json<'a>>,
    /// Fallback spelling for `custom_parameters`.
    #[serde(borrow, rename = "customParameters")]
    pub custom_parameters_camel: Option<Json<'a>>,
    /// Fallback for the top-level `stream_id`.
    #[serde(borrow)]
    pub stream_id: Option<Json<'a>>,
    #[serde(borrow)]
    pub media_format: Option<Nested<'a, RawMediaFormat<'a>>>,
}

#[derive(Deserialize)]
pub(super) struct RawMediaFormat<'a> {
    #[serde(borrow)]
    pub encoding: Option<Json<'a>>,
    #[serde(borrow)]
    pub sample_rate: Option<Json<'a>>,
    #[serde(borrow)]
    pub channels: Option<Json<'a>>,
}

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
    pub digit: Option<Json<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawMark<'a> {
    #[serde(borrow)]
    pub name: Option<Json<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawStop<'a> {
    #[serde(borrow)]
    pub user_id: Option<Json<'a>>,
    #[serde(borrow)]
    pub call_control_id: Option<Json<'a>>,
}

#[derive(Deserialize)]
pub(super) struct RawError<'a> {
    #[serde(borrow)]
    pub code: Option<Json<'a>>,
    #[serde(borrow)]
    pub title: Option<Json<'a>>,
    #[serde(borrow)]
    pub detail: Option<Json<'a>>,
}
