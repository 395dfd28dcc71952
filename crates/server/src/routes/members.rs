//! The users of the caller's tenant and their roles.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_core::validation::required_text;
use switchboard_core::{Email, Role};
use switchboard_store::NewUser;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{List, UserView};
use crate::auth::password;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{ApiJson, PageQuery, Paging};
use crate::http::principal::Principal;
use crate::http::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, add_member))
        .routes(routes!(get_member, update_member, remove_member))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    email: String,
    name: String,
    /// Their first password; they can sign in with it straight away.
    password: String,
    #[schema(value_type = String, example = "member")]
    role: Role,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    #[schema(value_type = String, example = "admin")]
    role: Role,
}

/// The members of your tenant.
#[utoipa::path(get, path = "/v1/tenant/members", tag = "members", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = List<UserView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_members(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
) -> ApiResult<Json<List<UserView>>> {
    let users = state.store.list_users(principal.tenant_id(), &page).await?;
    Ok(Json(List::from_page(users, UserView::from)))
}

/// Adds a user to your tenant (admins add admins and members; owners add anyone).
#[utoipa::path(post, path = "/v1/tenant/members", tag = "members", security(("bearer" = [])), request_body = AddMember,
    responses((status = 201, body = UserView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<AddMember>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    require_can_assign(&principal, body.role)?;
    let email = Email::parse("email", &body.email)?;
    let name = required_text("name", &body.name, 200)?;
    password::check_policy("password", &body.password)?;
    let password_hash = password::hash(body.password).await?;
    let new = NewUser {
        email: email.as_str(),
        name: &name,
        password_hash: &password_hash,
        role: body.role,
        is_operator: false,
    };
    let user = state.store.create_user(principal.tenant_id(), new).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// One member of your tenant.
#[utoipa::path(get, path = "/v1/tenant/members/{id}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn get_member(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(
        state
            .store
            .get_user(principal.tenant_id(), &id)
            .await?
            .into(),
    ))
}

/// Changes a member's role. The last owner cannot be demoted.
#[utoipa::path(patch, path = "/v1/tenant/members/{id}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "user id")), request_body = UpdateMember,
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the tenant would have no owner")))]
async fn update_member(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateMember>,
) -> ApiResult<Json<UserView>> {
    let target = state.store.get_user(principal.tenant_id(), &id).await?;
    require_can_assign(&principal, target.role())?;
    require_can_assign(&principal, body.role)?;
    Ok(Json(
        state
            .store
            .set_user_role(principal.tenant_id(), &id, body.role, principal.role())
            .await?
            .into(),
    ))
}

/// Removes a member with their sessions and API keys. The last owner cannot be removed.
#[utoipa::path(delete, path = "/v1/tenant/members/{id}", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "user id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the tenant would have no owner")))]
async fn remove_member(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let target = state.store.get_user(principal.tenant_id(), &id).await?;
    require_can_assign(&principal, target.role())?;
    state
        .store
        .delete_user(principal.tenant_id(), &id, principal.role())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn require_can_assign(principal: &Principal, role: Role) -> Result<(), ApiError> {
    if principal.role().can_assign(role) {
        Ok(())
    } else if principal.role().can_manage_tenant() {
        Err(ApiError::Forbidden(
            "only owners can make or change owners".into(),
        ))
    } else {
        Err(ApiError::Forbidden(
            "managing members needs the admin role or above".into(),
        ))
    }
}
