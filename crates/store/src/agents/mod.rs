//! Agents: the tenant's own and the system personas, with each user's overrides and
//! favourites and each tenant's usage.
//!
//! System personas (`tenant_id IS NULL`) are readable by every tenant and writable by none; a
//! query on a tenant's behalf reads `tenant_id = $1 OR tenant_id IS NULL` and writes only
//! `tenant_id = $1`. Per-user and per-tenant rows always carry the tenant.

mod favourites;
mod listing;
mod overrides;
mod records;
mod row;
mod seed;
mod usage;

pub use listing::{AgentFilter, UserAgent};
pub use records::{AgentChanges, NewAgent};
pub use usage::AgentUsage;

use switchboard_core::agent::AgentConfig;

/// The columns of `agents`, as [`row::AgentRow`] reads them.
macro_rules! agent_columns {
    () => {
        "id, tenant_id, slug, name, description, config, created_at, updated_at"
    };
}
pub(crate) use agent_columns;

/// Whether an agent row is visible to tenant `$1`: its own, or a system persona.
macro_rules! visible_to_tenant {
    ($alias:literal) => {
        concat!(
            "(",
            $alias,
            ".tenant_id = $1 OR ",
            $alias,
            ".tenant_id IS NULL)"
        )
    };
}
pub(crate) use visible_to_tenant;

#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: String,
    /// `None` for a system persona.
    pub tenant_id: Option<String>,
    /// The stable name of a system persona (`brad`); `None` for a tenant's agent.
    pub slug: Option<String>,
    pub name: String,
    pub description: String,
    pub config: AgentConfig,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Agent {
    pub fn is_system(&self) -> bool {
        self.tenant_id.is_none()
    }
}
