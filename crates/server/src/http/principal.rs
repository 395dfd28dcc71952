//! Who is calling: a dashboard session (cookie or Bearer) or an API key (Bearer `sk_...`).

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use switchboard_core::{Role, Scope, Scopes};
use switchboard_store::{StoreError, User, now_ms};

use crate::auth::token::{self, SESSION_COOKIE};
use crate::http::{ApiError, AppState};

/// The authenticated caller. Every tenant-scoped query takes its tenant from here.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub credential: Credential,
}

#[derive(Debug, Clone)]
pub enum Credential {
    Session { session_id: String },
    ApiKey { key_id: String, scopes: Scopes },
}

impl Principal {
    pub fn tenant_id(&self) -> &str {
        &self.user.tenant_id
    }

    pub fn role(&self) -> Role {
        self.user.role()
    }

    /// Refuses callers whose role is below `needed`.
    pub fn require_role(&self, needed: Role) -> Result<(), ApiError> {
        if self.role() >= needed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the {} role or above",
                needed.as_str()
            )))
        }
    }

    pub fn require_operator(&self) -> Result<(), ApiError> {
        if self.user.is_operator() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("this is for operators only".into()))
        }
    }
}

const MISSING: &str = "sign in, or send an API key as `Authorization: Bearer sk_...`";
const INVALID: &str = "the session or API key is not valid (expired, revoked or mistyped)";

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned());
        let presented = match bearer {
            Some(token) => token,
            None => CookieJar::from_headers(&parts.headers)
                .get(SESSION_COOKIE)
                .map(|c| c.value().to_owned())
                .ok_or(ApiError::Unauthorized(MISSING))?,
        };

        let now = now_ms();
        let not_found_is_invalid = |err: StoreError| match err {
            StoreError::NotFound => ApiError::Unauthorized(INVALID),
            other => ApiError::from(other),
        };
        if token::is_api_key(&presented) {
            let (key, user) = state
                .store
                .api_key_by_hash(&token::hash(&presented))
                .await
                .map_err(not_found_is_invalid)?;
            let needed = if is_read_only(&parts.method) {
                Scope::Read
            } else {
                Scope::Write
            };
            if !key.scopes().allows(needed) {
                return Err(ApiError::Forbidden(format!(
                    "this API key lacks the `{}` scope",
                    needed.as_str()
                )));
            }
            // Recording the use is bookkeeping: a busy database must not fail the request.
            if let Err(err) = state.store.touch_api_key(&key, now).await {
                tracing::warn!(error = %err, api_key_id = %key.id, "could not record an API key's use");
            }
            let credential = Credential::ApiKey {
                key_id: key.id.clone(),
                scopes: key.scopes(),
            };
            Ok(Principal { user, credential })
        } else if token::is_session_token(&presented) {
            let (session, user) = state
                .store
                .session_by_token_hash(&token::hash(&presented), now)
                .await
                .map_err(not_found_is_invalid)?;
            Ok(Principal {
                user,
                credential: Credential::Session {
                    session_id: session.id,
                },
            })
        } else {
            Err(ApiError::Unauthorized(INVALID))
        }
    }
}

fn is_read_only(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}
