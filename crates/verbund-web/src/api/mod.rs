//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document generated from the handlers.

mod directory;
mod einvoices;
mod tenant;

use std::sync::LazyLock;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler as _;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use verbund_core::ErrorCode;

use crate::{ApiError, WebState};

pub use directory::{AuthorityDto, GovernmentDto};

/// The routes of the API.
pub(crate) fn router(einvoice_bytes_max: usize) -> Router<WebState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/governments", get(directory::government_list))
        .route("/api/v1/authorities", get(directory::authority_list))
        .route("/api/v1/authorities/{id}", get(directory::authority_get))
        .route("/api/v1/me", get(tenant::me_get))
        .route(
            "/api/v1/users",
            get(tenant::user_list).post(tenant::user_create),
        )
        .route("/api/v1/users/{id}", get(tenant::user_get))
        .route(
            "/api/v1/tokens",
            get(tenant::token_list).post(tenant::token_create),
        )
        .route("/api/v1/tokens/{id}", delete(tenant::token_revoke))
        .route("/api/v1/audit", get(tenant::audit_list))
        .route(
            "/api/v1/einvoices",
            get(einvoices::einvoice_list).post(einvoices::einvoice_create.layer(
                // Invoices are larger than JSON bodies; this route has its own limit.
                DefaultBodyLimit::max(einvoice_bytes_max),
            )),
        )
        .route("/api/v1/einvoices/{id}", get(einvoices::einvoice_get))
        .route(
            "/api/v1/einvoices/{id}/original",
            get(einvoices::einvoice_original),
        )
        .route(
            "/api/v1/einvoices/{id}/actions",
            post(einvoices::einvoice_act),
        )
        .route(
            "/api/v1/einvoices/{id}/clarification",
            post(einvoices::einvoice_clarify),
        )
        .route(
            "/api/v1/einvoices/{id}/forward",
            post(einvoices::einvoice_forward),
        )
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Verbund API",
        description = "API of a Verbund node: the directory of governments and authorities, \
                       each authority's users, service tokens and audit log, and its \
                       E-Rechnung inbox. Every call \
                       needs a bearer token (`verbund admin token create`); a token acts for \
                       one authority with one role and sees only that authority's data. \
                       Errors are RFC 9457 problem+json with a stable `code`.",
        license(name = "EUPL-1.2")
    ),
    paths(
        directory::government_list,
        directory::authority_list,
        directory::authority_get,
        tenant::me_get,
        tenant::user_list,
        tenant::user_create,
        tenant::user_get,
        tenant::token_list,
        tenant::token_create,
        tenant::token_revoke,
        tenant::audit_list,
        einvoices::einvoice_create,
        einvoices::einvoice_list,
        einvoices::einvoice_get,
        einvoices::einvoice_original,
        einvoices::einvoice_act,
        einvoices::einvoice_clarify,
        einvoices::einvoice_forward,
    ),
    components(schemas(crate::problem::Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "directory", description = "Governments and authorities of the federation"),
        (name = "authority", description = "The calling authority's users, tokens and audit log"),
        (name = "einvoice", description = "E-Rechnung: intake with KoSIT-equivalent validation, routing by Leitweg-ID, the inbox and its workflow"),
    )
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
                    .description(Some("An API token from `verbund admin token create`"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document as JSON, built once.
pub static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
});

async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON.as_str(),
    )
}

/// Keyset pagination parameters shared by list endpoints.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub(crate) fn limit(&self, state: &WebState) -> Result<u32, ApiError> {
        let limits = state.store().limits();
        match self.limit {
            None => Ok(limits.page_size_default),
            Some(n) if (1..=limits.page_size_max).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("limit must be between 1 and {}", limits.page_size_max),
            )),
        }
    }
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDto<T: ToSchema> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
