use switchboard_core::Scopes;
use switchboard_core::id::{IdKind, new_id};

use crate::users::fetch_user;
use crate::{Page, PageRequest, Store, StoreError, User, now_ms};

/// An API key's record. The key itself is never stored, only its hash and a display prefix.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKey {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    scopes: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl ApiKey {
    pub fn scopes(&self) -> Scopes {
        Scopes::from_stored(&self.scopes)
    }
}

#[derive(Debug, Clone)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub scopes: Scopes,
}

macro_rules! columns {
    () => {
        "id, tenant_id, user_id, name, prefix, scopes, created_at, last_used_at, revoked_at"
    };
}

/// `last_used_at` is written at most this often per key, so a busy key does not turn every
/// request into a write.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

impl Store {
    pub async fn create_api_key(
        &self,
        owner: &User,
        key: NewApiKey<'_>,
    ) -> Result<ApiKey, StoreError> {
        Ok(sqlx::query_as(concat!(
            "INSERT INTO api_keys (id, tenant_id, user_id, name, prefix, key_hash, scopes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ", columns!()
        ))
        .bind(new_id(IdKind::ApiKey))
        .bind(&owner.tenant_id)
        .bind(&owner.id)
        .bind(key.name)
        .bind(key.prefix)
        .bind(key.key_hash)
        .bind(key.scopes.to_stored())
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }

    /// The unrevoked key with this hash and the user it acts as.
    pub async fn api_key_by_hash(&self, key_hash: &str) -> Result<(ApiKey, User), StoreError> {
        let key: ApiKey = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
        ))
        .bind(key_hash)
        .fetch_one(&self.pool)
        .await?;
        let user = fetch_user(&self.pool, &key.tenant_id, &key.user_id).await?;
        Ok((key, user))
    }

    /// Records a use of the key, at most once per [`LAST_USED_RESOLUTION_MS`].
    pub async fn touch_api_key(&self, key: &ApiKey, now: i64) -> Result<(), StoreError> {
        if key
            .last_used_at
            .is_some_and(|last| now - last < LAST_USED_RESOLUTION_MS)
        {
            return Ok(());
        }
        sqlx::query("UPDATE api_keys SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(&key.tenant_id)
            .bind(&key.id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Keys of a tenant, optionally only one user's, revoked ones included.
    pub async fn list_api_keys(
        &self,
        tenant_id: &str,
        only_user: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ApiKey>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM api_keys WHERE tenant_id = $1 AND ($2 = '' OR user_id = $2) AND id > $3 \
             ORDER BY id LIMIT $4"
        ))
        .bind(tenant_id)
        .bind(only_user.unwrap_or(""))
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |k: &ApiKey| &k.id))
    }

    pub async fn get_api_key(&self, tenant_id: &str, key_id: &str) -> Result<ApiKey, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM api_keys WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant_id)
        .bind(key_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Revokes a key; revoking twice keeps the first revocation time.
    pub async fn revoke_api_key(
        &self,
        tenant_id: &str,
        key_id: &str,
    ) -> Result<ApiKey, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant_id = $1 AND id = $2 RETURNING ", columns!()
        ))
        .bind(tenant_id)
        .bind(key_id)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }
}
