//! Carrier telephony: the configured carrier accounts, outbound calls, answering inbound
//! ones, applying carrier status, numbers and texts. Webhook handlers live in `webhooks`.

mod answer;
mod clients;
pub mod control;
mod error;
mod finish;
mod inbound;
pub mod numbers;
pub mod options;
pub mod outbound;
mod registry;
pub mod remote_call;
pub mod simulator;
pub mod sms;
mod status;
pub mod urls;
pub mod webhooks;

pub use answer::transfer_target;
pub use error::TelephonyError;
pub use finish::charge_carrier_minutes;
pub use registry::{CarrierAccount, CarrierLookupError, CarrierRegistry};

use switchboard_store::{Call, NewCallEvent, StoreError, now_ms};

/// Adds a timeline event to a call, timed from when it was answered.
async fn note(
    state: &crate::http::AppState,
    call: &Call,
    kind: &str,
    data: &str,
) -> Result<(), StoreError> {
    let at_ms = call
        .started_at
        .map_or(0, |started| u64::try_from(now_ms() - started).unwrap_or(0));
    let mut batch = state
        .store
        .begin_call_records(&call.tenant_id, &call.id)
        .await?;
    batch
        .add_call_event(&NewCallEvent { at_ms, kind, data })
        .await?;
    batch.commit().await
}
