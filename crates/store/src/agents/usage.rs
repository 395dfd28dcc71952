use super::visible_to_tenant;
use crate::{Store, StoreError, now_ms};

/// How much a tenant has used an agent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct AgentUsage {
    pub calls: i64,
    pub seconds: i64,
}

impl Store {
    /// Counts one finished call of `seconds` with an agent the tenant can see, and returns the
    /// new totals. One statement, so concurrent calls never lose an increment.
    pub async fn record_agent_usage(
        &self,
        tenant_id: &str,
        agent_id: &str,
        seconds: u32,
    ) -> Result<AgentUsage, StoreError> {
        Ok(sqlx::query_as(concat!(
            "INSERT INTO agent_usage (tenant_id, agent_id, calls, seconds, updated_at) \
             SELECT $1, a.id, 1, $3, $4 FROM agents a WHERE a.id = $2 AND ",
            visible_to_tenant!("a"),
            " ON CONFLICT (tenant_id, agent_id) DO UPDATE SET calls = agent_usage.calls + 1, \
             seconds = agent_usage.seconds + excluded.seconds, updated_at = excluded.updated_at \
             RETURNING calls, seconds"
        ))
        .bind(tenant_id)
        .bind(agent_id)
        .bind(i64::from(seconds))
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?)
    }
}
