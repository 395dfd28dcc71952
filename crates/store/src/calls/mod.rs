//! Calls and the records a call leaves behind. The call row has its own lifecycle functions;
//! the records (transcript, timeline events, turn latencies, costs) are written in small
//! transactions through a [`CallRecordBatch`] and read back per call.

mod batch;
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
