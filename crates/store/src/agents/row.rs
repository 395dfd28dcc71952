use super::Agent;
use crate::StoreError;

/// An `agents` row as stored, its config still JSON text.
#[derive(sqlx::FromRow)]
pub(super) struct AgentRow {
    id: String,
    tenant_id: Option<String>,
    slug: Option<String>,
    name: String,
    description: String,
    config: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<AgentRow> for Agent {
    type Error = StoreError;

    fn try_from(row: AgentRow) -> Result<Self, StoreError> {
        Ok(Agent {
            config: decode_json(&row.config, "agent config")?,
            id: row.id,
            tenant_id: row.tenant_id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub(super) fn encode_json(value: &impl serde::Serialize, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Encoding(format!("{what}: {e}")))
}

pub(super) fn decode_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Encoding(format!("{what}: {e}")))
}
