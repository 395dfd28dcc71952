//! Resources as Twilio's JSON: snake_case, string durations, RFC 2822 dates.

use serde_json::{Value, json};
use switchboard_telephony::twilio::callbacks::CallStatus;

use super::super::pool::Offer;
use super::super::state::{CallEntry, MessageEntry, NumberEntry, RecordingEntry, Shared};
use super::super::wire::{API_VERSION, formatted, rfc2822};

pub(super) fn call(shared: &Shared, entry: &CallEntry) -> Value {
    let record = &entry.record;
    let uri = format!("{}/Calls/{}.json", shared.account_path(), record.sid);
    // `initiated` is a callback event; the resource says `queued` until it rings.
    let status = match record.status {
        CallStatus::Initiated => CallStatus::Queued,
        other => other,
    };
    json!({
        "sid": record.sid,
        "date_created": rfc2822(entry.created),
        "date_updated": rfc2822(entry.updated),
        "parent_call_sid": null,
        "account_sid": shared.config.account_sid,
        "to": record.to,
        "to_formatted": formatted(&record.to),
        "from": record.from,
        "from_formatted": formatted(&record.from),
        "phone_number_sid": null,
        "status": status.as_str(),
        "start_time": entry.started.map(rfc2822),
        "end_time": entry.ended.map(rfc2822),
        "duration": record.duration.map(|d| d.to_string()),
        "price": null,
        "price_unit": "USD",
        "direction": record.direction,
        "answered_by": record.answered_by.map(|a| a.as_str()),
        "api_version": API_VERSION,
        "forwarded_from": null,
        "group_sid": null,
        "caller_name": null,
        "queue_time": "0",
        "trunk_sid": null,
        "uri": uri,
        "subresource_uris": {
            "notifications": uri.replace(".json", "/Notifications.json"),
            "recordings": uri.replace(".json", "/Recordings.json"),
        },
    })
}

pub(super) fn message(shared: &Shared, entry: &MessageEntry) -> Value {
    let record = &entry.record;
    let uri = format!("{}/Messages/{}.json", shared.account_path(), record.sid);
    let date = rfc2822(entry.created);
    json!({
        "sid": record.sid,
        "account_sid": shared.config.account_sid,
        "body": record.body,
        "num_segments": record.num_segments.to_string(),
        "num_media": "0",
        "direction": record.direction,
        "from": record.from,
        "to": record.to,
        "status": record.status,
        "date_created": date,
        "date_updated": date,
        "date_sent": null,
        "price": null,
        "price_unit": "USD",
        "error_code": record.error_code,
        "error_message": null,
        "messaging_service_sid": null,
        "api_version": API_VERSION,
        "uri": uri,
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
    })
}

pub(super) fn number(shared: &Shared, entry: &NumberEntry) -> Value {
    let record = &entry.record;
    let date = rfc2822(entry.created);
    json!({
        "sid": record.sid,
        "account_sid": shared.config.account_sid,
        "friendly_name": record.friendly_name,
        "phone_number": record.phone_number,
        "voice_url": record.voice_url,
        "voice_method": record.voice_method,
        "voice_fallback_url": null,
        "voice_fallback_method": "POST",
        "voice_caller_id_lookup": false,
        "sms_url": record.sms_url,
        "sms_method": record.sms_method,
        "sms_fallback_url": "",
        "sms_fallback_method": "POST",
        "status_callback": record.status_callback.clone().unwrap_or_default(),
        "status_callback_method": "POST",
        "capabilities": {"voice": true, "sms": true, "mms": true, "fax": false},
        "date_created": date,
        "date_updated": date,
        "api_version": API_VERSION,
        "origin": "twilio",
        "status": "in-use",
        "beta": false,
        "uri": format!("{}/IncomingPhoneNumbers/{}.json", shared.account_path(), record.sid),
    })
}

pub(super) fn offer(offer: &Offer) -> Value {
    json!({
        "friendly_name": formatted(&offer.phone_number),
        "phone_number": offer.phone_number,
        "lata": null,
        "locality": offer.locality,
        "rate_center": offer.locality.to_ascii_uppercase(),
        "latitude": null,
        "longitude": null,
        "region": offer.region,
        "postal_code": null,
        "iso_country": "US",
        "address_requirements": "none",
        "beta": false,
        "capabilities": {"voice": true, "SMS": true, "MMS": true, "fax": false},
    })
}

pub(super) fn recording(shared: &Shared, sid: &str, entry: &RecordingEntry) -> Value {
    let date = rfc2822(entry.created);
    let uri = format!("{}/Recordings/{sid}.json", shared.account_path());
    json!({
        "sid": sid,
        "account_sid": shared.config.account_sid,
        "call_sid": entry.call_sid,
        "conference_sid": null,
        "date_created": date,
        "date_updated": date,
        "start_time": date,
        "duration": entry.duration.to_string(),
        "price": null,
        "price_unit": "USD",
        "status": "completed",
        "channels": 1,
        "source": "OutboundAPI",
        "error_code": null,
        "api_version": API_VERSION,
        "uri": uri,
        "media_url": format!("{}{}", shared.base_url(), uri.replace(".json", "")),
    })
}

/// A list page: the records under `key`, and the paging keys beside them.
pub(super) fn page(key: &str, uri: &str, records: Vec<Value>) -> Value {
    let count = records.len();
    json!({
        key: records,
        "end": count.saturating_sub(1),
        "first_page_uri": uri,
        "next_page_uri": null,
        "previous_page_uri": null,
        "page": 0,
        "page_size": 50,
        "start": 0,
        "uri": uri,
    })
}
