use switchboard_core::id::{IdKind, new_id};

use crate::users::fetch_user;
use crate::{Store, StoreError, User, now_ms};

/// A dashboard or API session opened by a login. Only the token's hash is stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Store {
    pub async fn create_session(
        &self,
        user: &User,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<Session, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO sessions (id, tenant_id, user_id, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, tenant_id, user_id, created_at, expires_at",
        )
        .bind(new_id(IdKind::Session))
        .bind(&user.tenant_id)
        .bind(&user.id)
        .bind(token_hash)
        .bind(now_ms())
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The live session with this token hash and its user.
    pub async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<(Session, User), StoreError> {
        let session: Session = sqlx::query_as(
            "SELECT id, tenant_id, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        let user = fetch_user(&self.pool, &session.tenant_id, &session.user_id).await?;
        Ok((session, user))
    }

    pub async fn delete_session(
        &self,
        tenant_id: &str,
        session_id: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Housekeeping: drops sessions that expired before `now`. Returns how many.
    pub async fn delete_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
