//! Extractors that turn bad input into [`ApiError`]s naming the field at fault.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use switchboard_store::{Cursor, DEFAULT_PAGE, MAX_PAGE, PageRequest};
use utoipa::IntoParams;

use crate::http::{ApiError, AppState};

/// A JSON body. Unlike axum's `Json`, its errors are ours: 400 naming the field, 413, 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.split(';')
                    .next()
                    .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes =
            Bytes::from_request(req, state)
                .await
                .map_err(|rejection: BytesRejection| {
                    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::PayloadTooLarge {
                            limit: state.config.http.max_body_bytes,
                        }
                    } else {
                        ApiError::BadRequest {
                            field: None,
                            message: "the request body could not be read".into(),
                        }
                    }
                })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, reporting the path of the offending field (`auth.email`, `scopes[1]`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|err| field_error("", err))
}

/// Reads an already parsed JSON value found at `at` in the request (such as `config`),
/// reporting the offending field's full path (`config.silence.hangup_after_secs`).
pub fn parse_json_value<T: DeserializeOwned>(
    at: &str,
    value: serde_json::Value,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|err| field_error(at, err))
}

fn field_error(at: &str, err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let inner = err.into_inner();
    let message = inner.to_string();
    // A missing field is named only in serde's message, one level below the path; an
    // unknown field is already the last step of the path.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let relative = match (missing, path.as_str()) {
        (Some(name), "." | "") => name.to_owned(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, "." | "") if at.is_empty() => {
            return ApiError::BadRequest {
                field: None,
                message: format!("invalid JSON: {message}"),
            };
        }
        (None, "." | "") => String::new(),
        (None, path) => path.to_owned(),
    };
    let field = match (at, relative.as_str()) {
        ("", relative) => relative.to_owned(),
        (at, "") => at.to_owned(),
        (at, relative) if relative.starts_with('[') => format!("{at}{relative}"),
        (at, relative) => format!("{at}.{relative}"),
    };
    let message = match inner.classify() {
        serde_json::error::Category::Data => strip_position(&message),
        _ => format!("invalid JSON: {message}"),
    };
    ApiError::bad_field(field, message)
}

/// serde_json appends " at line 1 column 42", which helps nobody reading an API error.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// `?limit=&cursor=` for every list endpoint.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return, 1 to 100 (default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub struct Paging(pub PageRequest);

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let mut limit = DEFAULT_PAGE;
        let mut after = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "limit" => {
                    limit = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| {
                            ApiError::bad_field(
                                "limit",
                                format!("must be a whole number from 1 to {MAX_PAGE}"),
                            )
                        })?;
                }
                "cursor" => {
                    after = Some(Cursor::decode(&value).ok_or_else(|| {
                        ApiError::bad_field("cursor", "is not a cursor this API returned")
                    })?);
                }
                _ => {}
            }
        }
        Ok(Paging(PageRequest { limit, after }))
    }
}
