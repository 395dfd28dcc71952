use crate::{Store, StoreError, now_ms};

impl Store {
    /// `other` asked for no more texts from `ours` (STOP). Saying it twice changes nothing;
    /// returns whether this was news.
    pub async fn opt_out(
        &self,
        tenant_id: &str,
        ours: &str,
        other: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO sms_opt_outs (tenant_id, our_number, other_number, opted_out_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, our_number, other_number) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(ours)
        .bind(other)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// `other` opted back in (START); returns whether they had been opted out.
    pub async fn opt_in(
        &self,
        tenant_id: &str,
        ours: &str,
        other: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM sms_opt_outs WHERE tenant_id = $1 AND our_number = $2 AND other_number = $3",
        )
        .bind(tenant_id)
        .bind(ours)
        .bind(other)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn is_opted_out(
        &self,
        tenant_id: &str,
        ours: &str,
        other: &str,
    ) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT opted_out_at FROM sms_opt_outs \
             WHERE tenant_id = $1 AND our_number = $2 AND other_number = $3",
        )
        .bind(tenant_id)
        .bind(ours)
        .bind(other)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }
}
