//! The tenant's HTTP tools, which agents list by name. The signing secret is write-only: it is
//! stored encrypted and no response carries any of it.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::Role;
use switchboard_core::agent::BUILT_IN_TOOLS;
use switchboard_core::validation::required_text;
use switchboard_store::{NewTool, StoreError, ToolChanges};
use switchboard_voice::tools::{
    DEFAULT_TOOL_TIMEOUT, HttpToolDefinition, NetworkPolicy, ToolError, ToolSecret,
};
use url::Url;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{List, ToolView};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, PageQuery, Paging};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};

const MAX_DESCRIPTION_CHARS: usize = 1000;
const MIN_SECRET_CHARS: usize = 16;
const MAX_SECRET_CHARS: usize = 512;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tools, create_tool))
        .routes(routes!(get_tool, update_tool, delete_tool))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTool {
    /// `^[a-z][a-z0-9_]{0,63}$`, unique in your tenant; not a built-in (`end_call`,
    /// `transfer_call`, `extend_call`).
    #[schema(example = "book_slot")]
    name: String,
    /// Tells the LLM what the tool does and when to call it.
    #[schema(example = "Books an appointment slot on a given day and time.")]
    description: String,
    /// A JSON Schema with `"type": "object"`: the arguments the LLM must supply.
    #[schema(value_type = Object, example = json!({"type": "object", "properties": {"day": {"type": "string"}}, "required": ["day"]}))]
    parameters: Value,
    /// Where calls are POSTed: http or https, no user name or password.
    #[schema(example = "https://hooks.example.com/switchboard/book")]
    url: String,
    /// Signs every request (`X-Switchboard-Signature`), 16 to 512 characters. Write-only.
    #[schema(example = "whsec_9f2c1e7a5b3d4c6e8a0b")]
    secret: String,
    /// The whole request, from connecting to the last byte of the answer; 1 to 30000 (default
    /// 5000).
    #[schema(example = 5000)]
    timeout_ms: Option<u64>,
}

/// Only the fields given change; the secret is replaced only when `secret` is given.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTool {
    name: Option<String>,
    description: Option<String>,
    #[schema(value_type = Option<Object>)]
    parameters: Option<Value>,
    url: Option<String>,
    secret: Option<String>,
    timeout_ms: Option<u64>,
}

/// Your tenant's HTTP tools.
#[utoipa::path(get, path = "/v1/tools", tag = "tools", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = List<ToolView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_tools(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
) -> ApiResult<Json<List<ToolView>>> {
    let tools = state.store.list_tools(principal.tenant_id(), &page).await?;
    Ok(Json(List::from_page(tools, ToolView::from)))
}

/// Defines an HTTP tool (admins and owners). Agents enable it by listing its name in `tools`.
#[utoipa::path(post, path = "/v1/tools", tag = "tools", security(("bearer" = [])), request_body = CreateTool,
    responses((status = 201, body = ToolView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "you already have a tool with this name")))]
async fn create_tool(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateTool>,
) -> ApiResult<(StatusCode, Json<ToolView>)> {
    principal.require_role(Role::Admin)?;
    let timeout_ms = body
        .timeout_ms
        .unwrap_or(DEFAULT_TOOL_TIMEOUT.as_millis() as u64);
    let checked = check_definition(
        &body.name,
        &body.description,
        &body.parameters,
        &body.url,
        timeout_ms,
        state.config.tool_network_policy(),
    )?;
    check_secret(&body.secret)?;
    let new = NewTool {
        name: &checked.name,
        description: &checked.description,
        parameters: &checked.parameters,
        url: checked.url.as_str(),
        secret: &body.secret,
        timeout_ms: stored_ms(timeout_ms),
    };
    let tool = state
        .store
        .create_tool(principal.tenant_id(), new, &state.secrets_key)
        .await
        .map_err(|err| name_conflict(err, &checked.name))?;
    tracing::info!(tool_id = %tool.id, "tool created");
    Ok((StatusCode::CREATED, Json(tool.into())))
}

/// One of your tenant's tools.
#[utoipa::path(get, path = "/v1/tools/{id}", tag = "tools", security(("bearer" = [])),
    params(("id" = String, Path, description = "tool id")),
    responses((status = 200, body = ToolView), (status = 404, body = ErrorBody)))]
async fn get_tool(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<ToolView>> {
    Ok(Json(
        state
            .store
            .get_tool(principal.tenant_id(), &id)
            .await?
            .into(),
    ))
}

/// Changes a tool (admins and owners). Calls already running keep the definition they
/// started with.
#[utoipa::path(patch, path = "/v1/tools/{id}", tag = "tools", security(("bearer" = [])),
    params(("id" = String, Path, description = "tool id")), request_body = UpdateTool,
    responses((status = 200, body = ToolView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "you already have a tool with this name")))]
async fn update_tool(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateTool>,
) -> ApiResult<Json<ToolView>> {
    principal.require_role(Role::Admin)?;
    let current = state.store.get_tool(principal.tenant_id(), &id).await?;
    // The changed tool is checked whole: a new URL against the same timeout, and so on.
    let timeout_ms = body
        .timeout_ms
        .unwrap_or(u64::try_from(current.timeout_ms).unwrap_or_default());
    let checked = check_definition(
        body.name.as_deref().unwrap_or(&current.name),
        body.description.as_deref().unwrap_or(&current.description),
        body.parameters.as_ref().unwrap_or(&current.parameters),
        body.url.as_deref().unwrap_or(&current.url),
        timeout_ms,
        state.config.tool_network_policy(),
    )?;
    if let Some(secret) = &body.secret {
        check_secret(secret)?;
    }
    let changes = ToolChanges {
        name: body.name.is_some().then_some(checked.name.as_str()),
        description: body
            .description
            .is_some()
            .then_some(checked.description.as_str()),
        parameters: body.parameters.is_some().then_some(&checked.parameters),
        url: body.url.is_some().then_some(checked.url.as_str()),
        secret: body.secret.as_deref(),
        timeout_ms: body.timeout_ms.map(stored_ms),
    };
    let tool = state
        .store
        .update_tool(principal.tenant_id(), &id, changes, &state.secrets_key)
        .await
        .map_err(|err| name_conflict(err, &checked.name))?;
    tracing::info!(tool_id = %tool.id, secret_changed = body.secret.is_some(), "tool changed");
    Ok(Json(tool.into()))
}

/// Deletes a tool (admins and owners). Agents that list its name go on without it.
#[utoipa::path(delete, path = "/v1/tools/{id}", tag = "tools", security(("bearer" = [])),
    params(("id" = String, Path, description = "tool id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_tool(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    principal.require_role(Role::Admin)?;
    state.store.delete_tool(principal.tenant_id(), &id).await?;
    tracing::info!(tool_id = %id, "tool deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// A tool's fields as they will be stored.
struct Checked {
    name: String,
    description: String,
    parameters: Value,
    url: Url,
}

/// The rules of [`HttpToolDefinition::validate`], the operator's network policy, and the
/// names the built-in tools keep.
fn check_definition(
    name: &str,
    description: &str,
    parameters: &Value,
    url: &str,
    timeout_ms: u64,
    policy: NetworkPolicy,
) -> ApiResult<Checked> {
    let description = required_text("description", description, MAX_DESCRIPTION_CHARS)?;
    let url = Url::parse(url.trim())
        .map_err(|_| ApiError::bad_field("url", "must be an absolute http or https URL"))?;
    let definition = HttpToolDefinition {
        timeout: Duration::from_millis(timeout_ms),
        // validate() does not look at the secret, which is checked on its own.
        ..HttpToolDefinition::new(
            name,
            description,
            parameters.clone(),
            url,
            ToolSecret::new(""),
        )
    };
    definition.validate().map_err(invalid_definition)?;
    if BUILT_IN_TOOLS.contains(&name) {
        return Err(ApiError::bad_field(
            "name",
            format!("{name} is a built-in tool; choose another name"),
        ));
    }
    policy
        .check_url(&definition.url)
        .map_err(|err| ApiError::bad_field("url", err.to_string()))?;
    Ok(Checked {
        name: definition.name,
        description: definition.description,
        parameters: definition.parameters,
        url: definition.url,
    })
}

/// Names the field a [`ToolError::Invalid`] is about, from the start of its reason.
fn invalid_definition(err: ToolError) -> ApiError {
    let ToolError::Invalid(reason) = err else {
        return ApiError::BadRequest {
            field: None,
            message: err.to_string(),
        };
    };
    let field = [
        ("the name", "name"),
        ("parameters", "parameters"),
        ("the URL", "url"),
        ("the timeout", "timeout_ms"),
    ]
    .into_iter()
    .find_map(|(start, field)| reason.starts_with(start).then_some(field));
    ApiError::BadRequest {
        field: field.map(str::to_owned),
        message: reason,
    }
}

fn check_secret(secret: &str) -> ApiResult<()> {
    let chars = secret.chars().count();
    if !(MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&chars) {
        return Err(ApiError::bad_field(
            "secret",
            format!("must be {MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Timeouts past `i64::MAX` ms were refused by validation already.
fn stored_ms(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

fn name_conflict(err: StoreError, name: &str) -> ApiError {
    if err.is_duplicate_tool_name() {
        return ApiError::Conflict {
            field: Some("name".into()),
            message: format!("you already have a tool named {name}"),
        };
    }
    err.into()
}
