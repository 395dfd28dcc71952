//! VoIP.ms's SMS callback: a GET (or POST form) to the URL template we set on the DID, with
//! the number's secret in it because VoIP.ms signs nothing. VoIP.ms retries every 30 minutes
//! until the body is exactly `ok`, so every delivery we could read gets `ok`, repeats
//! included.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use subtle::ConstantTimeEq;
use switchboard_store::StoreError;
use switchboard_telephony::voipms;

use super::WebhookError;
use crate::http::AppState;
use crate::telephony::sms;

pub fn router() -> Router<AppState> {
    Router::new().route("/webhooks/voipms/sms", get(inbound_sms).post(inbound_sms))
}

async fn inbound_sms(
    State(state): State<AppState>,
    Query(query): Query<Vec<(String, String)>>,
    body: Bytes,
) -> Result<Response, WebhookError> {
    let mut params = query;
    params.extend(url::form_urlencoded::parse(&body).into_owned());
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (Some(number_id), Some(secret)) = (param("number_id"), param("secret")) else {
        return Err(WebhookError::Forbidden);
    };
    let number = match state.store.get_phone_number_for_webhook(number_id).await {
        Ok(number) => number,
        Err(StoreError::NotFound) => return Err(WebhookError::Forbidden),
        Err(other) => return Err(other.into()),
    };
    let presented = crate::auth::token::hash(secret);
    if !bool::from(
        presented
            .as_bytes()
            .ct_eq(number.webhook_secret_hash.as_bytes()),
    ) {
        return Err(WebhookError::Forbidden);
    }
    let message = voipms::callback::InboundSms::from_query(&params)
        .map_err(|e| WebhookError::BadRequest(e.to_string()))?;
    // The secret is per number: a text the URL's number did not receive is not ours to file.
    if message.to != number.phone_number {
        return Err(WebhookError::BadRequest(
            "the text's `to` is not the number this callback URL belongs to".into(),
        ));
    }
    let key = message.dedupe_key();
    if state.store.first_receipt("voipms-sms", &key).await? {
        sms::receive(
            &state,
            &number,
            &message.from,
            &message.message,
            message.id.as_deref(),
        )
        .await?;
    }
    Ok("ok".into_response())
}
