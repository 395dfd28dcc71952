//! One error type for the HTTP layer, turned into `{"error":{"code","message","field"?}}` in
//! one place. Internal causes are logged with the request id and never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use switchboard_core::ValidationError;
use switchboard_store::StoreError;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error(
        "system personas are read-only: copy it with POST /v1/agents/{{id}}/copy and change the copy"
    )]
    PersonaReadOnly,
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("send the body as JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the server is busy; try again in {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    /// Understood, but refused for a reason the client can act on; `code` names it, e.g.
    /// `recipient_opted_out` or `destination_not_allowed`.
    #[error("{message}")]
    Refused {
        code: &'static str,
        field: Option<String>,
        message: String,
    },
    /// A carrier we depend on failed or refused our credentials.
    #[error("{0}")]
    BadGateway(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The error body every endpoint answers with.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code such as `invalid_request` or `not_found`.
    pub code: &'static str,
    /// A sentence for humans.
    pub message: String,
    /// The request field at fault, for `invalid_request` and `conflict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(err.into())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "invalid_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::PersonaReadOnly => (StatusCode::FORBIDDEN, "persona_read_only"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
            ApiError::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Refused { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            ApiError::BadGateway(_) => (StatusCode::BAD_GATEWAY, "carrier_unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(cause) = &self {
            // The span carries the request id, so the log line and the client's X-Request-Id meet.
            tracing::error!(error = ?cause, "request failed");
        }
        let field = match &self {
            ApiError::BadRequest { field, .. }
            | ApiError::Conflict { field, .. }
            | ApiError::Refused { field, .. } => field.clone(),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
                field,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests { retry_after_secs }
        | ApiError::Unavailable { retry_after_secs } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<ValidationError> for ApiError {
    fn from(err: ValidationError) -> Self {
        ApiError::BadRequest {
            field: Some(err.field),
            message: err.message,
        }
    }
}

impl From<crate::auth::password::PasswordError> for ApiError {
    fn from(err: crate::auth::password::PasswordError) -> Self {
        match err {
            crate::auth::password::PasswordError::Busy => ApiError::Unavailable {
                retry_after_secs: 1,
            },
            crate::auth::password::PasswordError::Failed(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict { .. } if err.is_duplicate_email() => ApiError::Conflict {
                field: Some("email".into()),
                message: "an account with this email already exists".into(),
            },
            StoreError::Conflict { constraint } => ApiError::Conflict {
                field: None,
                message: format!("this would duplicate an existing record ({constraint})"),
            },
            StoreError::NotPermitted => {
                ApiError::Forbidden("your role may not make this change to this member".into())
            }
            StoreError::SystemAgent => ApiError::PersonaReadOnly,
            StoreError::LastOwner => ApiError::Conflict {
                field: Some("role".into()),
                message: "a tenant needs at least one owner".into(),
            },
            other => ApiError::Internal(other.into()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<crate::telephony::TelephonyError> for ApiError {
    fn from(err: crate::telephony::TelephonyError) -> Self {
        use crate::telephony::{CarrierLookupError, TelephonyError};
        use switchboard_telephony::carrier::CarrierError;
        let refused = |code, field: Option<&str>, message: String| ApiError::Refused {
            code,
            field: field.map(str::to_owned),
            message,
        };
        match err {
            TelephonyError::Invalid { field, message } => ApiError::bad_field(field, message),
            TelephonyError::DestinationNotAllowed(_) => {
                refused("destination_not_allowed", Some("to"), err.to_string())
            }
            TelephonyError::TooManyCalls { .. } => ApiError::Refused {
                code: "too_many_live_calls",
                field: None,
                message: err.to_string(),
            },
            TelephonyError::OptedOut(_) => {
                refused("recipient_opted_out", Some("to"), err.to_string())
            }
            TelephonyError::Lookup(CarrierLookupError::Unknown(_)) => {
                ApiError::bad_field("carrier", err.to_string())
            }
            TelephonyError::Lookup(CarrierLookupError::NoneConfigured) => {
                refused("no_carrier", None, err.to_string())
            }
            TelephonyError::Carrier(CarrierError::OptedOut { to }) => refused(
                "recipient_opted_out",
                Some("to"),
                format!("{to} has opted out of texts from this number (they replied STOP)"),
            ),
            TelephonyError::Carrier(
                e @ (CarrierError::Rejected { .. }
                | CarrierError::NotFound { .. }
                | CarrierError::Unsupported { .. }),
            ) => refused("carrier_refused", None, e.to_string()),
            TelephonyError::Carrier(e) => ApiError::BadGateway(e.to_string()),
            TelephonyError::Store(e) => e.into(),
        }
    }
}
