use crate::{Store, StoreError, now_ms};

/// What a consumed media-stream token grants: one call of one tenant, run by one brain.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StreamGrant {
    pub tenant_id: String,
    pub call_id: String,
    pub brain: String,
}

impl Store {
    /// Records a token (by its hash) that lets one media stream join `call_id` until `expires_at`.
    pub async fn create_stream_token(
        &self,
        token_hash: &str,
        grant: &StreamGrant,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO media_stream_tokens (token_hash, tenant_id, call_id, brain, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(&grant.tenant_id)
        .bind(&grant.call_id)
        .bind(&grant.brain)
        .bind(now_ms())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Consumes a token: succeeds once, before it expires, and never again. One statement, so
    /// two streams racing with the same token (on one replica or two) cannot both win.
    pub async fn consume_stream_token(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<StreamGrant, StoreError> {
        Ok(sqlx::query_as(
            "UPDATE media_stream_tokens SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING tenant_id, call_id, brain",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Housekeeping: forgets tokens that expired before `now`.
    pub async fn delete_expired_stream_tokens(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM media_stream_tokens WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
