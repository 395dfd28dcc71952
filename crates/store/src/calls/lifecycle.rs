use switchboard_core::id::{IdKind, new_id};
use switchboard_core::{CallDirection, CallOutcome, CallStatus};

use crate::{Page, PageRequest, Store, StoreError, now_ms};

/// A call as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Call {
    pub id: String,
    pub tenant_id: String,
    pub agent_id: Option<String>,
    /// The user the call runs for; `None` when no user started it.
    pub user_id: Option<String>,
    direction: String,
    status: String,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    /// A JSON object as text.
    pub variables: String,
    /// A JSON object as text.
    pub metadata: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub end_reason: Option<String>,
    pub summary: Option<String>,
    /// The sum of the call's cost events, set once when the call finishes.
    pub cost_micros: Option<i64>,
    /// The carrier account that carries the call (`None` for web calls).
    pub carrier: Option<String>,
    /// The call's id at that carrier (Twilio `CA…`, Telnyx `call_control_id`).
    pub carrier_call_id: Option<String>,
    /// Our number the call was placed from or came in on.
    pub phone_number_id: Option<String>,
    /// Answering-machine detection's verdict, as the carrier says it (`human`, `machine_start`…).
    pub answered_by: Option<String>,
    /// Where the carrier keeps the call's recording; served through our API only.
    pub recording_url: Option<String>,
    pub recording_duration_ms: Option<i64>,
    /// A JSON object as text: how the call was asked to run (recording, answering machines).
    pub options: String,
}

impl Call {
    pub fn direction(&self) -> CallDirection {
        // The column has a CHECK constraint; this fallback is never taken on an intact row.
        CallDirection::parse(&self.direction).unwrap_or(CallDirection::Outbound)
    }

    pub fn status(&self) -> CallStatus {
        // As above: a corrupted status reads as failed, which is final, rather than live.
        CallStatus::parse(&self.status).unwrap_or(CallStatus::Failed)
    }
}

/// A call to create; it starts `queued`.
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    pub agent_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub direction: CallDirection,
    pub from_number: Option<&'a str>,
    pub to_number: Option<&'a str>,
    /// A JSON object as text.
    pub variables: &'a str,
    /// A JSON object as text.
    pub metadata: &'a str,
    pub carrier: Option<&'a str>,
    /// Known up front for inbound calls (the carrier announced it).
    pub carrier_call_id: Option<&'a str>,
    pub phone_number_id: Option<&'a str>,
    /// A JSON object as text.
    pub options: &'a str,
}

/// Narrows [`Store::list_calls`]; `None` matches everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallFilter<'a> {
    pub status: Option<CallStatus>,
    pub agent_id: Option<&'a str>,
    pub phone_number_id: Option<&'a str>,
    /// Created at or after (ms).
    pub created_from: Option<i64>,
    /// Created before (ms).
    pub created_until: Option<i64>,
}

/// The statuses a call can still leave, as an SQL list.
macro_rules! live_statuses {
    () => {
        "('queued', 'ringing', 'in_progress')"
    };
}

impl Store {
    pub async fn create_call(
        &self,
        tenant_id: &str,
        call: NewCall<'_>,
    ) -> Result<Call, StoreError> {
        Ok(sqlx::query_as(concat!(
            "INSERT INTO calls (id, tenant_id, agent_id, user_id, direction, status, from_number, \
             to_number, variables, metadata, created_at, carrier, phone_number_id, options, \
             carrier_call_id) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ",
            call_columns!()
        ))
        .bind(new_id(IdKind::Call))
        .bind(tenant_id)
        .bind(call.agent_id)
        .bind(call.user_id)
        .bind(call.direction.as_str())
        .bind(call.from_number)
        .bind(call.to_number)
        .bind(call.variables)
        .bind(call.metadata)
        .bind(now_ms())
        .bind(call.carrier)
        .bind(call.phone_number_id)
        .bind(call.options)
        .bind(call.carrier_call_id)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn get_call(&self, tenant_id: &str, call_id: &str) -> Result<Call, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            call_columns!(),
            " FROM calls WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant_id)
        .bind(call_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The tenant's calls, newest first; the cursor is the last id of the previous page.
    pub async fn list_calls(
        &self,
        tenant_id: &str,
        filter: &CallFilter<'_>,
        page: &PageRequest,
    ) -> Result<Page<Call>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            call_columns!(),
            " FROM calls WHERE tenant_id = $1 AND ($2 = '' OR status = $2) \
             AND ($3 = '' OR agent_id = $3) AND ($4 = '' OR id < $4) \
             AND ($6 = '' OR phone_number_id = $6) AND created_at >= $7 AND created_at < $8 \
             ORDER BY id DESC LIMIT $5"
        ))
        .bind(tenant_id)
        .bind(filter.status.map_or("", CallStatus::as_str))
        .bind(filter.agent_id.unwrap_or(""))
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .bind(filter.phone_number_id.unwrap_or(""))
        .bind(filter.created_from.unwrap_or(i64::MIN))
        .bind(filter.created_until.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |c: &Call| &c.id))
    }

    /// `queued -> ringing`. From any later status this changes nothing and returns the call.
    pub async fn mark_call_ringing(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<Call, StoreError> {
        let moved = sqlx::query_as(concat!(
            "UPDATE calls SET status = 'ringing' \
             WHERE tenant_id = $1 AND id = $2 AND status = 'queued' RETURNING ",
            call_columns!()
        ))
        .bind(tenant_id)
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await?;
        self.moved_or_current(tenant_id, call_id, moved).await
    }

    /// `queued | ringing -> in_progress`, answered at `started_at`. A call already in progress
    /// keeps its first start; a finished call is not reopened.
    pub async fn mark_call_started(
        &self,
        tenant_id: &str,
        call_id: &str,
        started_at: i64,
    ) -> Result<Call, StoreError> {
        let moved = sqlx::query_as(concat!(
            "UPDATE calls SET status = 'in_progress', started_at = $3 \
             WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'ringing') RETURNING ",
            call_columns!()
        ))
        .bind(tenant_id)
        .bind(call_id)
        .bind(started_at)
        .fetch_optional(&self.pool)
        .await?;
        self.moved_or_current(tenant_id, call_id, moved).await
    }

    /// Ends a live call: its outcome, why, when, how long it was connected (0 if it never
    /// was) and its total cost, the sum of its cost events at this moment. Finishing a call
    /// that already ended changes nothing and returns it as stored, so the total is fixed
    /// once. Write the call's last records before finishing it.
    pub async fn finish_call(
        &self,
        tenant_id: &str,
        call_id: &str,
        outcome: CallOutcome,
        end_reason: &str,
        ended_at: i64,
    ) -> Result<Call, StoreError> {
        let moved = sqlx::query_as(concat!(
            "UPDATE calls SET status = $3, end_reason = $4, ended_at = $5, \
             duration_ms = CASE WHEN started_at IS NULL OR started_at > $5 THEN 0 \
                                ELSE $5 - started_at END, \
             cost_micros = (SELECT COALESCE(SUM(cost_micros), 0) FROM cost_events \
                            WHERE tenant_id = $1 AND call_id = $2) \
             WHERE tenant_id = $1 AND id = $2 AND status IN ",
            live_statuses!(),
            " RETURNING ",
            call_columns!()
        ))
        .bind(tenant_id)
        .bind(call_id)
        .bind(outcome.status().as_str())
        .bind(end_reason)
        .bind(ended_at)
        .fetch_optional(&self.pool)
        .await?;
        self.moved_or_current(tenant_id, call_id, moved).await
    }

    /// Stores the call's summary, replacing any earlier one.
    pub async fn set_call_summary(
        &self,
        tenant_id: &str,
        call_id: &str,
        summary: &str,
    ) -> Result<Call, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE calls SET summary = $3 WHERE tenant_id = $1 AND id = $2 RETURNING ",
            call_columns!()
        ))
        .bind(tenant_id)
        .bind(call_id)
        .bind(summary)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The updated row, or — when the guarded update matched nothing because the status had
    /// already moved on — the row as it stands (not found if there is none).
    async fn moved_or_current(
        &self,
        tenant_id: &str,
        call_id: &str,
        moved: Option<Call>,
    ) -> Result<Call, StoreError> {
        match moved {
            Some(call) => Ok(call),
            None => self.get_call(tenant_id, call_id).await,
        }
    }
}
