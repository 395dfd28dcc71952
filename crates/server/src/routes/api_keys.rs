//! API keys: created by a user, acting as that user within the tenant, limited by scopes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_core::validation::required_text;
use switchboard_core::{Scope, Scopes};
use switchboard_store::{ApiKey, NewApiKey};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{ApiKeyView, List};
use crate::auth::token;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, PageQuery, Paging};
use crate::http::principal::{Credential, Principal};
use crate::http::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(get_key, revoke_key))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    #[schema(example = "laptop")]
    name: String,
    /// `read` allows GET requests; `write` allows everything (and implies `read`).
    #[schema(value_type = Vec<String>, example = json!(["read", "write"]))]
    scopes: Vec<Scope>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The key itself. It is shown only this once: store it now.
    key: String,
    api_key: ApiKeyView,
}

/// Creates an API key that acts as you within your tenant.
#[utoipa::path(post, path = "/v1/api-keys", tag = "api-keys", security(("bearer" = [])), request_body = CreateApiKey,
    responses((status = 201, body = CreatedApiKey), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn create_key(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateApiKey>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    let name = required_text("name", &body.name, 100)?;
    let scopes = Scopes::from_list(&body.scopes);
    if scopes.is_empty() {
        return Err(ApiError::bad_field(
            "scopes",
            "list at least one scope: read or write",
        ));
    }
    // A key cannot grant more than the key that made it.
    if let Credential::ApiKey { scopes: own, .. } = &principal.credential
        && scopes.to_list().iter().any(|s| !own.allows(*s))
    {
        return Err(ApiError::Forbidden(
            "a key cannot be given scopes the calling key lacks".into(),
        ));
    }
    let key = token::new_api_key();
    let record = NewApiKey {
        name: &name,
        prefix: token::display_prefix(&key),
        key_hash: &token::hash(&key),
        scopes,
    };
    let stored = state.store.create_api_key(&principal.user, record).await?;
    tracing::info!(api_key_id = %stored.id, "API key created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key,
            api_key: stored.into(),
        }),
    ))
}

/// API keys: all of the tenant's for admins and owners, your own for members. Never the keys.
#[utoipa::path(get, path = "/v1/api-keys", tag = "api-keys", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = List<ApiKeyView>), (status = 401, body = ErrorBody)))]
async fn list_keys(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
) -> ApiResult<Json<List<ApiKeyView>>> {
    let only_user = (!principal.role().can_manage_tenant()).then_some(principal.user.id.as_str());
    let keys = state
        .store
        .list_api_keys(principal.tenant_id(), only_user, &page)
        .await?;
    Ok(Json(List::from_page(keys, ApiKeyView::from)))
}

/// One API key.
#[utoipa::path(get, path = "/v1/api-keys/{id}", tag = "api-keys", security(("bearer" = [])),
    params(("id" = String, Path, description = "API key id")),
    responses((status = 200, body = ApiKeyView), (status = 404, body = ErrorBody)))]
async fn get_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<ApiKeyView>> {
    Ok(Json(visible_key(&state, &principal, &id).await?.into()))
}

/// Revokes an API key at once. Yours, or anyone's in the tenant for admins and owners.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api-keys", security(("bearer" = [])),
    params(("id" = String, Path, description = "API key id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_key(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let key = visible_key(&state, &principal, &id).await?;
    state
        .store
        .revoke_api_key(principal.tenant_id(), &key.id)
        .await?;
    tracing::info!(api_key_id = %key.id, "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// A key the caller may see: members see only their own; others' are simply not found.
async fn visible_key(state: &AppState, principal: &Principal, id: &str) -> ApiResult<ApiKey> {
    let key = state.store.get_api_key(principal.tenant_id(), id).await?;
    if key.user_id != principal.user.id && !principal.role().can_manage_tenant() {
        return Err(ApiError::NotFound);
    }
    Ok(key)
}
