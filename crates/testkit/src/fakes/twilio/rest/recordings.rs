//! `Recordings/{RecordingSid}`: the resource (`.json`) and its media (`.wav`, or no
//! extension, which Twilio also answers with a WAV).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::super::state::Shared;
use super::super::wire;
use super::resources;

pub(super) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path((_, file)): Path<(String, String)>,
) -> Response {
    let (sid, extension) = file.split_once('.').unwrap_or((&file, "wav"));
    let state = shared.state();
    let found = state.recordings.get(sid);
    match (found, extension) {
        (Some(entry), "json") => {
            wire::json_response(200, &resources::recording(&shared, sid, entry))
        }
        (Some(entry), "wav") => {
            ([(header::CONTENT_TYPE, "audio/x-wav")], entry.wav.clone()).into_response()
        }
        _ => wire::not_found(&format!("{}/Recordings/{file}", shared.account_path())),
    }
}
