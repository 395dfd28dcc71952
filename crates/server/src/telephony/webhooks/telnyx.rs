//! Telnyx's webhooks: every event of a call goes to `/webhooks/telnyx/call` (naming the call
//! or the number), texts to `/webhooks/telnyx/messaging`. Each is JSON signed with ed25519
//! over `"{timestamp}|{body}"`; Telnyx retries and reorders, so events are deduplicated on
//! their id and applied through the forward-only state machine.

use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use switchboard_core::CallOutcome;
use switchboard_store::{Call, StoreError};
use switchboard_telephony::carrier::Carrier;
use switchboard_telephony::telnyx::webhook::{
    self, CallHangup, DEFAULT_TOLERANCE, Direction, Envelope, Event, HangupCause, MachineResult,
    SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

use super::{Target, WebhookError};
use crate::http::AppState;
use crate::media::TELNYX_PATH;
use crate::telephony::inbound::{self, Inbound};
use crate::telephony::options::{CallOptions, MachinePolicy};
use crate::telephony::status::{self, CarrierProgress};
use crate::telephony::urls::WebhookUrls;
use crate::telephony::{CarrierAccount, answer, sms};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/telnyx/call", post(call_event))
        .route("/webhooks/telnyx/messaging", post(messaging_event))
}

/// The account whose key signed this body, and the parsed event.
fn verified<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    body: &[u8],
    carrier: Option<&str>,
) -> Result<(&'a CarrierAccount, Envelope), WebhookError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed_by = |account: &&CarrierAccount| {
        account.telnyx_public_key.as_deref().is_some_and(|key| {
            webhook::verify(
                key,
                header(SIGNATURE_HEADER),
                header(TIMESTAMP_HEADER),
                body,
                SystemTime::now(),
                DEFAULT_TOLERANCE,
            )
            .is_ok()
        })
    };
    let account = match carrier {
        Some(name) => state.carriers.get(name).ok().filter(signed_by),
        None => state.carriers.accounts().find(signed_by),
    }
    .ok_or(WebhookError::Forbidden)?;
    let envelope = webhook::parse(body).map_err(|e| WebhookError::BadRequest(e.to_string()))?;
    Ok((account, envelope))
}

async fn call_event(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebhookError> {
    // Which account must have signed: the call's or the number's carrier.
    let (call, number) = match (&target.call_id, &target.number_id) {
        (Some(id), _) => (state.store.get_call_for_webhook(id).await.ok(), None),
        (None, Some(id)) => (
            None,
            state.store.get_phone_number_for_webhook(id).await.ok(),
        ),
        (None, None) => (None, None),
    };
    let carrier = call
        .as_ref()
        .and_then(|c| c.carrier.clone())
        .or_else(|| number.as_ref().map(|n| n.carrier.clone()));
    let (account, envelope) = verified(&state, &headers, &body, carrier.as_deref())?;
    if !state.store.first_receipt("telnyx", &envelope.id).await? {
        return Ok(().into_response());
    }
    let telnyx = account
        .telnyx
        .clone()
        .ok_or_else(|| WebhookError::Internal(anyhow::anyhow!("not a Telnyx account")))?;
    // The call this event is about: named by the URL, or found by its call_control_id.
    let known = |leg_id: &str| {
        let call = call.clone();
        let store = state.store.clone();
        let carrier = account.name.clone();
        let leg_id = leg_id.to_owned();
        async move {
            match call {
                Some(call) => {
                    store
                        .adopt_carrier_call_id(&call.tenant_id, &call.id, &leg_id)
                        .await?;
                    Ok::<_, StoreError>(Some(store.get_call(&call.tenant_id, &call.id).await?))
                }
                None => match store.find_call_by_carrier_id(&carrier, &leg_id).await {
                    Ok(call) => Ok(Some(call)),
                    Err(StoreError::NotFound) => Ok(None),
                    Err(other) => Err(other),
                },
            }
        }
    };
    match envelope.event {
        Event::CallInitiated(initiated) => {
            let leg = &initiated.leg.call_control_id;
            // The connection's webhook (set in Telnyx's portal) names no number: find it by `to`.
            let number = match number {
                Some(number) => Some(number),
                None if initiated.direction == Direction::Incoming => {
                    match state
                        .store
                        .find_phone_number(&account.name, &initiated.to)
                        .await
                    {
                        Ok(number) => Some(number),
                        Err(StoreError::NotFound) => None,
                        Err(other) => return Err(other.into()),
                    }
                }
                None => None,
            };
            if let Some(number) = &number {
                match inbound::accept(&state, number, &initiated.from, leg).await? {
                    Inbound::Answer(call) => {
                        if let Err(error) = telnyx.answer(leg, Some(&call.id)).await {
                            tracing::warn!(call_id = %call.id, %error, "Telnyx would not answer");
                        }
                    }
                    Inbound::Refuse(message) => {
                        tracing::info!(number = %number.id, message, "refusing an inbound Telnyx call");
                        if let Err(error) = telnyx.hang_up(leg).await {
                            tracing::warn!(%error, "could not refuse the Telnyx call");
                        }
                    }
                }
            } else if let Some(call) = known(leg).await? {
                status::apply(&state, &call, CarrierProgress::Ringing).await?;
            }
        }
        Event::CallAnswered(answered) => {
            let leg = answered.leg.call_control_id.clone();
            // A late answer for a call that has already ended must not stream it again.
            if let Some(call) = known(&leg).await?
                && !call.status().is_terminal()
            {
                status::apply(&state, &call, CarrierProgress::Answered).await?;
                stream(&state, &telnyx, &call, &leg).await?;
            }
        }
        Event::CallHangup(hangup) => {
            if let Some(call) = known(&hangup.leg.call_control_id).await? {
                status::apply(&state, &call, CarrierProgress::Ended(outcome(&hangup))).await?;
            }
        }
        Event::MachineDetectionEnded(detected) => {
            if let Some(call) = known(&detected.leg.call_control_id).await? {
                let answered_by = match detected.result {
                    MachineResult::Human => "human",
                    MachineResult::Machine => "machine",
                    MachineResult::NotSure | MachineResult::Other(_) => "unknown",
                };
                state
                    .store
                    .set_call_answered_by(&call.tenant_id, &call.id, answered_by)
                    .await?;
                let options = CallOptions::of(&call.options);
                if answered_by == "machine" && options.machine_policy == Some(MachinePolicy::Hangup)
                {
                    let _ = telnyx.hang_up(&detected.leg.call_control_id).await;
                }
            }
        }
        Event::RecordingSaved(saved) => {
            let leg = saved.call_control_id.clone().unwrap_or_default();
            let url = saved.recording_urls.wav.or(saved.recording_urls.mp3);
            if let (Some(call), Some(url)) = (known(&leg).await?, url) {
                state
                    .store
                    .set_call_recording(&call.tenant_id, &call.id, &url, None)
                    .await?;
            }
        }
        _ => {}
    }
    Ok(().into_response())
}

/// Forks the answered call's audio to our media endpoint, with a one-time stream token as
/// the stream's `client_state`.
async fn stream(
    state: &AppState,
    telnyx: &switchboard_telephony::telnyx::TelnyxClient,
    call: &Call,
    leg: &str,
) -> Result<(), WebhookError> {
    let token = answer::stream_token(state, call).await?;
    let url = WebhookUrls::new(&state.public_base_url()).media(TELNYX_PATH);
    if let Err(error) = telnyx.start_streaming(leg, &url, Some(&token)).await {
        tracing::warn!(call_id = %call.id, %error, "Telnyx would not start the media stream");
    }
    Ok(())
}

fn outcome(hangup: &CallHangup) -> CallOutcome {
    match hangup.hangup_cause {
        HangupCause::UserBusy => CallOutcome::Busy,
        HangupCause::Timeout | HangupCause::NoAnswer => CallOutcome::NoAnswer,
        HangupCause::CallRejected | HangupCause::NotFound => CallOutcome::Failed,
        HangupCause::OriginatorCancel => CallOutcome::Canceled,
        _ => CallOutcome::Completed,
    }
}

async fn messaging_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebhookError> {
    let (account, envelope) = verified(&state, &headers, &body, None)?;
    if !state.store.first_receipt("telnyx", &envelope.id).await? {
        return Ok(().into_response());
    }
    if let Event::MessageSent(report) | Event::MessageFinalized(report) = &envelope.event
        && let Some(status) = &report.status
    {
        let error = report.error_codes.first().map(String::as_str);
        state
            .store
            .update_message_status(&account.name, &report.id, status, error)
            .await?;
    }
    if let Event::MessageReceived(message) = envelope.event {
        match state
            .store
            .find_phone_number(&account.name, &message.to)
            .await
        {
            Ok(number) => {
                sms::receive(
                    &state,
                    &number,
                    &message.from,
                    &message.text,
                    Some(&message.id),
                )
                .await?;
            }
            Err(StoreError::NotFound) => {
                tracing::info!(to = %message.to, "a Telnyx text to a number we do not hold");
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(().into_response())
}
