//! Hanging up and transferring live carrier calls from the API.

use switchboard_core::{CallOutcome, E164};
use switchboard_store::Call;

use super::TelephonyError;
use crate::http::AppState;

/// Ends a live call at its carrier. A call still ringing is canceled and finished here; an
/// answered one finishes when its media stream stops, as after any hang-up.
pub async fn hang_up(state: &AppState, call: &Call) -> Result<(), TelephonyError> {
    if call.status().is_terminal() {
        return Ok(());
    }
    let (Some(carrier), Some(carrier_call_id)) = (&call.carrier, &call.carrier_call_id) else {
        return Err(TelephonyError::invalid(
            "id",
            "this call has no carrier leg to hang up (a web call ends when its client closes the stream)",
        ));
    };
    let account = state.carriers.get(carrier)?;
    account.client.hang_up(carrier_call_id).await?;
    if call.started_at.is_none() {
        super::finish::finish(
            state,
            call,
            CallOutcome::Canceled,
            "hung up through the API",
        )
        .await?;
    }
    Ok(())
}

/// Moves the caller to `to`; the AI leg ends and the call is finished by its stream.
pub async fn transfer(state: &AppState, call: &Call, to: &E164) -> Result<(), TelephonyError> {
    if !to.matches_any(&state.config.telephony.allowed_destinations) {
        return Err(TelephonyError::DestinationNotAllowed(to.to_string()));
    }
    let (Some(carrier), Some(carrier_call_id)) = (&call.carrier, &call.carrier_call_id) else {
        return Err(TelephonyError::invalid(
            "id",
            "only carrier calls can be transferred",
        ));
    };
    if call.started_at.is_none() || call.status().is_terminal() {
        return Err(TelephonyError::invalid(
            "id",
            format!(
                "only a call in progress can be transferred; this one is {}",
                call.status().as_str()
            ),
        ));
    }
    let caller_id = call.from_number.clone().unwrap_or_default();
    let account = state.carriers.get(carrier)?;
    account
        .client
        .transfer(carrier_call_id, to.as_str(), &caller_id)
        .await?;
    let data = serde_json::json!({ "to": to.as_str() }).to_string();
    super::note(state, call, "transferred", &data).await?;
    Ok(())
}
