//! Usage: what finished calls were charged, per call and summed by period, user or agent,
//! and the prices in force. Amounts are integer micro-units of `currency`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use switchboard_store::{Charges, UsageFilter, UsageGroup, UsageGrouping, UsageRecord};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::calls::query_instant;
use super::views::{List, instant};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{PageQuery, Paging};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pricing))
        .routes(routes!(summary))
        .routes(routes!(calls))
}

/// Which usage to read.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Calls that ended at or after this instant (RFC 3339); default: the start of this
    /// month (UTC) for the summary, the beginning of time for the call list.
    from: Option<String>,
    /// Calls that ended before this instant (RFC 3339); default: now.
    to: Option<String>,
    /// Only this user's calls.
    user_id: Option<String>,
    /// Only this agent's calls.
    agent_id: Option<String>,
    /// Summary only: `total` (default), `user`, `agent` or `day` (UTC days).
    group_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PricingView {
    /// ISO 4217 code of the currency amounts are in (micro-units: 1 000 000 = 1).
    currency: String,
    /// What a connected minute of a phone call costs you.
    phone_call_per_minute_micros: u64,
    /// What a minute of a browser (web) call costs you: no telephony.
    web_call_per_minute_micros: u64,
    /// What a million LLM tokens of an agent-driven call cost you.
    llm_per_million_tokens_micros: u64,
    /// How calls are metered.
    metering: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Components {
    telephony_micros: i64,
    stt_micros: i64,
    tts_micros: i64,
    llm_micros: i64,
}

/// What was used and charged: the same fields for one call and for a sum of calls.
#[derive(Serialize, ToSchema)]
pub struct ChargesView {
    /// Connected time, whole seconds (a started second counts).
    billed_seconds: i64,
    llm_tokens: i64,
    components: Components,
    /// The sum of the components.
    charge_micros: i64,
}

impl From<Charges> for ChargesView {
    fn from(c: Charges) -> Self {
        ChargesView {
            billed_seconds: c.billed_seconds,
            llm_tokens: c.llm_tokens,
            components: Components {
                telephony_micros: c.telephony_micros,
                stt_micros: c.stt_micros,
                tts_micros: c.tts_micros,
                llm_micros: c.llm_micros,
            },
            charge_micros: c.charge_micros,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UsageCallView {
    call_id: String,
    user_id: Option<String>,
    agent_id: Option<String>,
    /// `outbound`, `inbound` or `web`.
    direction: String,
    ended_at: String,
    #[serde(flatten)]
    charges: ChargesView,
}

impl From<UsageRecord> for UsageCallView {
    fn from(r: UsageRecord) -> Self {
        UsageCallView {
            call_id: r.call_id,
            user_id: r.user_id,
            agent_id: r.agent_id,
            direction: r.direction,
            ended_at: instant(r.ended_at),
            charges: r.charges.into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UsageGroupView {
    /// The user or agent id, or the day (`2026-11-21`); absent for `total`. `null` collects
    /// calls with no user (inbound) or no agent (remote-controlled).
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<Option<String>>,
    calls: i64,
    #[serde(flatten)]
    charges: ChargesView,
}

#[derive(Serialize, ToSchema)]
pub struct UsageSummary {
    currency: String,
    from: String,
    to: String,
    /// `total`, `user`, `agent` or `day`.
    group_by: &'static str,
    /// Everything in the period (after the user and agent filters).
    total: UsageGroupView,
    /// One entry per group, by key; for `total`, empty.
    groups: Vec<UsageGroupView>,
}

fn group_view(group: UsageGroup, grouping: UsageGrouping) -> UsageGroupView {
    let key = match grouping {
        UsageGrouping::Total => None,
        UsageGrouping::Day => Some(group.key.parse::<i64>().ok().map(day)),
        UsageGrouping::User | UsageGrouping::Agent => {
            Some(Some(group.key).filter(|k| !k.is_empty()))
        }
    };
    UsageGroupView {
        key,
        calls: group.calls,
        charges: group.charges.into(),
    }
}

/// A day number since 1970-01-01 as `YYYY-MM-DD`.
fn day(number: i64) -> String {
    jiff::Timestamp::from_millisecond(number.saturating_mul(86_400_000))
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn read_query(query: Result<Query<UsageQuery>, QueryRejection>) -> ApiResult<UsageQuery> {
    query.map(|Query(q)| q).map_err(|_| ApiError::BadRequest {
        field: None,
        message: "the query string could not be read".into(),
    })
}

fn filter(query: &UsageQuery, default_from: Option<i64>) -> ApiResult<UsageFilter<'_>> {
    let from = query_instant("from", query.from.as_deref())?.or(default_from);
    let until = query_instant("to", query.to.as_deref())?;
    if let (Some(from), Some(until)) = (from, until)
        && from >= until
    {
        return Err(ApiError::bad_field("to", "must be after `from`"));
    }
    Ok(UsageFilter {
        from,
        until,
        user_id: query.user_id.as_deref().filter(|u| !u.is_empty()),
        agent_id: query.agent_id.as_deref().filter(|a| !a.is_empty()),
    })
}

/// The start of the current month, UTC, in epoch milliseconds.
fn month_start(now: jiff::Timestamp) -> i64 {
    let date = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    date.first_of_month()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// The prices in force: per connected minute (metered per second) and per million LLM tokens.
#[utoipa::path(get, path = "/v1/usage/pricing", tag = "usage", security(("bearer" = [])),
    responses((status = 200, body = PricingView), (status = 401, body = ErrorBody)))]
async fn pricing(State(state): State<AppState>, _principal: Principal) -> Json<PricingView> {
    let pricing = state.config.pricing.pricing();
    Json(PricingView {
        currency: state.config.pricing.currency.clone(),
        phone_call_per_minute_micros: pricing.price_per_minute(true),
        web_call_per_minute_micros: pricing.price_per_minute(false),
        llm_per_million_tokens_micros: pricing.price_per_million_tokens(),
        metering: "per second of connected time, a started second counted in full; each \
                   component rounded up to a whole micro-unit",
    })
}

/// Your tenant's charges in a period, in total or grouped by user, agent or day.
#[utoipa::path(get, path = "/v1/usage/summary", tag = "usage", security(("bearer" = [])),
    params(UsageQuery),
    responses((status = 200, body = UsageSummary), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn summary(
    State(state): State<AppState>,
    principal: Principal,
    query: Result<Query<UsageQuery>, QueryRejection>,
) -> ApiResult<Json<UsageSummary>> {
    let query = read_query(query)?;
    let now = jiff::Timestamp::now();
    let (grouping, group_by) = match query.group_by.as_deref() {
        None | Some("total") => (UsageGrouping::Total, "total"),
        Some("user") => (UsageGrouping::User, "user"),
        Some("agent") => (UsageGrouping::Agent, "agent"),
        Some("day") => (UsageGrouping::Day, "day"),
        Some(_) => {
            return Err(ApiError::bad_field(
                "group_by",
                "one of total, user, agent, day",
            ));
        }
    };
    let mut filter = filter(&query, Some(month_start(now)))?;
    filter.until.get_or_insert(now.as_millisecond());
    let store = &state.store;
    let tenant_id = principal.tenant_id();
    let total = store
        .usage_summary(tenant_id, &filter, UsageGrouping::Total)
        .await?
        .pop()
        .map(|g| group_view(g, UsageGrouping::Total))
        .unwrap_or_else(|| group_view(UsageGroup::default(), UsageGrouping::Total));
    let groups = if grouping == UsageGrouping::Total {
        Vec::new()
    } else {
        store
            .usage_summary(tenant_id, &filter, grouping)
            .await?
            .into_iter()
            .map(|g| group_view(g, grouping))
            .collect()
    };
    Ok(Json(UsageSummary {
        currency: state.config.pricing.currency.clone(),
        from: instant(filter.from.unwrap_or(0)),
        to: instant(filter.until.unwrap_or(0)),
        group_by,
        total,
        groups,
    }))
}

/// Each finished call's charge by component, newest first.
#[utoipa::path(get, path = "/v1/usage/calls", tag = "usage", security(("bearer" = [])),
    params(PageQuery, UsageQuery),
    responses((status = 200, body = List<UsageCallView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn calls(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
    query: Result<Query<UsageQuery>, QueryRejection>,
) -> ApiResult<Json<List<UsageCallView>>> {
    let query = read_query(query)?;
    if query.group_by.is_some() {
        return Err(ApiError::bad_field(
            "group_by",
            "only the summary groups; see /v1/usage/summary",
        ));
    }
    let filter = filter(&query, None)?;
    let records = state
        .store
        .list_usage(principal.tenant_id(), &filter, &page)
        .await?;
    Ok(Json(List::from_page(records, UsageCallView::from)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_months_are_utc() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(20_413), "2025-11-21");
        let now: jiff::Timestamp = "2026-11-21T23:59:00Z".parse().unwrap();
        let start: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        assert_eq!(month_start(now), start.as_millisecond());
    }
}
