use switchboard_core::Role;
use switchboard_core::id::{IdKind, new_id};

use crate::tenants::{insert_tenant, lock_tenant};
use crate::{Page, PageRequest, Store, StoreError, Tenant, now_ms};

#[derive(Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub tenant_id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    role: String,
    is_operator: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl User {
    pub fn role(&self) -> Role {
        // The column has a CHECK constraint; anything else is a corrupted row, treated as the
        // least privileged role rather than a crash.
        Role::parse(&self.role).unwrap_or(Role::Member)
    }

    /// Platform administrators (operators) can see every tenant.
    pub fn is_operator(&self) -> bool {
        self.is_operator == 1
    }
}

/// Leaves the password hash out, so a user can be logged with `?user`.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("is_operator", &self.is_operator())
            .finish_non_exhaustive()
    }
}

/// A user to create. The password arrives already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub is_operator: bool,
}

impl Store {
    /// Creates a tenant and its first owner in one transaction (signup).
    pub async fn create_tenant_with_owner(
        &self,
        tenant_name: &str,
        owner: NewUser<'_>,
    ) -> Result<(Tenant, User), StoreError> {
        let mut tx = self.pool.begin().await?;
        let tenant = insert_tenant(&mut tx, tenant_name).await?;
        let user = insert_user(&mut tx, &tenant.id, &owner).await?;
        tx.commit().await?;
        Ok((tenant, user))
    }

    pub async fn create_user(
        &self,
        tenant_id: &str,
        user: NewUser<'_>,
    ) -> Result<User, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let user = insert_user(&mut tx, tenant_id, &user).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Login looks users up by email across tenants: an email is one account.
    pub async fn user_by_email(&self, email: &str) -> Result<User, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn get_user(&self, tenant_id: &str, user_id: &str) -> Result<User, StoreError> {
        fetch_user(&self.pool, tenant_id, user_id).await
    }

    pub async fn list_users(
        &self,
        tenant_id: &str,
        page: &PageRequest,
    ) -> Result<Page<User>, StoreError> {
        let rows = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(tenant_id)
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        Ok(Page::from_rows(rows, page, |u: &User| &u.id))
    }

    /// Changes a member's role on behalf of a user with role `acting`. Under the tenant's lock
    /// it re-checks that `acting` may touch both the old and the new role (so a concurrent
    /// promotion cannot be undone by someone who may no longer touch it), and refuses to demote
    /// the last owner.
    pub async fn set_user_role(
        &self,
        tenant_id: &str,
        user_id: &str,
        role: Role,
        acting: Role,
    ) -> Result<User, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let current = fetch_user(&mut *tx, tenant_id, user_id).await?;
        if !acting.can_assign(current.role()) || !acting.can_assign(role) {
            return Err(StoreError::NotPermitted);
        }
        if current.role() == Role::Owner
            && role != Role::Owner
            && owner_count(&mut tx, tenant_id).await? <= 1
        {
            return Err(StoreError::LastOwner);
        }
        let user = sqlx::query_as(concat!(
            "UPDATE users SET role = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2 RETURNING ",
            user_columns!()
        ))
        .bind(tenant_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Removes a member with their sessions and keys on behalf of a user with role `acting`,
    /// re-checking that role under the tenant's lock; the last owner cannot be removed.
    pub async fn delete_user(
        &self,
        tenant_id: &str,
        user_id: &str,
        acting: Role,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let current = fetch_user(&mut *tx, tenant_id, user_id).await?;
        if !acting.can_assign(current.role()) {
            return Err(StoreError::NotPermitted);
        }
        if current.role() == Role::Owner && owner_count(&mut tx, tenant_id).await? <= 1 {
            return Err(StoreError::LastOwner);
        }
        sqlx::query("DELETE FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One user of one tenant, through any executor (the pool or an open transaction).
pub(crate) async fn fetch_user<'e, E>(
    executor: E,
    tenant_id: &str,
    user_id: &str,
) -> Result<User, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant_id)
    .bind(user_id)
    .fetch_one(executor)
    .await?)
}

async fn insert_user(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    user: &NewUser<'_>,
) -> Result<User, StoreError> {
    let now = now_ms();
    Ok(sqlx::query_as(concat!(
        "INSERT INTO users (id, tenant_id, email, name, password_hash, role, is_operator, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ",
        user_columns!()
    ))
    .bind(new_id(IdKind::User))
    .bind(tenant_id)
    .bind(user.email)
    .bind(user.name)
    .bind(user.password_hash)
    .bind(user.role.as_str())
    .bind(i64::from(user.is_operator))
    .bind(now)
    .fetch_one(tx)
    .await?)
}

async fn owner_count(tx: &mut sqlx::AnyConnection, tenant_id: &str) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE tenant_id = $1 AND role = 'owner'")
            .bind(tenant_id)
            .fetch_one(tx)
            .await?,
    )
}
