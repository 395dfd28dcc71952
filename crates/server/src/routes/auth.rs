//! Signup, login and logout.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};
use switchboard_core::validation::required_text;
use switchboard_core::{Email, Role};
use switchboard_store::{NewUser, StoreError, User, now_ms};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{TenantView, UserView, instant};
use crate::auth::{password, token};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::ApiJson;
use crate::http::principal::{Credential, Principal};
use crate::http::{ApiError, AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(example = "ada@example.com")]
    email: String,
    /// At least 8 characters; any characters.
    password: String,
    /// Your name.
    name: String,
    /// The name of the new tenant (your business or team).
    tenant_name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
}

/// A new session. `token` works as `Authorization: Bearer <token>`; the same value is set as
/// an HttpOnly cookie for browsers.
#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    token: String,
    expires_at: String,
    user: UserView,
    tenant: TenantView,
}

/// Creates a tenant with you as its owner, and signs you in.
#[utoipa::path(post, path = "/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses(
        (status = 201, body = SessionResponse),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "signup is disabled"),
        (status = 409, body = ErrorBody, description = "the email has an account"), (status = 429, body = ErrorBody),
    ))]
async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    ApiJson(body): ApiJson<SignupRequest>,
) -> ApiResult<impl IntoResponse> {
    if !state.config.auth.allow_signup {
        return Err(ApiError::Forbidden(
            "signup is disabled on this server; ask an operator for an account".into(),
        ));
    }
    state.limiter.check_ip(ip)?;
    let email = Email::parse("email", &body.email)?;
    password::check_policy("password", &body.password)?;
    let name = required_text("name", &body.name, 200)?;
    let tenant_name = required_text("tenant_name", &body.tenant_name, 200)?;

    let password_hash = password::hash(body.password).await?;
    let owner = NewUser {
        email: email.as_str(),
        name: &name,
        password_hash: &password_hash,
        role: Role::Owner,
        is_operator: false,
    };
    let (tenant, user) = state
        .store
        .create_tenant_with_owner(&tenant_name, owner)
        .await?;
    tracing::info!(tenant_id = %tenant.id, user_id = %user.id, "tenant signed up");

    let (jar, token, expires_at) = open_session(&state, jar, &user).await?;
    let body = SessionResponse {
        token,
        expires_at,
        user: user.into(),
        tenant: tenant.into(),
    };
    Ok((StatusCode::CREATED, jar, axum::Json(body)))
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    state.limiter.check_ip(ip)?;
    let email = Email::parse("email", &body.email)?;
    state.limiter.check_account(email.as_str())?;

    let user = match state.store.user_by_email(email.as_str()).await {
        Ok(user) => Some(user),
        Err(StoreError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let matches = password::verify(body.password, stored_hash).await?;
    let Some(user) = user.filter(|_| matches) else {
        tracing::info!("login refused");
        return Err(ApiError::Unauthorized("the email or the password is wrong"));
    };
    tracing::info!(user_id = %user.id, "logged in");
    let tenant = state.store.get_tenant(&user.tenant_id).await?;
    let (jar, token, expires_at) = open_session(&state, jar, &user).await?;
    Ok((
        jar,
        axum::Json(SessionResponse {
            token,
            expires_at,
            user: user.into(),
            tenant: tenant.into(),
        }),
    ))
}

/// Ends the current session on the server; its token stops working.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 400, body = ErrorBody, description = "called with an API key"), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    principal: Principal,
    jar: CookieJar,
) -> ApiResult<impl IntoResponse> {
    let Credential::Session { session_id } = &principal.credential else {
        return Err(ApiError::BadRequest {
            field: None,
            message:
                "logout ends a session; to stop an API key, revoke it with DELETE /v1/api-keys/{id}"
                    .into(),
        });
    };
    state
        .store
        .delete_session(principal.tenant_id(), session_id)
        .await?;
    let cookie = session_cookie(&state, String::new(), 0);
    Ok((StatusCode::NO_CONTENT, jar.add(cookie)))
}

/// Opens a session for `user`: returns the jar with its cookie, the token and its expiry.
async fn open_session(
    state: &AppState,
    jar: CookieJar,
    user: &User,
) -> ApiResult<(CookieJar, String, String)> {
    let token = token::new_session_token();
    let ttl_ms = i64::from(state.config.auth.session_ttl_hours) * 3_600_000;
    let session = state
        .store
        .create_session(user, &token::hash(&token), now_ms() + ttl_ms)
        .await?;
    let cookie = session_cookie(state, token.clone(), ttl_ms);
    Ok((jar.add(cookie), token, instant(session.expires_at)))
}

/// The session cookie; a max age of 0 tells the browser to forget it.
fn session_cookie(state: &AppState, value: String, max_age_ms: i64) -> Cookie<'static> {
    Cookie::build((token::SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.cookies_secure())
        .path("/")
        .max_age(cookie::time::Duration::milliseconds(max_age_ms))
        .build()
}

/// The client's IP: the socket peer, or — when configured to trust a proxy in front — the
/// last `X-Forwarded-For` entry, the one that proxy appended (earlier entries are whatever the
/// client chose to send, so they cannot key a rate limit).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.config.http.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|v| v.trim().parse().ok())
        {
            return Ok(ClientIp(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(peer.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}
