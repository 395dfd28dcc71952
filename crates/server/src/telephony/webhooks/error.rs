use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use switchboard_store::StoreError;

use crate::telephony::TelephonyError;

/// How a webhook fails. Carriers see a status and a short reason; details are logged.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The signature (or secret) is missing or wrong: nothing was stored.
    #[error("the webhook signature is missing or wrong")]
    Forbidden,
    #[error("{0}")]
    BadRequest(String),
    #[error("no such call or number")]
    NotFound,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl WebhookError {
    pub fn missing(field: &str) -> Self {
        WebhookError::BadRequest(format!("the webhook has no {field}"))
    }
}

impl From<StoreError> for WebhookError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => WebhookError::NotFound,
            other => WebhookError::Internal(other.into()),
        }
    }
}

impl From<TelephonyError> for WebhookError {
    fn from(err: TelephonyError) -> Self {
        match err {
            TelephonyError::Store(store) => store.into(),
            other => WebhookError::Internal(other.into()),
        }
    }
}

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let status = match &self {
            WebhookError::Forbidden => StatusCode::FORBIDDEN,
            WebhookError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebhookError::NotFound => StatusCode::NOT_FOUND,
            WebhookError::Internal(cause) => {
                tracing::error!(error = ?cause, "a carrier webhook failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        if matches!(self, WebhookError::Forbidden) {
            tracing::warn!("carrier webhook refused: bad signature");
        }
        (status, self.to_string()).into_response()
    }
}
