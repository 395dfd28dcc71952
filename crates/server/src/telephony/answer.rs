//! Answering a carrier call: the one-time token its media stream presents, and the TwiML
//! that opens the stream.

use std::time::Duration;

use switchboard_core::E164;
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

/// `<Connect><Stream>` to our Twilio media endpoint with a fresh token for `call`. When the
/// stream ends Twilio asks the `action` what next: a transfer the agent asked for, or the end.
pub async fn connect_twiml(state: &AppState, call: &Call) -> Result<String, TelephonyError> {
    let token = stream_token(state, call).await?;
    let urls = WebhookUrls::new(&state.public_base_url());
    let stream = twiml::Stream::new(urls.media(crate::media::TWILIO_PATH))
        .parameter(STREAM_TOKEN_PARAMETER, &token);
    Ok(twiml::Response::new()
        .connect(twiml::Connect::new(stream).action(urls.twilio_after_stream(&call.id)))
        .to_xml())
}

/// What follows a call's media stream: `<Dial>` to where the agent transferred the call
/// (the `transfer_call` tool), or `<Hangup/>`.
pub async fn after_stream_twiml(state: &AppState, call: &Call) -> Result<String, TelephonyError> {
    match transfer_target(state, call).await? {
        Some(to) => Ok(twiml::Response::new()
            .dial(
                twiml::Dial::number(to.as_str())
                    .caller_id(call.from_number.clone().unwrap_or_default()),
            )
            .to_xml()),
        None => Ok(twiml::Response::new().hangup().to_xml()),
    }
}

/// The number the agent asked to transfer the call to, if it asked and the number is one
/// calls may go to. The request is recorded as the agent makes it, well before the stream
/// ends (the agent says its last words first).
pub async fn transfer_target(
    state: &AppState,
    call: &Call,
) -> Result<Option<E164>, TelephonyError> {
    let events = state.store.call_events(&call.tenant_id, &call.id).await?;
    let Some(requested) = events.iter().rev().find(|e| e.kind == "transfer_requested") else {
        return Ok(None);
    };
    let to = serde_json::from_str::<serde_json::Value>(&requested.data)
        .ok()
        .and_then(|data| data["to"].as_str().map(str::to_owned))
        .and_then(|to| E164::parse(&to).ok());
    match to {
        Some(to) if to.matches_any(&state.config.telephony.allowed_destinations) => Ok(Some(to)),
        other => {
            tracing::warn!(call_id = %call.id, to = ?other, "the agent asked to transfer to a number calls may not go to");
            Ok(None)
        }
    }
}

/// A polite refusal for calls nobody here can take.
pub fn refusal_twiml(message: &str) -> String {
    twiml::Response::new().say(message).hangup().to_xml()
}
