//! Calls and the records a call leaves behind. The call row has its own lifecycle functions;
//! the records (transcript, timeline events, turn latencies, costs) are written in small
//! transactions through a [`CallRecordBatch`] and read back per call.

/// The columns of `calls`, as [`Call`] reads them.
macro_rules! call_columns {
    () => {
        "id, tenant_id, agent_id, user_id, direction, status, from_number, to_number, variables, \
         metadata, created_at, started_at, ended_at, duration_ms, end_reason, summary, cost_micros, \
         carrier, carrier_call_id, phone_number_id, answered_by, recording_url, \
         recording_duration_ms, options"
    };
}

mod batch;
mod carrier;
mod costs;
mod events;
mod latency;
mod lifecycle;
mod totals;
mod transcript;

pub use batch::CallRecordBatch;
pub use costs::{CostComponent, CostEvent, NewCostEvent};
pub use events::{CallEvent, NewCallEvent};
pub use latency::{NewTurnLatency, TurnLatencyRow};
pub use lifecycle::{Call, CallFilter, NewCall};
pub use totals::CallTotals;
pub use transcript::{NewTranscriptEntry, TranscriptLine};

use crate::StoreError;

/// An unsigned domain value in a signed 64-bit column.
fn to_column(field: &'static str, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange { field })
}
