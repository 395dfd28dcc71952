use super::{CallRecordBatch, to_column};
use crate::{Store, StoreError};

/// A timeline event to write: a barge-in, a provider switch, a tool call, the hang-up.
#[derive(Debug, Clone)]
pub struct NewCallEvent<'a> {
    /// Offset from the start of the call's media stream.
    pub at_ms: u64,
    /// A short snake_case name, e.g. `barge_in`.
    pub kind: &'a str,
    /// A JSON object as text.
    pub data: &'a str,
}

/// A stored timeline event; `id` grows in the order events were written.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallEvent {
    pub id: i64,
    pub at_ms: i64,
    pub kind: String,
    pub data: String,
}

impl CallRecordBatch {
    pub async fn add_call_event(&mut self, event: &NewCallEvent<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO call_events (tenant_id, call_id, at_ms, kind, data) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&self.tenant_id)
        .bind(&self.call_id)
        .bind(to_column("at_ms", event.at_ms)?)
        .bind(event.kind)
        .bind(event.data)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The call's timeline events by time, ties in the order they were written.
    pub async fn call_events(
        &self,
        tenant_id: &str,
        call_id: &str,
    ) -> Result<Vec<CallEvent>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, at_ms, kind, data FROM call_events \
             WHERE tenant_id = $1 AND call_id = $2 ORDER BY at_ms, id",
        )
        .bind(tenant_id)
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
