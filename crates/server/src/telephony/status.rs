//! A carrier's word on where a call stands, applied to our state machine. Callbacks arrive
//! duplicated and out of order; the store's guarded updates never move a call backwards, and
//! a terminal status is final.

use std::time::Duration;

use switchboard_core::CallOutcome;
use switchboard_store::{Call, now_ms};

use super::TelephonyError;
use crate::http::AppState;

/// How long a carrier's "completed" waits for the call's own media stream to finish the call
/// (with its transcript and costs) before finishing it itself.
const STREAM_FINISH_GRACE: Duration = Duration::from_secs(15);

/// Where a carrier says a call stands, in carrier-neutral terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarrierProgress {
    Queued,
    Ringing,
    Answered,
    Ended(CallOutcome),
}

impl CarrierProgress {
    /// Twilio's `CallStatus` values.
    pub fn from_twilio(status: &str) -> Option<Self> {
        Some(match status {
            "queued" | "initiated" => CarrierProgress::Queued,
            "ringing" => CarrierProgress::Ringing,
            "in-progress" | "answered" => CarrierProgress::Answered,
            "completed" => CarrierProgress::Ended(CallOutcome::Completed),
            "busy" => CarrierProgress::Ended(CallOutcome::Busy),
            "no-answer" => CarrierProgress::Ended(CallOutcome::NoAnswer),
            "failed" => CarrierProgress::Ended(CallOutcome::Failed),
            "canceled" => CarrierProgress::Ended(CallOutcome::Canceled),
            _ => return None,
        })
    }
}

/// Applies `progress` to `call`. An end before the call was ever answered finishes it at
/// once; an end after it was answered is left to the media stream, which finishes the call
/// with its transcript and costs, with a fallback in case the stream never does.
pub async fn apply(
    state: &AppState,
    call: &Call,
    progress: CarrierProgress,
) -> Result<(), TelephonyError> {
    let store = &state.store;
    match progress {
        CarrierProgress::Queued => {}
        CarrierProgress::Ringing => {
            store.mark_call_ringing(&call.tenant_id, &call.id).await?;
        }
        CarrierProgress::Answered => {
            store
                .mark_call_started(&call.tenant_id, &call.id, now_ms())
                .await?;
        }
        CarrierProgress::Ended(outcome) => {
            let current = store.get_call(&call.tenant_id, &call.id).await?;
            if current.status().is_terminal() {
                return Ok(());
            }
            let reason = end_reason(outcome);
            if current.started_at.is_none() || outcome != CallOutcome::Completed {
                super::finish::finish(state, &current, outcome, reason).await?;
            } else {
                let state = state.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(STREAM_FINISH_GRACE).await;
                    if let Err(error) =
                        super::finish::finish(&state, &current, outcome, reason).await
                    {
                        tracing::warn!(call_id = %current.id, %error, "could not finish the call");
                    }
                });
            }
        }
    }
    Ok(())
}

fn end_reason(outcome: CallOutcome) -> &'static str {
    match outcome {
        CallOutcome::Completed => "the carrier reported the call completed",
        CallOutcome::Busy => "the line was busy",
        CallOutcome::NoAnswer => "nobody answered",
        CallOutcome::Failed => "the carrier could not connect the call",
        CallOutcome::Canceled => "the call was canceled before it was answered",
    }
}
