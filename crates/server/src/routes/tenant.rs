//! The caller's own tenant.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use switchboard_core::Role;
use switchboard_core::validation::required_text;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::TenantView;
use crate::http::AppState;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::principal::Principal;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_tenant, update_tenant))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    name: Option<String>,
}

/// Your tenant.
#[utoipa::path(get, path = "/v1/tenant", tag = "tenant", security(("bearer" = [])),
    responses((status = 200, body = TenantView), (status = 401, body = ErrorBody)))]
async fn get_tenant(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<TenantView>> {
    Ok(Json(
        state.store.get_tenant(principal.tenant_id()).await?.into(),
    ))
}

/// Renames your tenant (admins and owners).
#[utoipa::path(patch, path = "/v1/tenant", tag = "tenant", security(("bearer" = [])), request_body = UpdateTenant,
    responses((status = 200, body = TenantView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn update_tenant(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<UpdateTenant>,
) -> ApiResult<Json<TenantView>> {
    principal.require_role(Role::Admin)?;
    let tenant = match body.name {
        Some(name) => {
            state
                .store
                .rename_tenant(principal.tenant_id(), &required_text("name", &name, 200)?)
                .await?
        }
        None => state.store.get_tenant(principal.tenant_id()).await?,
    };
    Ok(Json(tenant.into()))
}
