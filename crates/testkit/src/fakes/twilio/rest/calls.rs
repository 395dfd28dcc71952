//! `Calls.json` and `Calls/{CallSid}.json`: create (and start the call), fetch, update.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use jiff::Timestamp;
use switchboard_telephony::twilio::callbacks::CallStatus;
use tokio::sync::mpsc;

use super::super::call::{self, CallSpec, Detection, Direction, Hook, StatusHook};
use super::super::records::CallRecord;
use super::super::state::{CallEntry, Interrupt, Shared, Source};
use super::super::wire::{self, Form, is_e164};
use super::{resources, sid};
use crate::caller::random_sid;

/// A hook from `{name}` and `{name}Method`, if `{name}` is set.
fn hook(form: &Form, name: &str) -> Option<Hook> {
    let url = form.get(name).filter(|u| !u.is_empty())?;
    Some(Hook {
        url: url.to_owned(),
        method: method(form, &format!("{name}Method")),
    })
}

fn method(form: &Form, name: &str) -> String {
    form.get(name).unwrap_or("POST").to_ascii_uppercase()
}

fn absolute_http(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

pub(super) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let to = form.get("To").unwrap_or_default();
    let from = form.get("From").unwrap_or_default();
    if !is_e164(to) {
        return wire::error(400, 21211, format!("Invalid 'To' Phone Number: {to}"));
    }
    if !is_e164(from) {
        return wire::error(400, 21212, format!("Invalid 'From' Phone Number: {from}"));
    }
    if shared.state().number(from).is_none() {
        let message = format!(
            "The source phone number provided, {from}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio."
        );
        return wire::error(400, 21210, message);
    }
    let sources = ["Url", "Twiml", "ApplicationSid"]
        .into_iter()
        .filter(|name| form.get(name).is_some_and(|v| !v.is_empty()))
        .count();
    if sources != 1 {
        return wire::error(
            400,
            21205,
            "Exactly one of Url, Twiml or ApplicationSid is required",
        );
    }
    let first = if let Some(url) = form.get("Url") {
        if !absolute_http(url) {
            return wire::error(400, 21205, format!("Url is not a valid URL: {url}"));
        }
        Source::Url {
            url: url.to_owned(),
            method: method(&form, "Method"),
        }
    } else if let Some(twiml) = form.get("Twiml") {
        Source::Inline(twiml.to_owned())
    } else {
        return wire::error(
            400,
            21218,
            "Invalid ApplicationSid: the fake knows no applications",
        );
    };
    let status = hook(&form, "StatusCallback");
    if let Some(bad) = [
        status.as_ref(),
        hook(&form, "RecordingStatusCallback").as_ref(),
    ]
    .into_iter()
    .flatten()
    .find(|h| !absolute_http(&h.url))
    {
        return wire::error(
            400,
            21609,
            format!("Invalid StatusCallback URL: {}", bad.url),
        );
    }
    let events = form
        .all("StatusCallbackEvent")
        .into_iter()
        .flat_map(str::split_whitespace)
        .map(str::to_owned)
        .collect();
    let detection = form.get("MachineDetection").map(|mode| Detection {
        end_of_message: mode.eq_ignore_ascii_case("DetectMessageEnd"),
        callback: form
            .flag("AsyncAmd")
            .then(|| hook(&form, "AsyncAmdStatusCallback"))
            .flatten(),
    });
    let sid = random_sid("CA");
    let spec = CallSpec {
        sid: sid.clone(),
        direction: Direction::OutboundApi,
        from: from.to_owned(),
        to: to.to_owned(),
        first,
        status: status.map(|hook| StatusHook { hook, events }),
        time_limit: form
            .get("TimeLimit")
            .and_then(|s| s.trim().parse().ok())
            .map(Duration::from_secs),
        record: form
            .flag("Record")
            .then(|| hook(&form, "RecordingStatusCallback")),
        detection,
        callee: shared.state().callee(to),
    };
    start(&shared, spec, form.0);
    render(&shared, &sid, 201)
}

/// The call's resource with `status`, or 404.
fn render(shared: &Shared, sid: &str, status: u16) -> Response {
    let body = shared.state().call(sid).map(|e| resources::call(shared, e));
    match body {
        Some(body) => wire::json_response(status, &body),
        None => wire::not_found(&format!("{}/Calls/{sid}.json", shared.account_path())),
    }
}

/// Adds the call's entry and starts it.
pub(super) fn start(shared: &Arc<Shared>, spec: CallSpec, request: Vec<(String, String)>) {
    let (control, updates) = mpsc::unbounded_channel();
    let now = Timestamp::now();
    let first_status = match spec.direction {
        Direction::OutboundApi => CallStatus::Queued,
        Direction::Inbound => CallStatus::Ringing,
    };
    let record = CallRecord {
        sid: spec.sid.clone(),
        direction: spec.direction.as_str().to_owned(),
        from: spec.from.clone(),
        to: spec.to.clone(),
        status: first_status,
        status_history: vec![first_status],
        answered_by: None,
        duration: None,
        request,
        documents: Vec::new(),
        events: Vec::new(),
        streams: Vec::new(),
        errors: Vec::new(),
        recording_sid: None,
        finished: false,
    };
    shared.state().calls.push(CallEntry {
        record,
        created: now,
        updated: now,
        started: None,
        ended: None,
        control: Some(control),
    });
    call::spawn(shared.clone(), spec, updates);
}

pub(super) async fn fetch(
    State(shared): State<Arc<Shared>>,
    Path((_, call)): Path<(String, String)>,
) -> Response {
    render(&shared, sid(&call), 200)
}

/// `Status=completed` ends a live call (a ringing one as `canceled`); `Status=canceled`
/// only cancels one not yet answered. `Twiml` or `Url` replaces a live call's TwiML. A
/// call already over takes a `Status` quietly and refuses new TwiML (`21220`).
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Path((_, call)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let sid = sid(&call);
    let form = Form::parse(&body);
    let status = match form.get("Status") {
        None => None,
        Some("completed") => Some(CallStatus::Completed),
        Some("canceled") => Some(CallStatus::Canceled),
        Some(other) => {
            return wire::error(
                400,
                21218,
                format!("Invalid Status {other:?}: use completed or canceled"),
            );
        }
    };
    let source = if let Some(url) = form.get("Url").filter(|u| !u.is_empty()) {
        if !absolute_http(url) {
            return wire::error(400, 21205, format!("Url is not a valid URL: {url}"));
        }
        Some(Source::Url {
            url: url.to_owned(),
            method: method(&form, "Method"),
        })
    } else {
        form.get("Twiml").map(|t| Source::Inline(t.to_owned()))
    };
    {
        let state = shared.state();
        let Some(entry) = state.call(sid) else {
            drop(state);
            return render(&shared, sid, 200);
        };
        let live = entry
            .control
            .as_ref()
            .filter(|_| !entry.record.status.is_final());
        match (live, status, source) {
            (Some(control), Some(status), _) => {
                let answered = entry.record.status == CallStatus::InProgress;
                if status == CallStatus::Completed || !answered {
                    let _ = control.send(Interrupt::End);
                }
            }
            (Some(control), None, Some(source)) => {
                let _ = control.send(Interrupt::Replace(source));
            }
            (None, None, Some(_)) => {
                return wire::error(400, 21220, "Call is not in-progress. Cannot redirect.");
            }
            (_, None, None) if form.0.is_empty() => {
                return wire::error(400, 21218, "Nothing to update: give Status, Url or Twiml");
            }
            _ => {}
        }
    }
    render(&shared, sid, 200)
}
