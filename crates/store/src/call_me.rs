//! Each user's "call me" number: the one their coding agent phones over MCP. A number is
//! used only once its verification code came back; a new one waits beside the old until then.

use crate::{Store, StoreError, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallMeNumber {
    pub user_id: String,
    /// The verified number, if any.
    pub phone_number: Option<String>,
    pub verified_at: Option<i64>,
    /// A number waiting for its code, and how the code was sent (`sms` or `call`).
    pub pending_number: Option<String>,
    pub pending_channel: Option<String>,
    pub attempts: i64,
    pub expires_at: Option<i64>,
}

macro_rules! call_me_columns {
    () => {
        "user_id, phone_number, verified_at, pending_number, pending_channel, attempts, expires_at"
    };
}

/// What came of entering a code.
#[derive(Debug, Clone)]
pub enum CodeCheck {
    Verified(CallMeNumber),
    Wrong {
        attempts_left: i64,
    },
    Expired,
    /// No verification in flight (never started, already verified, or used up).
    NothingPending,
    TooManyAttempts,
}

impl Store {
    pub async fn get_call_me_number(
        &self,
        tenant_id: &str,
        user_id: &str,
    ) -> Result<Option<CallMeNumber>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            call_me_columns!(),
            " FROM call_me_numbers WHERE tenant_id = $1 AND user_id = $2"
        ))
        .bind(tenant_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Starts (or restarts) verifying `number`; any earlier pending code stops working. The
    /// verified number, if there is one, stays until this one is confirmed.
    pub async fn start_call_me_verification(
        &self,
        tenant_id: &str,
        user_id: &str,
        number: &str,
        channel: &str,
        code_hash: &str,
        expires_at: i64,
    ) -> Result<CallMeNumber, StoreError> {
        sqlx::query_as(concat!(
            "INSERT INTO call_me_numbers (user_id, tenant_id, pending_number, pending_channel, \
             code_hash, attempts, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7) \
             ON CONFLICT (user_id) DO UPDATE SET pending_number = $3, pending_channel = $4, \
             code_hash = $5, attempts = 0, expires_at = $6, updated_at = $7 \
             WHERE call_me_numbers.tenant_id = $2 RETURNING ",
            call_me_columns!()
        ))
        .bind(user_id)
        .bind(tenant_id)
        .bind(number)
        .bind(channel)
        .bind(code_hash)
        .bind(expires_at)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Checks a code against the pending verification: each try counts, at most
    /// `max_attempts`, so a code cannot be guessed by brute force.
    pub async fn check_call_me_code(
        &self,
        tenant_id: &str,
        user_id: &str,
        code_hash: &str,
        max_attempts: i64,
    ) -> Result<CodeCheck, StoreError> {
        let counted: Option<(String, i64, i64)> = sqlx::query_as(
            "UPDATE call_me_numbers SET attempts = attempts + 1 \
             WHERE tenant_id = $1 AND user_id = $2 AND pending_number IS NOT NULL \
             AND attempts < $3 RETURNING code_hash, expires_at, attempts",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(max_attempts)
        .fetch_optional(&self.pool)
        .await?;
        let Some((stored_hash, expires_at, attempts)) = counted else {
            let pending = self
                .get_call_me_number(tenant_id, user_id)
                .await?
                .is_some_and(|n| n.pending_number.is_some());
            return Ok(if pending {
                CodeCheck::TooManyAttempts
            } else {
                CodeCheck::NothingPending
            });
        };
        let now = now_ms();
        if expires_at <= now {
            return Ok(CodeCheck::Expired);
        }
        if stored_hash != code_hash {
            return Ok(CodeCheck::Wrong {
                attempts_left: max_attempts - attempts,
            });
        }
        let verified: Option<CallMeNumber> = sqlx::query_as(concat!(
            "UPDATE call_me_numbers SET phone_number = pending_number, verified_at = $3, \
             pending_number = NULL, pending_channel = NULL, code_hash = NULL, attempts = 0, \
             expires_at = NULL, updated_at = $3 \
             WHERE tenant_id = $1 AND user_id = $2 AND code_hash = $4 RETURNING ",
            call_me_columns!()
        ))
        .bind(tenant_id)
        .bind(user_id)
        .bind(now)
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await?;
        // A concurrent restart replaced the code between the two statements.
        Ok(verified.map_or(CodeCheck::NothingPending, CodeCheck::Verified))
    }

    /// Forgets the user's number, verified or pending.
    pub async fn delete_call_me_number(
        &self,
        tenant_id: &str,
        user_id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM call_me_numbers WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
