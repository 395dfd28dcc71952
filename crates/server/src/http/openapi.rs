use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::error::ErrorBody;

/// The document's frame; paths and schemas are added from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "Give AI agents a phone line. Authenticate with `Authorization: Bearer <API key or session token>`. \
                       Errors are `{\"error\":{\"code\",\"message\",\"field\"?}}`; lists are paged with `limit` and `cursor`."
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API key (`sk_...`) or a session token from /v1/auth/login",
                    ))
                    .build(),
            ),
        );
    }
}
