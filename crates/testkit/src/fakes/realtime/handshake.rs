//! What the service checks before a session starts: the path, the key and the model. Refusals
//! are plain HTTP replies with OpenAI's error body.

use std::sync::Arc;

use axum::extract::ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Shared;
use super::session::Session;
use crate::fakes::Recorded;

pub(crate) const PATH: &str = "/v1/realtime";

/// `GET /v1/realtime?model=…`: refuse like OpenAI, or upgrade.
pub(crate) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
    uri: Uri,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    shared
        .recorder
        .push(Recorded::http("GET", &uri, &headers, &[]));
    if let Some((status, body)) = shared.script.faults.http_error.clone() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [("content-type", "application/json")], body).into_response();
    }
    let presented = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if presented != Some(shared.script.api_key.as_str()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            None,
            "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
        );
    }
    let model = query
        .into_iter()
        .rev()
        .find(|(k, v)| k == "model" && !v.is_empty())
        .map(|(_, v)| v);
    let Some(model) = model else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "missing_required_parameter",
            Some("model"),
            "Missing required parameter: 'model'.",
        );
    };
    match ws {
        Ok(ws) => ws.on_upgrade(move |socket| Session::new(shared, model).run(socket)),
        Err(rejection) => rejection.into_response(),
    }
}

/// An OpenAI error reply.
fn refuse(status: StatusCode, code: &str, param: Option<&str>, message: &str) -> Response {
    let body = json!({"error": {
        "message": message, "type": "invalid_request_error", "param": param, "code": code,
    }});
    (status, axum::Json(body)).into_response()
}
