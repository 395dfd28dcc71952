use crate::{Store, StoreError, now_ms};

impl Store {
    /// Notes a webhook delivery; `false` when (source, key) was seen before, so the caller
    /// changes nothing. Keys are the carrier's own event ids, or e.g. `CA…:3` for a Twilio
    /// status callback's sequence number.
    pub async fn first_receipt(&self, source: &str, key: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO webhook_receipts (source, key, received_at) VALUES ($1, $2, $3) \
             ON CONFLICT (source, key) DO NOTHING",
        )
        .bind(source)
        .bind(key)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
