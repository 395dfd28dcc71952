//! Tenants' HTTP tools: what the LLM is told (name, description, parameter schema) and where
//! and how a call is sent (URL, timeout, signing secret). The secret is stored encrypted with
//! the operator's [`SecretsKey`] and bound to its row; only [`Tool::secret`] reads it back.

mod lookup;
mod records;
mod row;

pub use records::{NewTool, ToolChanges};

use crate::{SecretsKey, StoreError};

/// The columns of `tools`, as [`row::ToolRow`] reads them.
macro_rules! tool_columns {
    () => {
        "id, tenant_id, name, description, parameters, url, secret_ciphertext, timeout_ms, \
         created_at, updated_at"
    };
}
pub(crate) use tool_columns;

#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    pub id: String,
    pub tenant_id: String,
    /// Unique within the tenant; the LLM calls the tool by it.
    pub name: String,
    pub description: String,
    /// The JSON Schema of the arguments.
    pub parameters: serde_json::Value,
    pub url: String,
    pub timeout_ms: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The signing secret, encrypted; see [`Tool::secret`].
    secret_ciphertext: String,
}

impl Tool {
    /// The signing secret, decrypted with `key`.
    pub fn secret(&self, key: &SecretsKey) -> Result<String, StoreError> {
        key.decrypt(
            &self.secret_ciphertext,
            &associated_data(&self.tenant_id, &self.id),
        )
    }
}

/// What a tool's secret is bound to: its tenant and its id, so a ciphertext copied into
/// another row (or tenant) does not decrypt.
fn associated_data(tenant_id: &str, tool_id: &str) -> Vec<u8> {
    format!("tools/{tenant_id}/{tool_id}").into_bytes()
}
