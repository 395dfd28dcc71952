use switchboard_core::id::{IdKind, new_id};

use crate::{Page, PageRequest, Store, StoreError, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// What a HELP text to the tenant's numbers is answered with.
    pub sms_help_text: Option<String>,
}

macro_rules! columns {
    () => {
        "id, name, created_at, updated_at, sms_help_text"
    };
}

impl Store {
    pub async fn create_tenant(&self, name: &str) -> Result<Tenant, StoreError> {
        let mut tx = self.pool.begin().await?;
        let tenant = insert_tenant(&mut tx, name).await?;
        tx.commit().await?;
        Ok(tenant)
    }

    pub async fn get_tenant(&self, tenant_id: &str) -> Result<Tenant, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM tenants WHERE id = $1"
        ))
        .bind(tenant_id)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn rename_tenant(&self, tenant_id: &str, name: &str) -> Result<Tenant, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE tenants SET name = $2, updated_at = $3 WHERE id = $1 RETURNING ",
            columns!(),
            ""
        ))
        .bind(tenant_id)
        .bind(name)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn set_tenant_sms_help_text(
        &self,
        tenant_id: &str,
        text: Option<&str>,
    ) -> Result<Tenant, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE tenants SET sms_help_text = $2, updated_at = $3 WHERE id = $1 RETURNING ",
            columns!()
        ))
        .bind(tenant_id)
        .bind(text)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Every tenant of the deployment; for operators only.
    pub async fn list_tenants(&self, page: &PageRequest) -> Result<Page<Tenant>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM tenants WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |t: &Tenant| &t.id))
    }
}

pub(crate) async fn insert_tenant(
    tx: &mut sqlx::AnyConnection,
    name: &str,
) -> Result<Tenant, StoreError> {
    let now = now_ms();
    Ok(sqlx::query_as(concat!(
        "INSERT INTO tenants (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING ",
        columns!(),
        ""
    ))
    .bind(new_id(IdKind::Tenant))
    .bind(name)
    .bind(now)
    .fetch_one(tx)
    .await?)
}

/// Takes the tenant's row lock for the rest of the transaction, so that checks such as "is
/// this the last owner" cannot race another change to the same tenant (PostgreSQL row lock;
/// SQLite's single writer lock).
pub(crate) async fn lock_tenant(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
) -> Result<(), StoreError> {
    let updated = sqlx::query("UPDATE tenants SET updated_at = $2 WHERE id = $1")
        .bind(tenant_id)
        .bind(now_ms())
        .execute(tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
