//! Operator-only views across tenants.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{List, TenantView};
use crate::http::AppState;
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::{PageQuery, Paging};
use crate::http::principal::Principal;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_tenants))
}

/// Every tenant on this deployment (operators only).
#[utoipa::path(get, path = "/v1/admin/tenants", tag = "admin", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = List<TenantView>), (status = 403, body = ErrorBody)))]
async fn list_tenants(
    State(state): State<AppState>,
    principal: Principal,
    Paging(page): Paging,
) -> ApiResult<Json<List<TenantView>>> {
    principal.require_operator()?;
    let tenants = state.store.list_tenants(&page).await?;
    Ok(Json(List::from_page(tenants, TenantView::from)))
}
