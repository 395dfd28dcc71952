//! The one HTTP handler: record, check the contract, then answer with the next reply.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::contract::{self, Refusal};
use super::emit::{self, Plan};
use super::render::{self, Context};
use super::script::{Reply, ScriptedError};
use super::{Recorded, Shared};

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

fn json_response(
    status: u16,
    body: &Value,
    headers: &[(String, String)],
    request_id: &str,
) -> Response {
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body.to_string(),
    )
        .into_response();
    let map = response.headers_mut();
    map.insert(
        header::CONTENT_TYPE,
        "application/json".parse().expect("static header"),
    );
    if let Ok(value) = request_id.parse() {
        map.insert("x-request-id", value);
    }
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (name.parse::<header::HeaderName>(), value.parse()) {
            map.append(name, value);
        }
    }
    response
}

fn refusal(refusal: Refusal, request_id: &str) -> Response {
    json_response(refusal.status, &refusal.body, &[], request_id)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let start = Instant::now();
    let n = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let request_id = format!("req_fake{n}");
    shared
        .recorder
        .push(Recorded::http(method.as_str(), &uri, &headers, &body));
    if let Err(refused) = contract::check_request(&shared.config, &method, uri.path(), &headers) {
        return refusal(refused, &request_id);
    }
    let request = match contract::check_body(&shared.config, &body) {
        Ok(request) => request,
        Err(refused) => return refusal(refused, &request_id),
    };
    let faults = shared.faults.lock().expect("faults lock").clone();
    let Some(reply) = shared.next_reply() else {
        let body = json!({"error": {"message": "fake: the script is empty", "type": "server_error", "param": null, "code": null}});
        return json_response(500, &body, &[], &request_id);
    };
    let first_byte = reply.first_byte.unwrap_or(faults.first_byte);
    if let Some((status, text)) = faults.http_error {
        sleep_until(start + first_byte).await;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        return json_response(status, &value, &[], &request_id);
    }
    if let Some(ScriptedError {
        status,
        body,
        headers,
    }) = &reply.error
    {
        sleep_until(start + first_byte).await;
        return json_response(*status, body, headers, &request_id);
    }
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let id = format!("chatcmpl-fake{n}");
    let ctx = Context {
        id: &id,
        model,
        include_usage: request
            .get("stream_options")
            .and_then(|o| o.get("include_usage"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        prompt_estimate: (body.len() / 4) as u64,
    };
    if request.get("stream").and_then(Value::as_bool) != Some(true) {
        sleep_until(start + first_byte).await;
        return json_response(200, &render::completion(&reply, &ctx), &[], &request_id);
    }
    let plan = plan(
        &reply,
        &ctx,
        start,
        first_byte,
        faults.per_chunk,
        faults.drop_after_chunks,
    );
    let mut response = Body::from_stream(emit::body_stream(plan, shared.clone())).into_response();
    let map = response.headers_mut();
    map.insert(
        header::CONTENT_TYPE,
        "text/event-stream; charset=utf-8"
            .parse()
            .expect("static header"),
    );
    map.insert(
        header::CACHE_CONTROL,
        "no-cache".parse().expect("static header"),
    );
    if let Ok(value) = request_id.parse() {
        map.insert("x-request-id", value);
    }
    response
}

fn plan(
    reply: &Reply,
    ctx: &Context<'_>,
    start: Instant,
    first_byte: Duration,
    per_chunk: Duration,
    drop: Option<usize>,
) -> Plan {
    Plan {
        payloads: render::stream_events(reply, ctx),
        start,
        first_byte,
        per_chunk: reply.per_chunk.unwrap_or(per_chunk),
        drop_before: reply.drop_after_events.or(drop),
        crlf: reply.crlf,
        keepalive: reply.keepalive,
        split: reply.split_events,
    }
}
