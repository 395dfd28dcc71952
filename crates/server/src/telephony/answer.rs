//! Answering a carrier call: the one-time token its media stream presents, and the TwiML
//! that opens the stream.

use std::time::Duration;

use switchboard_store::{Call, StreamGrant};
use switchboard_telephony::twiml;

use super::TelephonyError;
use super::options::CallOptions;
use super::urls::WebhookUrls;
use crate::http::AppState;
use crate::media::tokens::{self, STREAM_TOKEN_PARAMETER};

/// Issues the token that lets one media stream join `call` with its agent (or remote control).
pub async fn stream_token(state: &AppState, call: &Call) -> Result<String, TelephonyError> {
    let options = CallOptions::of(&call.options);
    let grant = StreamGrant {
        tenant_id: call.tenant_id.clone(),
        call_id: call.id.clone(),
        brain: options.control().brain().into(),
    };
    let ttl = Duration::from_secs(state.config.media.stream_token_ttl_seconds);
    Ok(tokens::issue(&state.store, &grant, ttl).await?)
}

/// `<Connect><Stream>` to our Twilio media endpoint with a fresh token for `call`.
pub async fn connect_twiml(state: &AppState, call: &Call) -> Result<String, TelephonyError> {
    let token = stream_token(state, call).await?;
    let url = WebhookUrls::new(&state.public_base_url()).media(crate::media::TWILIO_PATH);
    Ok(twiml::Response::new()
        .connect_stream(twiml::Stream::new(url).parameter(STREAM_TOKEN_PARAMETER, &token))
        .to_xml())
}

/// A polite refusal for calls nobody here can take.
pub fn refusal_twiml(message: &str) -> String {
    twiml::Response::new().say(message).hangup().to_xml()
}
