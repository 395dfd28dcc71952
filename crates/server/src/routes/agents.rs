//! Agents (personas): the tenant's own, which members create and change, and the system
//! personas, which everyone can use and copy but nobody can change. Each user may also keep a
//! private override (prompt and/or voice) and favourites.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::ValidationError;
use switchboard_core::agent::{
    AgentConfig, AgentOverride, MAX_AGENT_DESCRIPTION_CHARS, MAX_AGENT_NAME_CHARS, VoiceChoice,
};
use switchboard_core::validation::required_text;
use switchboard_store::{AgentChanges, AgentFilter, NewAgent};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{AgentView, List};
use crate::config::providers::Role;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, PageQuery, Paging, parse_json_value};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState, merge_patch};
use crate::providers::ProviderRegistry;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_agents, create_agent))
        .routes(routes!(get_agent, update_agent, delete_agent))
        .routes(routes!(copy_agent))
        .routes(routes!(set_override, clear_override))
        .routes(routes!(set_favourite, clear_favourite))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgent {
    #[schema(example = "Front desk")]
    name: String,
    #[serde(default)]
    description: String,
    /// Only `system_prompt` is required; see docs/agents.md for every field and its default.
    #[schema(value_type = Object, example = json!({"system_prompt": "You answer the phone for Acme.", "first_message": "Acme, how can I help?"}))]
    config: AgentConfig,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgent {
    name: Option<String>,
    description: Option<String>,
    /// A JSON Merge Patch of the config: objects merge, `null` resets a field to its default.
    #[schema(value_type = Option<Object>, example = json!({"silence": {"hangup_after_secs": 30}}))]
    config: Option<Value>,
}

/// Your own prompt and/or voice for an agent; the fields you leave out stay the agent's.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetOverride {
    system_prompt: Option<String>,
    #[schema(value_type = Option<Object>, example = json!({"provider": "elevenlabs", "voice_id": "EXAVITQu4vr4xnAQHwhE"}))]
    voice: Option<VoiceChoice>,
}

/// The system personas and your tenant's agents, as you see them (your override applied).
#[utoipa::path(get, path = "/v1/agents", tag = "agents", security(("bearer" = [])), params(PageQuery, ("favourites" = Option<bool>, Query, description = "true lists only your favourites")),
    responses((status = 200, body = List<AgentView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_agents(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<List<AgentView>>> {
    let filter = AgentFilter {
        favourites_only: favourites_only(query.as_deref().unwrap_or_default())?,
    };
    let agents = state
        .store
        .list_agents(principal.tenant_id(), &principal.user.id, filter, &page)
        .await?;
    Ok(Json(List::from_page(agents, AgentView::from)))
}

/// Creates an agent for your tenant.
#[utoipa::path(post, path = "/v1/agents", tag = "agents", security(("bearer" = [])), request_body = CreateAgent,
    responses((status = 201, body = AgentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_agent(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateAgent>,
) -> ApiResult<(StatusCode, Json<AgentView>)> {
    let name = required_text("name", &body.name, MAX_AGENT_NAME_CHARS)?;
    let description = description(&body.description)?;
    body.config.validate().map_err(in_config)?;
    check_providers(&state.providers, &body.config)?;
    let new = NewAgent {
        name: &name,
        description: &description,
        config: &body.config,
    };
    let agent = state.store.create_agent(principal.tenant_id(), new).await?;
    tracing::info!(agent_id = %agent.id, "agent created");
    Ok((
        StatusCode::CREATED,
        Json(view(&state, &principal, &agent.id).await?),
    ))
}

/// One agent: yours or a system persona.
#[utoipa::path(get, path = "/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")),
    responses((status = 200, body = AgentView), (status = 404, body = ErrorBody)))]
async fn get_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<AgentView>> {
    Ok(Json(view(&state, &principal, &id).await?))
}

/// Changes one of your tenant's agents. System personas answer 403 `persona_read_only`.
#[utoipa::path(patch, path = "/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")), request_body = UpdateAgent,
    responses((status = 200, body = AgentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn update_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateAgent>,
) -> ApiResult<Json<AgentView>> {
    let current = state.store.get_agent(principal.tenant_id(), &id).await?;
    if current.is_system() {
        return Err(ApiError::PersonaReadOnly);
    }
    let name = body
        .name
        .map(|n| required_text("name", &n, MAX_AGENT_NAME_CHARS))
        .transpose()?;
    let description = body.description.as_deref().map(description).transpose()?;
    let config = match body.config {
        Some(patch) => {
            let mut merged = serde_json::to_value(&current.config).map_err(ApiError::internal)?;
            merge_patch(&mut merged, patch);
            let config: AgentConfig = parse_json_value("config", merged)?;
            config.validate().map_err(in_config)?;
            check_providers(&state.providers, &config)?;
            Some(config)
        }
        None => None,
    };
    let changes = AgentChanges {
        name: name.as_deref(),
        description: description.as_deref(),
        config: config.as_ref(),
    };
    state
        .store
        .update_agent(principal.tenant_id(), &id, changes)
        .await?;
    Ok(Json(view(&state, &principal, &id).await?))
}

/// Deletes one of your tenant's agents. System personas answer 403 `persona_read_only`.
#[utoipa::path(delete, path = "/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_agent(principal.tenant_id(), &id).await?;
    tracing::info!(agent_id = %id, "agent deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Copies a system persona or one of your agents into a new agent of your tenant, named
/// "<name> (copy)", which you can then change.
#[utoipa::path(post, path = "/v1/agents/{id}/copy", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")),
    responses((status = 201, body = AgentView), (status = 404, body = ErrorBody)))]
async fn copy_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<AgentView>)> {
    let copy = state.store.copy_agent(principal.tenant_id(), &id).await?;
    tracing::info!(agent_id = %copy.id, copied_from = %id, "agent copied");
    Ok((
        StatusCode::CREATED,
        Json(view(&state, &principal, &copy.id).await?),
    ))
}

/// Sets your own prompt and/or voice for an agent (any agent you can see, personas included).
/// Only you see it; it replaces any override you set before.
#[utoipa::path(put, path = "/v1/agents/{id}/override", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")), request_body = SetOverride,
    responses((status = 200, body = AgentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_override(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SetOverride>,
) -> ApiResult<Json<AgentView>> {
    let changes = AgentOverride {
        system_prompt: body.system_prompt,
        voice: body.voice,
    };
    changes.validate()?;
    if let Some(voice) = &changes.voice {
        provider_serves(
            &state.providers,
            "voice.provider",
            &voice.provider,
            Role::Tts,
        )?;
    }
    state
        .store
        .set_agent_override(principal.tenant_id(), &principal.user.id, &id, &changes)
        .await?;
    Ok(Json(view(&state, &principal, &id).await?))
}

/// Removes your override of an agent.
#[utoipa::path(delete, path = "/v1/agents/{id}/override", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn clear_override(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .clear_agent_override(principal.tenant_id(), &principal.user.id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks an agent as one of your favourites.
#[utoipa::path(put, path = "/v1/agents/{id}/favourite", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn set_favourite(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .set_agent_favourite(principal.tenant_id(), &principal.user.id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an agent from your favourites.
#[utoipa::path(delete, path = "/v1/agents/{id}/favourite", tag = "agents", security(("bearer" = [])),
    params(("id" = String, Path, description = "agent id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn clear_favourite(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .store
        .clear_agent_favourite(principal.tenant_id(), &principal.user.id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The agent as the caller sees it.
async fn view(state: &AppState, principal: &Principal, id: &str) -> ApiResult<AgentView> {
    Ok(state
        .store
        .get_user_agent(principal.tenant_id(), &principal.user.id, id)
        .await?
        .into())
}

/// Every provider an agent names must be configured by the operator (or be `default`) and be
/// able to fill its role, so a typo is refused now rather than when a call starts.
pub(super) fn check_providers(registry: &ProviderRegistry, config: &AgentConfig) -> ApiResult<()> {
    let voices = std::iter::once(("config.voice.provider".to_owned(), &config.voice.provider))
        .chain(
            config
                .tts_fallbacks
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("config.tts_fallbacks[{i}].provider"), &v.provider)),
        );
    for (field, name) in voices {
        provider_serves(registry, &field, name, Role::Tts)?;
    }
    for (i, choice) in config.stt.iter().enumerate() {
        let field = format!("config.stt[{i}].provider");
        provider_serves(registry, &field, &choice.provider, Role::Stt)?;
    }
    for (i, choice) in config.llm.iter().enumerate() {
        let field = format!("config.llm[{i}].provider");
        provider_serves(registry, &field, &choice.provider, Role::Llm)?;
    }
    if let Some(s2s) = &config.speech_to_speech {
        let field = "config.speech_to_speech.provider";
        provider_serves(registry, field, &s2s.provider, Role::SpeechToSpeech)?;
    }
    Ok(())
}

fn provider_serves(
    registry: &ProviderRegistry,
    field: &str,
    name: &str,
    role: Role,
) -> ApiResult<()> {
    registry
        .check(name, role)
        .map_err(|expected| ApiError::bad_field(field, format!("must be `default` or {expected}")))
}

/// A config rule names its field relative to the config; the request names it from the body.
fn in_config(err: ValidationError) -> ApiError {
    ApiError::bad_field(format!("config.{}", err.field), err.message)
}

fn description(raw: &str) -> Result<String, ValidationError> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > MAX_AGENT_DESCRIPTION_CHARS {
        return Err(ValidationError::new(
            "description",
            format!("must be at most {MAX_AGENT_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

fn favourites_only(query: &str) -> Result<bool, ApiError> {
    let mut only = false;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if key == "favourites" {
            only = match value.as_ref() {
                "true" => true,
                "false" => false,
                _ => return Err(ApiError::bad_field("favourites", "must be true or false")),
            };
        }
    }
    Ok(only)
}
