//! Placing an outbound call: checks (destination, caller id, the tenant's live-call limit),
//! the call row, then the carrier. A carrier that refuses leaves the call `failed` with its
//! reason, never a half-made call.

use std::collections::BTreeMap;

use switchboard_core::{CallDirection, CallOutcome, E164};
use switchboard_store::{Call, NewCall, PhoneNumber};
use switchboard_telephony::carrier::{CallWebhooks, CarrierKind, MachineDetection, PlaceCall};

use super::TelephonyError;
use super::options::{CallOptions, MachinePolicy};
use super::urls::WebhookUrls;
use crate::http::AppState;

/// A call to place, already checked for shape by the API layer.
pub struct OutboundCall<'a> {
    pub tenant_id: &'a str,
    pub user_id: Option<&'a str>,
    /// The agent by id; `None` with `options.inline_agent` set.
    pub agent_id: Option<&'a str>,
    pub to: E164,
    /// Our number it is placed from (the caller id the callee sees).
    pub from: &'a PhoneNumber,
    pub variables: &'a BTreeMap<String, String>,
    pub metadata: &'a serde_json::Map<String, serde_json::Value>,
    pub options: CallOptions,
}

pub async fn place(state: &AppState, request: OutboundCall<'_>) -> Result<Call, TelephonyError> {
    let telephony = &state.config.telephony;
    if !request.to.matches_any(&telephony.allowed_destinations) {
        return Err(TelephonyError::DestinationNotAllowed(
            request.to.to_string(),
        ));
    }
    if !request.from.voice() {
        return Err(TelephonyError::invalid(
            "from",
            format!(
                "{} cannot make calls (no voice capability)",
                request.from.phone_number
            ),
        ));
    }
    let account = state.carriers.get(&request.from.carrier)?;
    let limit = telephony.max_concurrent_calls_per_tenant;
    if state.store.count_live_calls(request.tenant_id).await? >= i64::from(limit) {
        return Err(TelephonyError::TooManyCalls { limit });
    }
    let variables = serde_json::to_string(request.variables).unwrap_or_default();
    let metadata = serde_json::to_string(request.metadata).unwrap_or_default();
    let call = state
        .store
        .create_call(
            request.tenant_id,
            NewCall {
                agent_id: request.agent_id,
                user_id: request.user_id,
                direction: CallDirection::Outbound,
                from_number: Some(&request.from.phone_number),
                to_number: Some(request.to.as_str()),
                variables: &variables,
                metadata: &metadata,
                carrier: Some(&account.name),
                carrier_call_id: None,
                phone_number_id: Some(&request.from.id),
                options: &request.options.to_json(),
            },
        )
        .await?;
    let urls = WebhookUrls::new(&state.public_base_url());
    let webhooks = match account.kind {
        CarrierKind::Telnyx => CallWebhooks {
            voice_url: urls.telnyx_call(&call.id),
            status_url: urls.telnyx_call(&call.id),
            recording_url: None,
            machine_detection_url: None,
        },
        _ => CallWebhooks {
            voice_url: urls.twilio_call_voice(&call.id),
            status_url: urls.twilio_call_status(&call.id),
            recording_url: request
                .options
                .record
                .then(|| urls.twilio_recording(&call.id)),
            machine_detection_url: request
                .options
                .machine_policy
                .is_some()
                .then(|| urls.twilio_machine_detection(&call.id)),
        },
    };
    let max_secs = request
        .options
        .max_duration_secs
        .unwrap_or(telephony.max_call_seconds)
        .min(telephony.max_call_seconds);
    let placed = account
        .client
        .place_call(PlaceCall {
            to: request.to.to_string(),
            from: request.from.phone_number.clone(),
            webhooks,
            ring_timeout_secs: telephony.ring_timeout_seconds,
            // The agent warns and ends the call itself; the carrier's limit is the backstop.
            time_limit_secs: Some(max_secs.saturating_add(60)),
            record: request.options.record,
            machine_detection: request.options.machine_policy.map(|policy| match policy {
                MachinePolicy::Hangup => MachineDetection::Enable,
                MachinePolicy::Voicemail => MachineDetection::DetectMessageEnd,
            }),
            client_state: call.id.clone(),
        })
        .await;
    match placed {
        Ok(placed) => Ok(state
            .store
            .set_carrier_call_id(request.tenant_id, &call.id, &placed.carrier_call_id)
            .await?),
        Err(error) => {
            tracing::warn!(call_id = %call.id, carrier = %account.name, %error, "the carrier refused the call");
            let reason = format!("the carrier refused the call: {error}");
            super::finish::finish(state, &call, CallOutcome::Failed, &reason).await?;
            Err(error.into())
        }
    }
}
