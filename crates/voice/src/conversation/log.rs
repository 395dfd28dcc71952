//! Writing a conversation's timeline: offsets from the start of the stream, and events.

use tokio::time::Instant;

use crate::records::{CallRecord, RecordSink, TimelineEvent};

/// Milliseconds from `started` to `at`.
pub(crate) fn offset(started: Instant, at: Instant) -> u64 {
    at.saturating_duration_since(started).as_millis() as u64
}

/// Records a timeline event happening now.
pub(crate) fn timeline(
    records: &RecordSink,
    started: Instant,
    kind: &'static str,
    data: serde_json::Value,
) {
    records.record(CallRecord::Event(TimelineEvent {
        at_ms: offset(started, Instant::now()),
        kind,
        data: data.to_string(),
    }));
}
