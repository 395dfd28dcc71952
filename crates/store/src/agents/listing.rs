//! Agents as one user sees them: with their override, whether they favour it, and the tenant's
//! usage of it.

use switchboard_core::agent::{AgentConfig, AgentOverride};

use super::row::{AgentRow, decode_json};
use super::usage::AgentUsage;
use super::{Agent, visible_to_tenant};
use crate::{Page, PageRequest, Store, StoreError};

/// An agent as one user of one tenant sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserAgent {
    pub agent: Agent,
    /// The user's own changes, if they made any.
    pub user_override: Option<AgentOverride>,
    pub favourite: bool,
    /// The tenant's use of this agent (all its users).
    pub usage: AgentUsage,
}

impl UserAgent {
    /// The agent's config with the user's override applied: what their calls run with.
    pub fn effective_config(&self) -> AgentConfig {
        match &self.user_override {
            Some(changes) => changes.apply(self.agent.config.clone()),
            None => self.agent.config.clone(),
        }
    }
}

/// Which agents a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct AgentFilter {
    /// Only the user's favourites.
    pub favourites_only: bool,
}

/// Agents visible to tenant `$1` with user `$2`'s favourite flag and override, and the tenant's
/// usage.
macro_rules! user_agent_select {
    () => {
        concat!(
            "SELECT a.id, a.tenant_id, a.slug, a.name, a.description, a.config, a.created_at, a.updated_at, \
             CAST(CASE WHEN f.agent_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS favourite, \
             COALESCE(u.calls, 0) AS calls, COALESCE(u.seconds, 0) AS seconds, \
             o.system_prompt AS override_prompt, o.voice AS override_voice \
             FROM agents a \
             LEFT JOIN agent_favourites f ON f.tenant_id = $1 AND f.user_id = $2 AND f.agent_id = a.id \
             LEFT JOIN agent_usage u ON u.tenant_id = $1 AND u.agent_id = a.id \
             LEFT JOIN agent_overrides o ON o.tenant_id = $1 AND o.user_id = $2 AND o.agent_id = a.id \
             WHERE ",
            visible_to_tenant!("a")
        )
    };
}

#[derive(sqlx::FromRow)]
struct UserAgentRow {
    #[sqlx(flatten)]
    agent: AgentRow,
    favourite: i64,
    calls: i64,
    seconds: i64,
    override_prompt: Option<String>,
    override_voice: Option<String>,
}

impl TryFrom<UserAgentRow> for UserAgent {
    type Error = StoreError;

    fn try_from(row: UserAgentRow) -> Result<Self, StoreError> {
        let voice = row
            .override_voice
            .as_deref()
            .map(|text| decode_json(text, "override voice"))
            .transpose()?;
        let changes = AgentOverride {
            system_prompt: row.override_prompt,
            voice,
        };
        Ok(UserAgent {
            agent: row.agent.try_into()?,
            user_override: (!changes.is_empty()).then_some(changes),
            favourite: row.favourite == 1,
            usage: AgentUsage {
                calls: row.calls,
                seconds: row.seconds,
            },
        })
    }
}

impl Store {
    /// The tenant's agents and the system personas, in id order (so the personas, seeded first,
    /// lead), as `user_id` sees them.
    pub async fn list_agents(
        &self,
        tenant_id: &str,
        user_id: &str,
        filter: AgentFilter,
        page: &PageRequest,
    ) -> Result<Page<UserAgent>, StoreError> {
        let rows: Vec<UserAgentRow> = sqlx::query_as(concat!(
            user_agent_select!(),
            " AND a.id > $3 AND ($4 = 0 OR f.agent_id IS NOT NULL) ORDER BY a.id LIMIT $5"
        ))
        .bind(tenant_id)
        .bind(user_id)
        .bind(page.after_id())
        .bind(i64::from(filter.favourites_only))
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        let agents = rows
            .into_iter()
            .map(UserAgent::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(agents, page, |a: &UserAgent| &a.agent.id))
    }

    /// One agent (the tenant's own or a system persona) as `user_id` sees it.
    pub async fn get_user_agent(
        &self,
        tenant_id: &str,
        user_id: &str,
        agent_id: &str,
    ) -> Result<UserAgent, StoreError> {
        let row: UserAgentRow = sqlx::query_as(concat!(user_agent_select!(), " AND a.id = $3"))
            .bind(tenant_id)
            .bind(user_id)
            .bind(agent_id)
            .fetch_one(&self.pool)
            .await?;
        row.try_into()
    }

    /// The config `user_id`'s calls with this agent run with: the agent's, with the user's
    /// override applied.
    pub async fn effective_agent_config(
        &self,
        tenant_id: &str,
        user_id: &str,
        agent_id: &str,
    ) -> Result<AgentConfig, StoreError> {
        Ok(self
            .get_user_agent(tenant_id, user_id, agent_id)
            .await?
            .effective_config())
    }
}
