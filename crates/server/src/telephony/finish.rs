//! The end of a carrier call: the carrier's minutes are charged (once, whoever gets here
//! first), then the call is finished with its total.

use std::num::NonZeroU64;

use switchboard_core::CallOutcome;
use switchboard_store::{Call, NewCostEvent, StoreError};

use crate::http::AppState;

/// Finishes a call nobody's media stream is finishing (never answered, or the stream is gone).
pub async fn finish(
    state: &AppState,
    call: &Call,
    outcome: CallOutcome,
    reason: &str,
) -> Result<Call, StoreError> {
    let ended_at = switchboard_store::now_ms();
    charge_carrier_minutes(state, call, ended_at).await?;
    let finished = state
        .store
        .finish_call(&call.tenant_id, &call.id, outcome, reason, ended_at)
        .await?;
    crate::usage::settle(state, &finished).await;
    Ok(finished)
}

/// Records what the carrier charges for the connected minutes of `call` up to `ended_at`,
/// rounded up to whole minutes as carriers bill. The event's id is derived from the call, so
/// two finishers racing charge it once.
pub async fn charge_carrier_minutes(
    state: &AppState,
    call: &Call,
    ended_at: i64,
) -> Result<(), StoreError> {
    let Some(carrier) = call.carrier.as_deref() else {
        return Ok(());
    };
    let Ok(account) = state.carriers.get(carrier) else {
        return Ok(());
    };
    let price = account.prices.voice_per_minute;
    // The row may have been answered since `call` was read.
    let current = state.store.get_call(&call.tenant_id, &call.id).await?;
    let (Some(started_at), false) = (current.started_at, price == 0) else {
        return Ok(());
    };
    let connected_ms = u64::try_from(ended_at.saturating_sub(started_at)).unwrap_or(0);
    let minutes = connected_ms.div_ceil(60_000).max(1);
    state
        .store
        .add_cost_event_once(
            &call.tenant_id,
            &call.id,
            &format!("cost_carrier_{}", call.id),
            &NewCostEvent {
                provider: carrier,
                role: "telephony",
                unit: "minutes",
                units: minutes,
                unit_price_micros: price,
                per_units: NonZeroU64::MIN,
            },
        )
        .await
}
