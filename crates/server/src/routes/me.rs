//! Who am I: the caller's user, tenant and credential.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use switchboard_core::Scope;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{TenantView, UserView};
use crate::http::AppState;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::principal::{Credential, Principal};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    user: UserView,
    tenant: TenantView,
    credential: CredentialView,
}

#[derive(Serialize, ToSchema)]
pub struct CredentialView {
    /// `session` or `api_key`.
    kind: &'static str,
    /// The API key's id, when the caller used one.
    api_key_id: Option<String>,
    #[schema(value_type = Vec<String>)]
    scopes: Vec<Scope>,
}

/// The signed-in user, their tenant, and how they authenticated.
#[utoipa::path(get, path = "/v1/me", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<MeResponse>> {
    let tenant = state.store.get_tenant(principal.tenant_id()).await?;
    let credential = match principal.credential {
        Credential::Session { .. } => CredentialView {
            kind: "session",
            api_key_id: None,
            scopes: vec![Scope::Read, Scope::Write],
        },
        Credential::ApiKey { key_id, scopes } => CredentialView {
            kind: "api_key",
            api_key_id: Some(key_id),
            scopes: scopes.to_list(),
        },
    };
    Ok(Json(MeResponse {
        user: principal.user.into(),
        tenant: tenant.into(),
        credential,
    }))
}
