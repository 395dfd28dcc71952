//! The REST API (`/2010-04-01/Accounts/{AccountSid}/…`): every request is recorded, then
//! checked for Basic auth and the account, then answered.

mod calls;
mod messages;
mod numbers;
mod recordings;
mod resources;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::time::sleep;

use super::call::CallSpec;
use super::state::Shared;
use super::wire;
use crate::fakes::Recorded;

/// Largest body the fake reads (Twilio caps `Twiml` at 4000 characters; forms are small).
const MAX_BODY: usize = 1 << 20;

pub(super) fn router(shared: Arc<Shared>) -> Router {
    let account = "/2010-04-01/Accounts/{account}";
    let at = |path: &str| format!("{account}{path}");
    Router::new()
        .route(&at("/Calls.json"), axum::routing::post(calls::create))
        .route(&at("/Calls/{call}"), get(calls::fetch).post(calls::update))
        .route(&at("/Messages.json"), axum::routing::post(messages::create))
        .route(&at("/Messages/{message}"), get(messages::fetch))
        .route(
            &at("/IncomingPhoneNumbers.json"),
            get(numbers::list).post(numbers::buy),
        )
        .route(
            &at("/IncomingPhoneNumbers/{number}"),
            get(numbers::fetch)
                .post(numbers::update)
                .delete(numbers::release),
        )
        .route(
            &at("/AvailablePhoneNumbers/{country}/{kind}"),
            get(numbers::search),
        )
        .route(&at("/Recordings/{recording}"), get(recordings::fetch))
        .fallback(|request: Request| async move { wire::not_found(request.uri().path()) })
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// Records the request, applies the fault knobs, and refuses wrong credentials (401
/// `20003`) or another account's path.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return wire::error(413, 20001, "The request body is too large");
    };
    shared.recorder.push(Recorded::http(
        parts.method.as_str(),
        &parts.uri,
        &parts.headers,
        &bytes,
    ));
    let faults = shared
        .faults
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    sleep(faults.first_byte).await;
    if let Some((status, body)) = faults.http_error {
        let value = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
        return wire::json_response(status, &value);
    }
    let authorized = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| STANDARD.decode(b64.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .is_some_and(|pair| {
            pair.split_once(':').is_some_and(|(user, password)| {
                user == shared.config.account_sid && password == shared.config.auth_token
            })
        });
    let own_account = parts
        .uri
        .path()
        .strip_prefix("/2010-04-01/Accounts/")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|sid| sid.trim_end_matches(".json") == shared.config.account_sid);
    if !authorized || !own_account {
        return wire::error(401, 20003, "Authenticate");
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `CA123.json` → `CA123`: the sid in a resource path.
fn sid(segment: &str) -> &str {
    segment.strip_suffix(".json").unwrap_or(segment)
}

/// Starts a call that did not come through `Calls.json` (an inbound one).
pub(super) fn start_call(shared: &Arc<Shared>, spec: CallSpec) {
    calls::start(shared, spec, Vec::new());
}
