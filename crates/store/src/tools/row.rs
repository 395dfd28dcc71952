use super::Tool;
use crate::StoreError;

/// A `tools` row as stored, its parameters still JSON text.
#[derive(sqlx::FromRow)]
pub(super) struct ToolRow {
    id: String,
    tenant_id: String,
    name: String,
    description: String,
    parameters: String,
    url: String,
    secret_ciphertext: String,
    timeout_ms: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ToolRow> for Tool {
    type Error = StoreError;

    fn try_from(row: ToolRow) -> Result<Self, StoreError> {
        Ok(Tool {
            parameters: serde_json::from_str(&row.parameters)
                .map_err(|e| StoreError::Encoding(format!("tool parameters: {e}")))?,
            id: row.id,
            tenant_id: row.tenant_id,
            name: row.name,
            description: row.description,
            url: row.url,
            timeout_ms: row.timeout_ms,
            created_at: row.created_at,
            updated_at: row.updated_at,
            secret_ciphertext: row.secret_ciphertext,
        })
    }
}
