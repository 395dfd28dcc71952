use switchboard_core::agent::AgentOverride;

use super::row::encode_json;
use crate::{Store, StoreError, now_ms};

/// The insert's source row exists only when the agent is visible to tenant `$1` and the user
/// belongs to it.
macro_rules! agent_and_user_of_tenant {
    () => {
        concat!(
            " FROM agents a WHERE a.id = $3 AND ",
            $crate::agents::visible_to_tenant!("a"),
            " AND EXISTS (SELECT 1 FROM users WHERE users.tenant_id = $1 AND users.id = $2)"
        )
    };
}
pub(super) use agent_and_user_of_tenant;

impl Store {
    /// Sets (replacing any earlier one) `user_id`'s override of an agent the tenant can see.
    pub async fn set_agent_override(
        &self,
        tenant_id: &str,
        user_id: &str,
        agent_id: &str,
        changes: &AgentOverride,
    ) -> Result<(), StoreError> {
        let voice = changes
            .voice
            .as_ref()
            .map(|v| encode_json(v, "override voice"))
            .transpose()?;
        let done = sqlx::query(concat!(
            "INSERT INTO agent_overrides (tenant_id, user_id, agent_id, system_prompt, voice, updated_at) \
             SELECT $1, $2, a.id, $4, $5, $6",
            agent_and_user_of_tenant!(),
            " ON CONFLICT (tenant_id, user_id, agent_id) DO UPDATE SET \
             system_prompt = excluded.system_prompt, voice = excluded.voice, updated_at = excluded.updated_at"
        ))
        .bind(tenant_id)
        .bind(user_id)
        .bind(agent_id)
        .bind(changes.system_prompt.as_deref())
        .bind(voice)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Removes `user_id`'s override, if any, of an agent the tenant can see.
    pub async fn clear_agent_override(
        &self,
        tenant_id: &str,
        user_id: &str,
        agent_id: &str,
    ) -> Result<(), StoreError> {
        self.get_agent(tenant_id, agent_id).await?;
        sqlx::query(
            "DELETE FROM agent_overrides WHERE tenant_id = $1 AND user_id = $2 AND agent_id = $3",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(agent_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
