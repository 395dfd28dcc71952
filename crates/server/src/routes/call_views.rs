//! What the API shows of a call and its records.

use serde::Serialize;
use switchboard_store::{Call, CallTotals, CostComponent, TranscriptLine};
use utoipa::ToSchema;

use super::views::instant;

/// JSON stored as text, as the API shows it; the store only keeps what was serialised, so a
/// parse failure means a damaged row and reads as `null`.
fn json_text(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

#[derive(Serialize, ToSchema)]
pub struct CallView {
    pub id: String,
    pub agent_id: Option<String>,
    #[schema(example = "outbound")]
    pub direction: &'static str,
    /// `queued`, `ringing`, `in_progress`, `completed`, `busy`, `no_answer`, `failed` or
    /// `canceled`.
    #[schema(example = "completed")]
    pub status: &'static str,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    #[schema(value_type = Object)]
    pub variables: serde_json::Value,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub created_at: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    /// How long the call was connected; 0 for a call that never was.
    pub duration_ms: Option<i64>,
    pub end_reason: Option<String>,
    pub summary: Option<String>,
    /// The call's total cost in micro-units, fixed when it ended.
    pub cost_micros: Option<i64>,
    /// The carrier account that carries the call; `null` for web calls.
    pub carrier: Option<String>,
    /// The call's id at its carrier (Twilio `CA…`, Telnyx `call_control_id`).
    pub carrier_call_id: Option<String>,
    /// Your number the call was placed from or came in on.
    pub phone_number_id: Option<String>,
    /// Answering-machine detection's verdict, when it ran: `human`, `machine_…`, `unknown`.
    pub answered_by: Option<String>,
    /// Whether `GET /v1/calls/{id}/recording` has audio.
    pub has_recording: bool,
}

impl From<Call> for CallView {
    fn from(c: Call) -> Self {
        Self {
            direction: c.direction().as_str(),
            status: c.status().as_str(),
            variables: json_text(&c.variables),
            metadata: json_text(&c.metadata),
            created_at: instant(c.created_at),
            started_at: c.started_at.map(instant),
            ended_at: c.ended_at.map(instant),
            id: c.id,
            agent_id: c.agent_id,
            from_number: c.from_number,
            to_number: c.to_number,
            duration_ms: c.duration_ms,
            has_recording: c.recording_url.is_some(),
            carrier: c.carrier,
            carrier_call_id: c.carrier_call_id,
            phone_number_id: c.phone_number_id,
            answered_by: c.answered_by,
            end_reason: c.end_reason,
            summary: c.summary,
            cost_micros: c.cost_micros,
        }
    }
}

/// A call with the counts of what it recorded.
#[derive(Serialize, ToSchema)]
pub struct CallDetailView {
    #[serde(flatten)]
    pub call: CallView,
    pub totals: CallTotalsView,
}

#[derive(Serialize, ToSchema)]
pub struct CallTotalsView {
    pub transcript_entries: i64,
    pub turns: i64,
    pub events: i64,
    pub cost_events: i64,
    /// The sum of the call's cost events so far, in micro-units.
    pub cost_micros: i64,
}

impl From<CallTotals> for CallTotalsView {
    fn from(t: CallTotals) -> Self {
        Self {
            transcript_entries: t.transcript_entries,
            turns: t.turns,
            events: t.events,
            cost_events: t.cost_events,
            cost_micros: t.cost_micros,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TranscriptEntryView {
    pub seq: i64,
    /// `agent` or `caller`.
    #[schema(example = "agent")]
    pub speaker: String,
    /// For an interrupted agent entry, only what the caller heard.
    pub text: String,
    /// Offsets from the start of the call's audio.
    pub start_ms: i64,
    pub end_ms: i64,
    /// The caller talked over this agent entry and it was cut short.
    pub interrupted: bool,
}

impl From<TranscriptLine> for TranscriptEntryView {
    fn from(l: TranscriptLine) -> Self {
        Self {
            interrupted: l.interrupted(),
            seq: l.seq,
            speaker: l.speaker,
            text: l.text,
            start_ms: l.start_ms,
            end_ms: l.end_ms,
        }
    }
}

/// A call's costs, summed per component.
#[derive(Serialize, ToSchema)]
pub struct CallCostsView {
    pub call_id: String,
    pub total_micros: i64,
    pub components: Vec<CostComponentView>,
}

#[derive(Serialize, ToSchema)]
pub struct CostComponentView {
    /// `stt`, `llm`, `tts` or `s2s`.
    #[schema(example = "stt")]
    pub role: String,
    #[schema(example = "deepgram")]
    pub provider: String,
    /// What `units` counts: `audio_ms`, `input_tokens`, `output_tokens` or `characters`.
    #[schema(example = "audio_ms")]
    pub unit: String,
    pub units: i64,
    pub cost_micros: i64,
    /// How many cost events were summed.
    pub events: i64,
}

impl From<CostComponent> for CostComponentView {
    fn from(c: CostComponent) -> Self {
        Self {
            role: c.role,
            provider: c.provider,
            unit: c.unit,
            units: c.units,
            cost_micros: c.cost_micros,
            events: c.events,
        }
    }
}

/// A call's records in one list, all of them (a call's records are bounded by its length).
#[derive(Serialize, ToSchema)]
pub struct Records<T> {
    pub data: Vec<T>,
}
