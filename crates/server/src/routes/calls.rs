//! Calls and what they left behind: transcript, timeline and costs. Read-only here; calls are
//! written by the engine through the store.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use switchboard_core::CallStatus;
use switchboard_store::{Call, CallFilter};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::call_views::{
    CallCostsView, CallDetailView, CallView, CostComponentView, Records, TranscriptEntryView,
};
use super::views::List;
use crate::calls::timeline::{TimelineItem, timeline};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{PageQuery, Paging};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calls))
        .routes(routes!(get_call))
        .routes(routes!(get_transcript))
        .routes(routes!(get_timeline))
        .routes(routes!(get_costs))
}

/// Narrows the list of calls.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallListQuery {
    /// Only calls in this status, e.g. `in_progress` or `completed`.
    status: Option<String>,
    /// Only calls run by this agent.
    agent_id: Option<String>,
    /// Only calls placed from or to this number of yours.
    phone_number_id: Option<String>,
    /// Only calls created at or after this instant (RFC 3339).
    created_after: Option<String>,
    /// Only calls created before this instant (RFC 3339).
    created_before: Option<String>,
}

/// A query parameter holding an RFC 3339 instant, as epoch milliseconds.
pub(super) fn query_instant(field: &str, raw: Option<&str>) -> ApiResult<Option<i64>> {
    raw.map(|raw| {
        raw.parse::<jiff::Timestamp>()
            .map(|t| t.as_millisecond())
            .map_err(|_| {
                ApiError::bad_field(field, "an RFC 3339 instant such as 2026-11-21T09:00:00Z")
            })
    })
    .transpose()
}

/// Your tenant's calls, newest first.
#[utoipa::path(get, path = "/v1/calls", tag = "calls", security(("bearer" = [])), params(PageQuery, CallListQuery),
    responses((status = 200, body = List<CallView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_calls(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
    query: Result<Query<CallListQuery>, QueryRejection>,
) -> ApiResult<Json<List<CallView>>> {
    let Query(query) = query.map_err(|_| ApiError::BadRequest {
        field: None,
        message: "the query string could not be read".into(),
    })?;
    let status = query
        .status
        .as_deref()
        .map(|raw| {
            CallStatus::parse(raw).ok_or_else(|| {
                ApiError::bad_field("status", "is not a call status, e.g. `completed`")
            })
        })
        .transpose()?;
    let filter = CallFilter {
        status,
        agent_id: query.agent_id.as_deref().filter(|a| !a.is_empty()),
        phone_number_id: query.phone_number_id.as_deref().filter(|n| !n.is_empty()),
        created_from: query_instant("created_after", query.created_after.as_deref())?,
        created_until: query_instant("created_before", query.created_before.as_deref())?,
    };
    let calls = state
        .store
        .list_calls(principal.tenant_id(), &filter, &page)
        .await?;
    Ok(Json(List::from_page(calls, CallView::from)))
}

/// One call, with counts of what it recorded.
#[utoipa::path(get, path = "/v1/calls/{id}", tag = "calls", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = CallDetailView), (status = 404, body = ErrorBody)))]
async fn get_call(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<CallDetailView>> {
    let call = own_call(&state, &principal, &id).await?;
    let totals = state
        .store
        .call_totals(principal.tenant_id(), &call.id)
        .await?;
    Ok(Json(CallDetailView {
        call: call.into(),
        totals: totals.into(),
    }))
}

/// The call's transcript in order, written as the call goes.
#[utoipa::path(get, path = "/v1/calls/{id}/transcript", tag = "calls", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = Records<TranscriptEntryView>), (status = 404, body = ErrorBody)))]
async fn get_transcript(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Records<TranscriptEntryView>>> {
    let call = own_call(&state, &principal, &id).await?;
    let lines = state
        .store
        .call_transcript(principal.tenant_id(), &call.id)
        .await?;
    Ok(Json(Records {
        data: lines.into_iter().map(Into::into).collect(),
    }))
}

/// The call's timeline: events, turn latencies and costs in time order, each with a `type`.
#[utoipa::path(get, path = "/v1/calls/{id}/events", tag = "calls", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = Records<TimelineItem>), (status = 404, body = ErrorBody)))]
async fn get_timeline(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Records<TimelineItem>>> {
    let call = own_call(&state, &principal, &id).await?;
    let tenant_id = principal.tenant_id();
    let events = state.store.call_events(tenant_id, &call.id).await?;
    let latencies = state.store.call_turn_latencies(tenant_id, &call.id).await?;
    let costs = state.store.call_cost_events(tenant_id, &call.id).await?;
    Ok(Json(Records {
        data: timeline(&call, events, latencies, costs),
    }))
}

/// The call's costs per component (role, provider and unit).
#[utoipa::path(get, path = "/v1/calls/{id}/costs", tag = "calls", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = CallCostsView), (status = 404, body = ErrorBody)))]
async fn get_costs(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<CallCostsView>> {
    let call = own_call(&state, &principal, &id).await?;
    let components = state
        .store
        .call_cost_components(principal.tenant_id(), &call.id)
        .await?;
    Ok(Json(CallCostsView {
        total_micros: components.iter().map(|c| c.cost_micros).sum(),
        components: components
            .into_iter()
            .map(CostComponentView::from)
            .collect(),
        call_id: call.id,
    }))
}

/// The caller's tenant's call; any other id is simply not found.
async fn own_call(state: &AppState, principal: &Principal, id: &str) -> ApiResult<Call> {
    Ok(state.store.get_call(principal.tenant_id(), id).await?)
}
