//! Creating, changing, copying and deleting agents.

use switchboard_core::agent::{AgentConfig, copy_name};
use switchboard_core::id::{IdKind, new_id};

use super::row::{AgentRow, encode_json};
use super::{Agent, agent_columns, visible_to_tenant};
use crate::{Store, StoreError, now_ms};

/// A tenant's new agent. The config arrives validated.
#[derive(Debug, Clone)]
pub struct NewAgent<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub config: &'a AgentConfig,
}

/// What to change on an agent; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct AgentChanges<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub config: Option<&'a AgentConfig>,
}

impl Store {
    pub async fn create_agent(
        &self,
        tenant_id: &str,
        agent: NewAgent<'_>,
    ) -> Result<Agent, StoreError> {
        let row: AgentRow = sqlx::query_as(concat!(
            "INSERT INTO agents (id, tenant_id, name, description, config, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ",
            agent_columns!()
        ))
        .bind(new_id(IdKind::Agent))
        .bind(tenant_id)
        .bind(agent.name)
        .bind(agent.description)
        .bind(encode_json(agent.config, "agent config")?)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// One of the tenant's agents or a system persona.
    pub async fn get_agent(&self, tenant_id: &str, agent_id: &str) -> Result<Agent, StoreError> {
        let row: AgentRow = sqlx::query_as(concat!(
            "SELECT ",
            agent_columns!(),
            " FROM agents a WHERE ",
            visible_to_tenant!("a"),
            " AND a.id = $2"
        ))
        .bind(tenant_id)
        .bind(agent_id)
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// Changes one of the tenant's own agents. A system persona is [`StoreError::SystemAgent`].
    pub async fn update_agent(
        &self,
        tenant_id: &str,
        agent_id: &str,
        changes: AgentChanges<'_>,
    ) -> Result<Agent, StoreError> {
        let config = changes
            .config
            .map(|c| encode_json(c, "agent config"))
            .transpose()?;
        let row: Option<AgentRow> = sqlx::query_as(concat!(
            "UPDATE agents SET name = COALESCE($3, name), description = COALESCE($4, description), \
             config = COALESCE($5, config), updated_at = $6 WHERE tenant_id = $1 AND id = $2 RETURNING ",
            agent_columns!()
        ))
        .bind(tenant_id)
        .bind(agent_id)
        .bind(changes.name)
        .bind(changes.description)
        .bind(config)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => row.try_into(),
            None => Err(self.why_not_writable(tenant_id, agent_id).await),
        }
    }

    /// Deletes one of the tenant's own agents with its overrides, favourites and usage.
    pub async fn delete_agent(&self, tenant_id: &str, agent_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM agents WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(agent_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(self.why_not_writable(tenant_id, agent_id).await);
        }
        Ok(())
    }

    /// A new agent of the tenant with the name "<name> (copy)" and the original's description
    /// and config; the original may be the tenant's own or a system persona.
    pub async fn copy_agent(&self, tenant_id: &str, agent_id: &str) -> Result<Agent, StoreError> {
        let original = self.get_agent(tenant_id, agent_id).await?;
        self.create_agent(
            tenant_id,
            NewAgent {
                name: &copy_name(&original.name),
                description: &original.description,
                config: &original.config,
            },
        )
        .await
    }

    /// Why a write on the tenant's behalf matched no row: the agent is a system persona, or the
    /// tenant has no such agent.
    async fn why_not_writable(&self, tenant_id: &str, agent_id: &str) -> StoreError {
        match self.get_agent(tenant_id, agent_id).await {
            Ok(agent) if agent.is_system() => StoreError::SystemAgent,
            Ok(_) | Err(StoreError::NotFound) => StoreError::NotFound,
            Err(other) => other,
        }
    }
}
