//! What the API shows of stored records. Hashes and other secrets have no field here.

use serde::Serialize;
use switchboard_core::agent::{AgentConfig, AgentOverride};
use switchboard_core::{Role, Scope};
use switchboard_store::{AgentUsage, ApiKey, Page, Tenant, Tool, User, UserAgent};
use utoipa::ToSchema;

/// An instant as RFC 3339 in UTC, e.g. `2026-11-21T14:48:14.123Z`.
pub fn instant(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[derive(Serialize, ToSchema)]
pub struct TenantView {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Tenant> for TenantView {
    fn from(t: Tenant) -> Self {
        Self {
            id: t.id,
            name: t.name,
            created_at: instant(t.created_at),
            updated_at: instant(t.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub tenant_id: String,
    pub email: String,
    pub name: String,
    #[schema(value_type = String, example = "owner")]
    pub role: Role,
    pub is_operator: bool,
    pub created_at: String,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            role: u.role(),
            is_operator: u.is_operator(),
            id: u.id,
            tenant_id: u.tenant_id,
            email: u.email,
            name: u.name,
            created_at: instant(u.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    /// The user the key acts as.
    pub user_id: String,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    #[schema(value_type = Vec<String>, example = json!(["read", "write"]))]
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        Self {
            scopes: k.scopes().to_list(),
            id: k.id,
            user_id: k.user_id,
            name: k.name,
            prefix: k.prefix,
            created_at: instant(k.created_at),
            last_used_at: k.last_used_at.map(instant),
            revoked_at: k.revoked_at.map(instant),
        }
    }
}

/// An agent as the caller sees it.
#[derive(Serialize, ToSchema)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub description: String,
    /// A system persona: read-only, shared by every tenant; copy it to change it.
    pub system: bool,
    /// A system persona's stable name, such as `brad`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The config your calls run with: the agent's, with your override applied
    /// (see docs/agents.md for every field).
    #[schema(value_type = Object)]
    pub config: AgentConfig,
    /// Your own `system_prompt` and/or `voice` for this agent, or null.
    #[serde(rename = "override")]
    #[schema(value_type = Option<Object>)]
    pub user_override: Option<AgentOverride>,
    /// Whether it is one of your favourites.
    pub favourite: bool,
    /// Your tenant's use of this agent.
    pub usage: AgentUsageView,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AgentUsageView {
    pub calls: i64,
    pub seconds: i64,
}

impl From<AgentUsage> for AgentUsageView {
    fn from(u: AgentUsage) -> Self {
        Self {
            calls: u.calls,
            seconds: u.seconds,
        }
    }
}

impl From<UserAgent> for AgentView {
    fn from(seen: UserAgent) -> Self {
        let config = seen.effective_config();
        let agent = seen.agent;
        Self {
            system: agent.is_system(),
            id: agent.id,
            name: agent.name,
            description: agent.description,
            slug: agent.slug,
            config,
            user_override: seen.user_override,
            favourite: seen.favourite,
            usage: seen.usage.into(),
            created_at: instant(agent.created_at),
            updated_at: instant(agent.updated_at),
        }
    }
}

/// A tenant's HTTP tool. The signing secret is write-only: nothing of it is shown.
#[derive(Serialize, ToSchema)]
pub struct ToolView {
    pub id: String,
    pub name: String,
    pub description: String,
    #[schema(value_type = Object)]
    pub parameters: serde_json::Value,
    pub url: String,
    pub timeout_ms: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Tool> for ToolView {
    fn from(t: Tool) -> Self {
        Self {
            id: t.id,
            name: t.name,
            description: t.description,
            parameters: t.parameters,
            url: t.url,
            timeout_ms: t.timeout_ms,
            created_at: instant(t.created_at),
            updated_at: instant(t.updated_at),
        }
    }
}

/// A page of a list. Pass `next_cursor` back as `?cursor=` for the next page; it is absent on
/// the last page.
#[derive(Serialize, ToSchema)]
pub struct List<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    pub fn from_page<R>(page: Page<R>, view: impl FnMut(R) -> T) -> Self {
        let page = page.map(view);
        Self {
            data: page.items,
            next_cursor: page.next_cursor,
        }
    }
}
