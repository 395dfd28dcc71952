//! Reading calls back: one with its transcript, or the latest few.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use switchboard_core::CallStatus;
use switchboard_store::{Call, CallFilter, PageRequest, StoreError};

use super::{ToolContext, ToolResult, internal};
use crate::routes::instant;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetCall {
    call_id: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCalls {
    /// How many (1 to 50, default 10).
    #[schemars(range(min = 1, max = 50))]
    limit: Option<u32>,
    /// Only calls in this status, e.g. `in_progress` or `completed`.
    status: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct CallSummary {
    call_id: String,
    /// `queued`, `ringing`, `in_progress`, `completed`, `busy`, `no_answer`, `failed` or
    /// `canceled`.
    status: String,
    /// `outbound`, `inbound` or `web`.
    direction: String,
    to: Option<String>,
    from: Option<String>,
    created_at: String,
    /// Connected seconds, once the call has ended.
    duration_seconds: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
pub struct Line {
    /// `agent` (what was said to the user) or `caller` (the user).
    speaker: String,
    text: String,
}

#[derive(Serialize, JsonSchema)]
pub struct CallDetail {
    #[serde(flatten)]
    call: CallSummary,
    started_at: Option<String>,
    ended_at: Option<String>,
    end_reason: Option<String>,
    /// Provider costs recorded for the call, in micro-units (null while it is live).
    cost_micros: Option<i64>,
    transcript: Vec<Line>,
}

#[derive(Serialize, JsonSchema)]
pub struct CallList {
    calls: Vec<CallSummary>,
}

fn summary(call: &Call) -> CallSummary {
    CallSummary {
        call_id: call.id.clone(),
        status: call.status().as_str().to_owned(),
        direction: call.direction().as_str().to_owned(),
        to: call.to_number.clone(),
        from: call.from_number.clone(),
        created_at: instant(call.created_at),
        duration_seconds: call.duration_ms.map(|ms| ms as f64 / 1000.0),
    }
}

pub async fn get_call(context: &ToolContext<'_>, input: GetCall) -> ToolResult<CallDetail> {
    let store = &context.state.store;
    let tenant_id = context.principal.tenant_id();
    let call = match store.get_call(tenant_id, &input.call_id).await {
        Ok(call) => call,
        Err(StoreError::NotFound) => return Err(format!("There is no call {}.", input.call_id)),
        Err(error) => return Err(internal(error)),
    };
    let transcript = store
        .call_transcript(tenant_id, &call.id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|line| Line {
            speaker: line.speaker,
            text: line.text,
        })
        .collect();
    Ok(CallDetail {
        call: summary(&call),
        started_at: call.started_at.map(instant),
        ended_at: call.ended_at.map(instant),
        end_reason: call.end_reason.clone(),
        cost_micros: call.cost_micros,
        transcript,
    })
}

pub async fn list_calls(context: &ToolContext<'_>, input: ListCalls) -> ToolResult<CallList> {
    let limit = input.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err("`limit` must be between 1 and 50.".into());
    }
    let status = input
        .status
        .as_deref()
        .map(|raw| {
            CallStatus::parse(raw)
                .ok_or_else(|| format!("`status` {raw:?} is not a call status, e.g. `completed`."))
        })
        .transpose()?;
    let filter = CallFilter {
        status,
        ..CallFilter::default()
    };
    let page = context
        .state
        .store
        .list_calls(
            context.principal.tenant_id(),
            &filter,
            &PageRequest::first(limit),
        )
        .await
        .map_err(internal)?;
    Ok(CallList {
        calls: page.items.iter().map(summary).collect(),
    })
}
