use crate::{Store, StoreError};

/// How much a call has recorded so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct CallTotals {
    pub transcript_entries: i64,
    pub turns: i64,
    pub events: i64,
    pub cost_events: i64,
    /// The sum of the cost events so far (for a finished call, what `finish_call` fixed
    /// unless records arrived after it).
    pub cost_micros: i64,
}

impl Store {
    pub async fn call_totals(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<CallTotals, StoreError> {
        Ok(sqlx::query_as(
            "SELECT \
             (SELECT COUNT(*) FROM call_transcript WHERE tenant_id = $1 AND call_id = $2) \
                AS transcript_entries, \
             (SELECT COUNT(*) FROM call_turn_latency WHERE tenant_id = $1 AND call_id = $2) \
                AS turns, \
             (SELECT COUNT(*) FROM call_events WHERE tenant_id = $1 AND call_id = $2) AS events, \
             (SELECT COUNT(*) FROM cost_events WHERE tenant_id = $1 AND call_id = $2) \
                AS cost_events, \
             (SELECT CAST(COALESCE(SUM(cost_micros), 0) AS BIGINT) FROM cost_events \
                WHERE tenant_id = $1 AND call_id = $2) AS cost_micros",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_one(&self.pool)
        .await?)
    }
}
