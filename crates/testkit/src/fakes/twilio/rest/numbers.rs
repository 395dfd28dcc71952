//! `AvailablePhoneNumbers/{Country}/Local.json` and `IncomingPhoneNumbers`: search, buy,
//! list, fetch, update, release.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use super::super::pool::{self, Wanted};
use super::super::records::NumberRecord;
use super::super::state::{NumberEntry, Shared};
use super::super::wire::{self, Form, formatted, is_e164};
use super::{resources, sid};
use crate::caller::random_sid;

/// Twilio's default and largest page sizes.
const PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 1000;

pub(super) async fn search(
    State(shared): State<Arc<Shared>>,
    Path((_, country, kind)): Path<(String, String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let query = Form(query);
    let uri = format!(
        "{}/AvailablePhoneNumbers/{country}/{kind}",
        shared.account_path()
    );
    if kind != "Local.json" {
        return wire::not_found(&uri);
    }
    let limit = query
        .get("PageSize")
        .and_then(|n| n.parse().ok())
        .unwrap_or(PAGE_SIZE)
        .min(MAX_PAGE_SIZE);
    let offers = if country == "US" {
        let taken: HashSet<String> = shared
            .state()
            .numbers
            .iter()
            .map(|n| n.record.phone_number.clone())
            .collect();
        let wanted = Wanted {
            area_code: query.get("AreaCode"),
            contains: query.get("Contains"),
            limit,
        };
        pool::search(&shared.config.area_codes, &taken, &wanted)
    } else {
        Vec::new()
    };
    let body = serde_json::json!({
        "available_phone_numbers": offers.iter().map(resources::offer).collect::<Vec<_>>(),
        "uri": uri,
    });
    wire::json_response(200, &body)
}

/// The hooks a create or update form sets.
fn apply_hooks(record: &mut NumberRecord, form: &Form) {
    let set = |field: &mut Option<String>, name: &str| {
        if let Some(value) = form.get(name) {
            *field = Some(value.to_owned()).filter(|v| !v.is_empty());
        }
    };
    set(&mut record.voice_url, "VoiceUrl");
    set(&mut record.sms_url, "SmsUrl");
    set(&mut record.status_callback, "StatusCallback");
    if let Some(method) = form.get("VoiceMethod") {
        record.voice_method = method.to_ascii_uppercase();
    }
    if let Some(method) = form.get("SmsMethod") {
        record.sms_method = method.to_ascii_uppercase();
    }
    if let Some(name) = form.get("FriendlyName") {
        record.friendly_name = name.to_owned();
    }
}

pub(super) async fn buy(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let number = match (form.get("PhoneNumber"), form.get("AreaCode")) {
        (Some(number), _) => number.to_owned(),
        (None, Some(area_code)) => {
            let taken: HashSet<String> = shared
                .state()
                .numbers
                .iter()
                .map(|n| n.record.phone_number.clone())
                .collect();
            let wanted = Wanted {
                area_code: Some(area_code),
                contains: None,
                limit: 1,
            };
            match pool::search(&shared.config.area_codes, &taken, &wanted).pop() {
                Some(offer) => offer.phone_number,
                None => {
                    return wire::error(
                        400,
                        21452,
                        format!("No phone numbers found in area code {area_code}"),
                    );
                }
            }
        }
        (None, None) => {
            return wire::error(400, 21421, "PhoneNumber or AreaCode is required");
        }
    };
    let mut state = shared.state();
    let available = is_e164(&number)
        && pool::offers(&shared.config.area_codes, &number)
        && state.number(&number).is_none();
    if !available {
        return wire::error(
            400,
            21422,
            format!("PhoneNumber {number} is not available."),
        );
    }
    let mut record = NumberRecord {
        sid: random_sid("PN"),
        friendly_name: formatted(&number),
        phone_number: number,
        voice_url: None,
        voice_method: "POST".to_owned(),
        sms_url: None,
        sms_method: "POST".to_owned(),
        status_callback: None,
    };
    apply_hooks(&mut record, &form);
    let entry = NumberEntry {
        record,
        created: Timestamp::now(),
    };
    let body = resources::number(&shared, &entry);
    state.numbers.push(entry);
    wire::json_response(201, &body)
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let query = Form(query);
    let wanted = query.get("PhoneNumber");
    let state = shared.state();
    let records = state
        .numbers
        .iter()
        .filter(|n| wanted.is_none_or(|w| n.record.phone_number == w))
        .map(|n| resources::number(&shared, n))
        .collect();
    let uri = format!("{}/IncomingPhoneNumbers.json", shared.account_path());
    wire::json_response(
        200,
        &resources::page("incoming_phone_numbers", &uri, records),
    )
}

fn not_found(shared: &Shared, sid: &str) -> Response {
    wire::not_found(&format!(
        "{}/IncomingPhoneNumbers/{sid}.json",
        shared.account_path()
    ))
}

pub(super) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path((_, number)): Path<(String, String)>,
) -> Response {
    let sid = sid(&number);
    let state = shared.state();
    match state.numbers.iter().find(|n| n.record.sid == sid) {
        Some(entry) => wire::json_response(200, &resources::number(&shared, entry)),
        None => not_found(&shared, sid),
    }
}

pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Path((_, number)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let sid = sid(&number);
    let form = Form::parse(&body);
    let mut state = shared.state();
    match state.numbers.iter_mut().find(|n| n.record.sid == sid) {
        Some(entry) => {
            apply_hooks(&mut entry.record, &form);
            wire::json_response(200, &resources::number(&shared, entry))
        }
        None => not_found(&shared, sid),
    }
}

pub(super) async fn release(
    State(shared): State<Arc<Shared>>,
    Path((_, number)): Path<(String, String)>,
) -> Response {
    let sid = sid(&number);
    let mut state = shared.state();
    let before = state.numbers.len();
    state.numbers.retain(|n| n.record.sid != sid);
    if state.numbers.len() == before {
        return not_found(&shared, sid);
    }
    StatusCode::NO_CONTENT.into_response()
}
