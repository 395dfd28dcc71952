//! `rest.php`: credentials, then the methods our client uses, answering HTTP 200 with
//! all-string JSON and a `status` (digest §5.1, §5.2). Status names for missing
//! parameters follow the `missing_<param>` pattern of the documented ones \[I\].

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

use super::{FakeDidRecord, FakeSentSms, Shared};
use crate::fakes::Recorded;

pub(super) const PATH: &str = "/api/v1/rest.php";

/// `sendSMS` refuses longer messages.
const SMS_LIMIT: usize = 160;

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new().route(PATH, any(handle)).with_state(shared)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared
        .recorder
        .push(Recorded::http(method.as_str(), &uri, &headers, &body));
    let mut params: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    if method == Method::POST {
        params.extend(url::form_urlencoded::parse(&body).into_owned());
    }
    let reply = answer(&shared, &Params(params));
    ([("content-type", "application/json")], reply.to_string()).into_response()
}

struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

fn status(status: &str) -> Value {
    json!({"status": status})
}

fn answer(shared: &Shared, params: &Params) -> Value {
    let (Some(username), Some(password)) = (params.get("api_username"), params.get("api_password"))
    else {
        return status("missing_credentials");
    };
    if username != shared.config.username || password != shared.config.api_password {
        return status("invalid_credentials");
    }
    if let Some(forced) = shared
        .state
        .lock()
        .expect("state lock")
        .forced_status
        .clone()
    {
        return status(&forced);
    }
    let Some(method) = params.get("method") else {
        return status("missing_method");
    };
    let result = match method {
        "getDIDsInfo" => dids_info(shared, params),
        "searchDIDsUSA" => search(shared, params, false),
        "searchDIDsCAN" => search(shared, params, true),
        "orderDID" => order(shared, params),
        "setSMS" => set_sms(shared, params),
        "cancelDID" => cancel(shared, params),
        "sendSMS" => send_sms(shared, params),
        "getSMS" => get_sms(shared, params),
        _ => Err("invalid_method"),
    };
    result.unwrap_or_else(status)
}

type Reply = Result<Value, &'static str>;

fn required<'a>(
    params: &'a Params,
    name: &str,
    missing: &'static str,
) -> Result<&'a str, &'static str> {
    params.get(name).ok_or(missing)
}

fn is_did(text: &str) -> bool {
    text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit())
}

fn dids_info(shared: &Shared, params: &Params) -> Reply {
    let state = shared.state.lock().expect("state lock");
    let wanted = params.get("did");
    let dids: Vec<Value> = state
        .owned
        .iter()
        .filter(|record| wanted.is_none_or(|did| did == record.did))
        .map(FakeDidRecord::to_json)
        .collect();
    if dids.is_empty() {
        return Err("no_did");
    }
    Ok(json!({"status": "success", "dids": dids}))
}

fn search(shared: &Shared, params: &Params, canadian: bool) -> Reply {
    let kind = required(params, "type", "missing_type")?;
    let query = required(params, "query", "missing_query")?;
    let region = params.get(if canadian { "province" } else { "state" });
    let matches = |did: &str| match kind {
        "starts" => Ok(did.starts_with(query)),
        "contains" => Ok(did.contains(query)),
        "ends" => Ok(did.ends_with(query)),
        _ => Err("invalid_type"),
    };
    let state = shared.state.lock().expect("state lock");
    let mut found = Vec::new();
    for did in shared
        .config
        .inventory
        .iter()
        .filter(|d| d.canadian == canadian)
    {
        let available = !state.owned.iter().any(|r| r.did == did.did);
        if available && matches(&did.did)? && region.is_none_or(|r| r == did.state) {
            found.push(listing(did, canadian));
        }
    }
    if found.is_empty() {
        return Err("no_did");
    }
    Ok(json!({"status": "success", "dids": found}))
}

/// A `searchDIDs*` item, every value a string.
fn listing(did: &super::FakeDid, canadian: bool) -> Value {
    let region = if canadian { "province" } else { "state" };
    json!({
        "did": did.did,
        "ratecenter": did.ratecenter,
        region: did.state,
        "perminute_monthly": "0.99",
        "perminute_minute": "0.01",
        "perminute_setup": "0.50",
        "flat_monthly": "4.95",
        "flat_minute": "0.00",
        "flat_setup": "1.00",
    })
}

fn order(shared: &Shared, params: &Params) -> Reply {
    let did = required(params, "did", "missing_did")?;
    let routing = required(params, "routing", "missing_routing")?;
    let pop = required(params, "pop", "missing_pop")?;
    let dialtime = required(params, "dialtime", "missing_dialtime")?;
    let cnam = required(params, "cnam", "missing_cnam")?;
    let billing_type = required(params, "billing_type", "missing_billing_type")?;
    let mut state = shared.state.lock().expect("state lock");
    if state.owned.iter().any(|r| r.did == did) {
        return Err("did_in_use");
    }
    let offered = shared.config.inventory.iter().find(|d| d.did == did);
    if !is_did(did) || offered.is_none() {
        return Err("invalid_did");
    }
    if params.get("test") == Some("true") || params.get("test") == Some("1") {
        return Ok(status("success"));
    }
    state.owned.push(FakeDidRecord {
        did: did.to_owned(),
        routing: routing.to_owned(),
        pop: pop.to_owned(),
        dialtime: dialtime.to_owned(),
        cnam: cnam.to_owned(),
        billing_type: billing_type.to_owned(),
        sms_available: offered.is_some_and(|d| d.sms),
        ..FakeDidRecord::default()
    });
    Ok(status("success"))
}

fn set_sms(shared: &Shared, params: &Params) -> Reply {
    let did = required(params, "did", "missing_did")?;
    let enable = required(params, "enable", "missing_enable")?;
    let mut state = shared.state.lock().expect("state lock");
    let record = state
        .owned
        .iter_mut()
        .find(|r| r.did == did)
        .ok_or("invalid_did")?;
    let on = |name: &str| params.get(name) == Some("1");
    record.sms_enabled = enable == "1";
    record.url_callback_enabled = on("url_callback_enable");
    record.url_callback_retry = on("url_callback_retry");
    record.url_callback = params.get("url_callback").unwrap_or_default().to_owned();
    Ok(status("success"))
}

fn cancel(shared: &Shared, params: &Params) -> Reply {
    let did = required(params, "did", "missing_did")?;
    let mut state = shared.state.lock().expect("state lock");
    let index = state
        .owned
        .iter()
        .position(|r| r.did == did)
        .ok_or("invalid_did")?;
    let record = state.owned.remove(index);
    state.cancelled.push(record.did);
    Ok(status("success"))
}

fn send_sms(shared: &Shared, params: &Params) -> Reply {
    let did = required(params, "did", "missing_did")?;
    let dst = required(params, "dst", "missing_dst")?;
    let message = required(params, "message", "missing_sms")?;
    let mut state = shared.state.lock().expect("state lock");
    if !state.owned.iter().any(|r| r.did == did && r.sms_enabled) {
        return Err("invalid_did");
    }
    if !is_did(dst) {
        return Err("invalid_dst");
    }
    if message.chars().count() > SMS_LIMIT {
        return Err("sms_toolong");
    }
    state.next_sms_id += 1;
    let id = state.next_sms_id.to_string();
    state.sent.push(FakeSentSms {
        id: id.clone(),
        did: did.to_owned(),
        dst: dst.to_owned(),
        message: message.to_owned(),
        date: now_date(),
    });
    Ok(json!({"status": "success", "sms": id}))
}

/// `getSMS`: received (`type` 1) and sent (`type` 0) texts, newest first, filtered by `did`
/// and `type`, at most `limit` (default 50). Dates are not filtered: the fake's texts are
/// all from today, VoIP.ms's default range.
fn get_sms(shared: &Shared, params: &Params) -> Reply {
    let state = shared.state.lock().expect("state lock");
    let did = params.get("did");
    if did.is_some_and(|d| !is_did(d)) {
        return Err("invalid_did");
    }
    let kind = params.get("type");
    let limit: usize = params
        .get("limit")
        .map_or(Ok(50), str::parse)
        .map_err(|_| "invalid_limit")?;
    let received = state.received.iter().map(|r| {
        (
            r.id.as_str(),
            r.date.as_str(),
            "1",
            r.did.as_str(),
            r.contact.as_str(),
            r.message.as_str(),
        )
    });
    let sent = state.sent.iter().map(|s| {
        (
            s.id.as_str(),
            s.date.as_str(),
            "0",
            s.did.as_str(),
            s.dst.as_str(),
            s.message.as_str(),
        )
    });
    let mut texts: Vec<_> = received
        .chain(sent)
        .filter(|t| did.is_none_or(|d| t.3 == d) && kind.is_none_or(|k| t.2 == k))
        .collect();
    texts.sort_by(|a, b| b.1.cmp(a.1));
    texts.truncate(limit);
    if texts.is_empty() {
        return Err("no_sms");
    }
    let sms: Vec<Value> = texts
        .into_iter()
        .map(|(id, date, kind, did, contact, message)| {
            json!({"id": id, "date": date, "type": kind, "did": did, "contact": contact,
                   "message": message, "carrier_status": "Information not available"})
        })
        .collect();
    Ok(json!({"status": "success", "sms": sms}))
}

/// Now as VoIP.ms writes dates.
pub(super) fn now_date() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}
