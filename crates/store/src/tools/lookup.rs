//! Reading tools: one by id, several by name (what an agent lists), a page of them.

use super::row::ToolRow;
use super::{Tool, tool_columns};
use crate::{Page, PageRequest, Store, StoreError};

impl Store {
    pub async fn get_tool(&self, tenant_id: &str, tool_id: &str) -> Result<Tool, StoreError> {
        let row: ToolRow = sqlx::query_as(concat!(
            "SELECT ",
            tool_columns!(),
            " FROM tools WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant_id)
        .bind(tool_id)
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    /// The tenant's tools with these names, in the order asked for; names the tenant has no
    /// tool by are left out, and a name asked for twice is answered once.
    pub async fn get_tools_by_names(
        &self,
        tenant_id: &str,
        names: &[String],
    ) -> Result<Vec<Tool>, StoreError> {
        let mut tools: Vec<Tool> = Vec::with_capacity(names.len());
        // An agent lists a handful of tools; one indexed lookup each keeps the SQL static.
        for name in names {
            if tools.iter().any(|tool| &tool.name == name) {
                continue;
            }
            let row: Option<ToolRow> = sqlx::query_as(concat!(
                "SELECT ",
                tool_columns!(),
                " FROM tools WHERE tenant_id = $1 AND name = $2"
            ))
            .bind(tenant_id)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                tools.push(row.try_into()?);
            }
        }
        Ok(tools)
    }

    /// The tenant's tools in id (creation) order.
    pub async fn list_tools(
        &self,
        tenant_id: &str,
        page: &PageRequest,
    ) -> Result<Page<Tool>, StoreError> {
        let rows: Vec<ToolRow> = sqlx::query_as(concat!(
            "SELECT ",
            tool_columns!(),
            " FROM tools WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(tenant_id)
        .bind(page.after_id())
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?;
        let tools = rows
            .into_iter()
            .map(Tool::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(tools, page, |t: &Tool| &t.id))
    }
}
