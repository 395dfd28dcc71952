//! Number search, orders and the account's numbers.

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::Shared;
use super::config::FakeNumber;
use super::rest::{error, invalid, json_reply, not_found, text};
use super::state::{FakeOwnedNumber, now_iso, uuid};

/// `GET /v2/available_phone_numbers`.
pub(super) fn search(shared: &Shared, query: &[(String, String)]) -> Response {
    let first = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(country) = first("filter[country_code]") else {
        return error(
            422,
            "10015",
            "Invalid value",
            "filter[country_code] is required.",
            None,
        );
    };
    let features: Vec<&str> = query
        .iter()
        .filter(|(k, _)| k == "filter[features][]" || k == "filter[features]")
        .map(|(_, v)| v.as_str())
        .collect();
    let limit = first("filter[limit]")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let state = shared.state.lock().expect("state lock");
    let taken = |number: &str| {
        state
            .owned
            .iter()
            .chain(&state.pending)
            .any(|n| n.phone_number == number)
    };
    let found: Vec<Value> = shared
        .config
        .inventory
        .iter()
        .filter(|n| n.country.eq_ignore_ascii_case(country) && !taken(&n.phone_number))
        .filter(|n| {
            let national = national(n);
            first("filter[national_destination_code]").is_none_or(|ndc| national.starts_with(ndc))
                && first("filter[phone_number][contains]")
                    .is_none_or(|digits| national.contains(digits))
                && features
                    .iter()
                    .all(|f| n.features.iter().any(|have| have == f))
        })
        .take(limit)
        .map(available)
        .collect();
    let total = found.len();
    json_reply(
        200,
        json!({"data": found, "meta": {"total_results": total, "best_effort_results": 0}}),
    )
}

/// The number without `+` and the country calling code (`+1` only, for US and Canada).
fn national(number: &FakeNumber) -> &str {
    let digits = number.phone_number.trim_start_matches('+');
    match number.country.as_str() {
        "US" | "CA" => digits.strip_prefix('1').unwrap_or(digits),
        _ => digits,
    }
}

fn available(number: &FakeNumber) -> Value {
    let mut regions = vec![json!({"region_type": "country_code", "region_name": number.country})];
    if let Some(state) = &number.state {
        regions.push(json!({"region_type": "state", "region_name": state}));
    }
    if let Some(locality) = &number.locality {
        regions.push(json!({"region_type": "location", "region_name": locality}));
    }
    let features: Vec<Value> = number.features.iter().map(|f| json!({"name": f})).collect();
    json!({
        "record_type": "available_phone_number",
        "phone_number": number.phone_number,
        "vanity_format": "",
        "best_effort": false,
        "quickship": true,
        "reservable": true,
        "region_information": regions,
        "cost_information": {"upfront_cost": "1.00", "monthly_cost": "1.00", "currency": "USD"},
        "features": features,
    })
}

/// `POST /v2/number_orders`.
pub(super) fn order(shared: &Shared, body: &Map<String, Value>) -> Response {
    let wanted: Vec<String> = body
        .get("phone_numbers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.get("phone_number")?.as_str().map(str::to_owned))
        .collect();
    if wanted.is_empty() {
        return invalid(
            "phone_numbers",
            "phone_numbers must list at least one {phone_number}.",
        );
    }
    let connection_id = text(body, "connection_id").map(str::to_owned);
    let profile_id = text(body, "messaging_profile_id").map(str::to_owned);
    let hold = shared.knobs.lock().expect("knobs lock").hold_orders;
    let mut state = shared.state.lock().expect("state lock");
    if connection_id
        .as_ref()
        .is_some_and(|id| !state.connections.contains_key(id))
    {
        return invalid(
            "connection_id",
            "The connection_id is not a connection of this account.",
        );
    }
    if profile_id
        .as_ref()
        .is_some_and(|id| !state.messaging_profiles.contains_key(id))
    {
        return invalid(
            "messaging_profile_id",
            "The messaging_profile_id is not a profile of this account.",
        );
    }
    for number in &wanted {
        let in_inventory = shared
            .config
            .inventory
            .iter()
            .any(|n| &n.phone_number == number);
        let taken = state
            .owned
            .iter()
            .chain(&state.pending)
            .any(|n| &n.phone_number == number);
        if !in_inventory || taken {
            // [I] the code for a number that cannot be ordered.
            return error(
                422,
                "85001",
                "Number not available",
                &format!("{number} is not available for purchase."),
                Some("/phone_numbers"),
            );
        }
    }
    let status = if hold { "pending" } else { "success" };
    let mut ordered = Vec::new();
    for number in &wanted {
        let record = state.new_number(number, connection_id.clone(), profile_id.clone());
        ordered.push(json!({
            "id": uuid(),
            "record_type": "number_order_phone_number",
            "phone_number": number,
            "requirements_met": true,
            "status": status,
        }));
        if hold {
            state.pending.push(record);
        } else {
            state.owned.push(record);
        }
    }
    let now = now_iso();
    json_reply(
        200,
        json!({"data": {
            "id": uuid(),
            "record_type": "number_order",
            "phone_numbers_count": ordered.len(),
            "phone_numbers": ordered,
            "connection_id": connection_id,
            "messaging_profile_id": profile_id,
            "status": status,
            "requirements_met": true,
            "created_at": now,
            "updated_at": now,
        }}),
    )
}

/// `GET /v2/phone_numbers`; `filter[phone_number]` matches loosely, as a substring.
pub(super) fn list(shared: &Shared, query: &[(String, String)]) -> Response {
    let filter = query
        .iter()
        .find(|(k, _)| k == "filter[phone_number]")
        .map(|(_, v)| v.trim_start_matches('+').to_owned());
    let state = shared.state.lock().expect("state lock");
    let found: Vec<Value> = state
        .owned
        .iter()
        .filter(|n| {
            filter
                .as_ref()
                .is_none_or(|f| n.phone_number.contains(f.as_str()))
        })
        .map(record)
        .collect();
    let total = found.len();
    json_reply(
        200,
        json!({"data": found, "meta": {
            "total_results": total, "total_pages": 1, "page_number": 1, "page_size": 20,
        }}),
    )
}

/// `PATCH /v2/phone_numbers/{id}` (`connection_id`) and `…/{id}/messaging`
/// (`messaging_profile_id`).
pub(super) fn update(
    shared: &Shared,
    id: &str,
    body: &Map<String, Value>,
    field: &str,
) -> Response {
    let mut state = shared.state.lock().expect("state lock");
    let value = text(body, field).map(str::to_owned);
    let known = match field {
        "connection_id" => &state.connections,
        _ => &state.messaging_profiles,
    };
    if value.as_ref().is_some_and(|v| !known.contains_key(v)) {
        return invalid(
            field,
            &format!("The {field} does not exist on this account."),
        );
    }
    let Some(number) = state.owned.iter_mut().find(|n| n.id == id) else {
        return not_found("phone number");
    };
    match (field, value) {
        ("connection_id", Some(v)) => number.connection_id = Some(v),
        (_, Some(v)) => number.messaging_profile_id = Some(v),
        _ => {}
    }
    json_reply(200, json!({"data": record(number)}))
}

/// `DELETE /v2/phone_numbers/{id}`.
pub(super) fn delete(shared: &Shared, id: &str) -> Response {
    let mut state = shared.state.lock().expect("state lock");
    let Some(index) = state.owned.iter().position(|n| n.id == id) else {
        return not_found("phone number");
    };
    let number = state.owned.remove(index);
    let mut reply = record(&number);
    reply["status"] = json!("deleted");
    state.released.push(number);
    json_reply(200, json!({"data": reply}))
}

fn record(number: &FakeOwnedNumber) -> Value {
    json!({
        "id": number.id,
        "record_type": "phone_number",
        "phone_number": number.phone_number,
        "status": "active",
        "connection_id": number.connection_id,
        "messaging_profile_id": number.messaging_profile_id,
        "tags": [],
    })
}
