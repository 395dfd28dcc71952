use super::overrides::agent_and_user_of_tenant;
use crate::{Store, StoreError, now_ms};

impl Store {
    /// Marks an agent the tenant can see as one of `user_id`'s favourites; marking it twice is
    /// a no-op.
    pub async fn set_agent_favourite(
        &self,
        tenant_id: &str,
        user_id: &str,
        agent_id: &str,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(concat!(
            "INSERT INTO agent_favourites (tenant_id, user_id, agent_id, created_at) \
             SELECT $1, $2, a.id, $4",
            agent_and_user_of_tenant!(),
            " ON CONFLICT (tenant_id, user_id, agent_id) DO NOTHING"
        ))
        .bind(tenant_id)
        .bind(user_id)
        .bind(agent_id)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            // Already a favourite, or not an agent (or a user) of this tenant.
            self.get_agent(tenant_id, agent_id).await?;
            self.get_user(tenant_id, user_id).await?;
        }
        Ok(())
    }

    /// Removes an agent from `user_id`'s favourites; removing a non-favourite is a no-op.
    pub async fn clear_agent_favourite(
        &self,
        tenant_id: &str,
        user_id: &str,
        agent_id: &str,
    ) -> Result<(), StoreError> {
        self.get_agent(tenant_id, agent_id).await?;
        sqlx::query(
            "DELETE FROM agent_favourites WHERE tenant_id = $1 AND user_id = $2 AND agent_id = $3",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(agent_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
