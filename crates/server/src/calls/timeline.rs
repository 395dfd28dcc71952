//! A call's timeline: its events, turn latencies and costs merged into one list in time order.
//! Every item carries `at_ms`, an offset from the start of the call.

use serde::Serialize;
use switchboard_store::{Call, CallEvent, CostEvent, TurnLatencyRow};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineItem {
    /// Something that happened: a barge-in, a provider switch, a tool call, the hang-up.
    Event {
        at_ms: i64,
        kind: String,
        #[schema(value_type = Object)]
        data: serde_json::Value,
    },
    /// One agent turn's latency breakdown, placed where the caller stopped speaking.
    Latency {
        at_ms: i64,
        turn: i64,
        speech_end_at_ms: Option<i64>,
        stt_final_ms: Option<i64>,
        llm_first_token_ms: Option<i64>,
        first_clause_ms: Option<i64>,
        tts_first_byte_ms: Option<i64>,
        first_audio_ms: Option<i64>,
    },
    /// One provider use, placed when it was recorded.
    Cost {
        at_ms: i64,
        id: String,
        provider: String,
        role: String,
        unit: String,
        units: i64,
        unit_price_micros: i64,
        per_units: i64,
        cost_micros: i64,
    },
}

impl TimelineItem {
    fn at_ms(&self) -> i64 {
        match self {
            TimelineItem::Event { at_ms, .. }
            | TimelineItem::Latency { at_ms, .. }
            | TimelineItem::Cost { at_ms, .. } => *at_ms,
        }
    }
}

/// Merges the call's records by `at_ms`; items at the same moment keep the order events,
/// latencies, costs, and their own order within each kind.
pub fn timeline(
    call: &Call,
    events: Vec<CallEvent>,
    latencies: Vec<TurnLatencyRow>,
    costs: Vec<CostEvent>,
) -> Vec<TimelineItem> {
    // Events and speech ends are offsets from the start of the media stream; the other records
    // only have the instant they were written, measured from the answer (or the call's creation
    // if it was never answered), which is where the stream starts.
    let origin = call.started_at.unwrap_or(call.created_at);
    let offset = |instant: i64| (instant - origin).max(0);
    let mut items: Vec<TimelineItem> = events
        .into_iter()
        .map(|e| TimelineItem::Event {
            at_ms: e.at_ms,
            kind: e.kind,
            data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    items.extend(latencies.into_iter().map(|l| TimelineItem::Latency {
        at_ms: l.speech_end_at_ms.unwrap_or_else(|| offset(l.written_at)),
        turn: l.turn,
        speech_end_at_ms: l.speech_end_at_ms,
        stt_final_ms: l.stt_final_ms,
        llm_first_token_ms: l.llm_first_token_ms,
        first_clause_ms: l.first_clause_ms,
        tts_first_byte_ms: l.tts_first_byte_ms,
        first_audio_ms: l.first_audio_ms,
    }));
    items.extend(costs.into_iter().map(|c| TimelineItem::Cost {
        at_ms: offset(c.created_at),
        id: c.id,
        provider: c.provider,
        role: c.role,
        unit: c.unit,
        units: c.units,
        unit_price_micros: c.unit_price_micros,
        per_units: c.per_units,
        cost_micros: c.cost_micros,
    }));
    // A stable sort keeps the tie order described above.
    items.sort_by_key(TimelineItem::at_ms);
    items
}
