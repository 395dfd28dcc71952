//! The carrier side of a call: its id at the carrier, what answered, its recording, and the
//! lookups carrier webhooks start from.

use super::lifecycle::Call;
use crate::{Store, StoreError};

impl Store {
    /// Records the carrier's id for a call once the carrier accepted it (or announced it).
    pub async fn set_carrier_call_id(
        &self,
        tenant_id: &str,
        call_id: &str,
        carrier_call_id: &str,
    ) -> Result<Call, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE calls SET carrier_call_id = $3 WHERE tenant_id = $1 AND id = $2 RETURNING ",
            call_columns!()
        ))
        .bind(tenant_id)
        .bind(call_id)
        .bind(carrier_call_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The entry point of a carrier webhook: the call its URL names. Webhooks carry no
    /// tenant; this lookup finds it. Check the webhook's signature against the call's carrier
    /// before changing anything.
    pub async fn get_call_for_webhook(&self, call_id: &str) -> Result<Call, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            call_columns!(),
            " FROM calls WHERE id = $1"
        ))
        .bind(call_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Whether the carrier's id for the call is `carrier_call_id`. A call not yet given one
    /// (the webhook raced the REST reply) adopts it.
    pub async fn adopt_carrier_call_id(
        &self,
        tenant_id: &str,
        call_id: &str,
        carrier_call_id: &str,
    ) -> Result<bool, StoreError> {
        sqlx::query(
            "UPDATE calls SET carrier_call_id = $3 \
             WHERE tenant_id = $1 AND id = $2 AND carrier_call_id IS NULL",
        )
        .bind(tenant_id)
        .bind(call_id)
        .bind(carrier_call_id)
        .execute(&self.pool)
        .await?;
        let call = self.get_call(tenant_id, call_id).await?;
        Ok(call.carrier_call_id.as_deref() == Some(carrier_call_id))
    }

    /// A call by the carrier's id for it, for carriers whose webhooks do not carry our id.
    pub async fn find_call_by_carrier_id(
        &self,
        carrier: &str,
        carrier_call_id: &str,
    ) -> Result<Call, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            call_columns!(),
            " FROM calls WHERE carrier_call_id = $2 AND carrier = $1"
        ))
        .bind(carrier)
        .bind(carrier_call_id)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn set_call_answered_by(
        &self,
        tenant_id: &str,
        call_id: &str,
        answered_by: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE calls SET answered_by = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(call_id)
            .bind(answered_by)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_call_recording(
        &self,
        tenant_id: &str,
        call_id: &str,
        recording_url: &str,
        duration_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE calls SET recording_url = $3, recording_duration_ms = $4 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(call_id)
        .bind(recording_url)
        .bind(duration_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many of the tenant's calls are live (queued, ringing or in progress).
    pub async fn count_live_calls(&self, tenant_id: &str) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM calls WHERE tenant_id = $1 \
             AND status IN ('queued', 'ringing', 'in_progress')",
        )
        .bind(tenant_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }
}
