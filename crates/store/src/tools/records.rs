//! Creating, changing and deleting tools.

use serde_json::Value;
use switchboard_core::id::{IdKind, new_id};

use super::row::ToolRow;
use super::{Tool, associated_data, tool_columns};
use crate::{SecretsKey, Store, StoreError, now_ms};

/// A tenant's new tool. It arrives validated; `secret` is the plaintext, encrypted here.
#[derive(Debug, Clone)]
pub struct NewTool<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub parameters: &'a Value,
    pub url: &'a str,
    pub secret: &'a str,
    pub timeout_ms: i64,
}

/// What to change on a tool; `None` keeps the current value. A new `secret` is the
/// plaintext, encrypted here.
#[derive(Debug, Clone, Default)]
pub struct ToolChanges<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub parameters: Option<&'a Value>,
    pub url: Option<&'a str>,
    pub secret: Option<&'a str>,
    pub timeout_ms: Option<i64>,
}

impl Store {
    /// A duplicate name is a [`StoreError::Conflict`] that
    /// [`is_duplicate_tool_name`](StoreError::is_duplicate_tool_name).
    pub async fn create_tool(
        &self,
        tenant_id: &str,
        tool: NewTool<'_>,
        key: &SecretsKey,
    ) -> Result<Tool, StoreError> {
        let id = new_id(IdKind::Tool);
        let secret = key.encrypt(tool.secret, &associated_data(tenant_id, &id));
        let row: ToolRow = sqlx::query_as(concat!(
            "INSERT INTO tools (id, tenant_id, name, description, parameters, url, \
             secret_ciphertext, timeout_ms, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ",
            tool_columns!()
        ))
        .bind(&id)
        .bind(tenant_id)
        .bind(tool.name)
        .bind(tool.description)
        .bind(tool.parameters.to_string())
        .bind(tool.url)
        .bind(secret)
        .bind(tool.timeout_ms)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// Changes one of the tenant's tools; another tenant's is [`StoreError::NotFound`].
    pub async fn update_tool(
        &self,
        tenant_id: &str,
        tool_id: &str,
        changes: ToolChanges<'_>,
        key: &SecretsKey,
    ) -> Result<Tool, StoreError> {
        let secret = changes
            .secret
            .map(|secret| key.encrypt(secret, &associated_data(tenant_id, tool_id)));
        let row: ToolRow = sqlx::query_as(concat!(
            "UPDATE tools SET name = COALESCE($3, name), description = COALESCE($4, description), \
             parameters = COALESCE($5, parameters), url = COALESCE($6, url), \
             secret_ciphertext = COALESCE($7, secret_ciphertext), \
             timeout_ms = COALESCE($8, timeout_ms), updated_at = $9 \
             WHERE tenant_id = $1 AND id = $2 RETURNING ",
            tool_columns!()
        ))
        .bind(tenant_id)
        .bind(tool_id)
        .bind(changes.name)
        .bind(changes.description)
        .bind(changes.parameters.map(Value::to_string))
        .bind(changes.url)
        .bind(secret)
        .bind(changes.timeout_ms)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// Deletes one of the tenant's tools. Agents that list its name simply no longer have it.
    pub async fn delete_tool(&self, tenant_id: &str, tool_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM tools WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(tool_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
