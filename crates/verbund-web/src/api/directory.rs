//! The federation's directory: governments and authorities. Readable by every
//! authenticated caller; it holds no tenant data.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use verbund_core::{AuthorityId, GOVERNMENTS, Government, GovernmentKey, GovernmentLevel};
use verbund_store::Authority;

use super::{PageDto, PageParams};
use crate::extract::{ApiCaller, ApiQuery};
use crate::{ApiError, WebState};

/// A government of the federation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GovernmentDto {
    /// Official key: `01`–`16` for the Länder, `99` for the Bund.
    #[schema(example = "14")]
    pub key: String,
    /// Official name.
    #[schema(example = "Freistaat Sachsen")]
    pub name: String,
    /// Short name.
    #[schema(example = "Sachsen")]
    pub short_name: String,
    /// ISO 3166-2 code.
    #[schema(example = "DE-SN")]
    pub iso_3166_2: String,
    /// Land or Bund.
    pub level: GovernmentLevel,
}

impl From<&Government> for GovernmentDto {
    fn from(g: &Government) -> Self {
        Self {
            key: g.key.to_string(),
            name: g.name.to_owned(),
            short_name: g.short_name.to_owned(),
            iso_3166_2: g.iso_3166_2.to_owned(),
            level: g.level,
        }
    }
}

/// An authority in the directory.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthorityDto {
    /// Id (slug).
    #[schema(example = "sn-sid")]
    pub id: String,
    /// Key of its government.
    #[schema(example = "14")]
    pub government_key: String,
    /// What kind of body it is.
    pub kind: verbund_core::AuthorityKind,
    /// Official name.
    pub name: String,
    /// Postal address.
    pub address: AddressDto,
    /// Contact e-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Leitweg-ID for e-invoices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leitweg_id: Option<String>,
    /// Amtlicher Gemeindeschlüssel (municipalities).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ags: Option<String>,
}

/// A postal address.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AddressDto {
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
}

impl From<Authority> for AuthorityDto {
    fn from(a: Authority) -> Self {
        Self {
            id: a.id.to_string(),
            government_key: a.government_key.to_string(),
            kind: a.kind,
            name: a.name,
            address: AddressDto {
                street: a.street,
                postal_code: a.postal_code,
                city: a.city,
            },
            email: a.email,
            leitweg_id: a.leitweg_id,
            ags: a.ags,
        }
    }
}

/// Lists the 16 Länder and the Bund.
#[utoipa::path(
    get, path = "/api/v1/governments", tag = "directory",
    responses(
        (status = 200, description = "All governments", body = Vec<GovernmentDto>),
        (status = 401, description = "No valid token", body = crate::problem::Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn government_list(_caller: ApiCaller) -> Json<Vec<GovernmentDto>> {
    Json(GOVERNMENTS.iter().map(GovernmentDto::from).collect())
}

/// Filter for the authority list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorityFilter {
    /// Only authorities of this government (key such as `14`).
    pub government: Option<String>,
}

/// Lists the authorities on this node, by id.
#[utoipa::path(
    get, path = "/api/v1/authorities", tag = "directory",
    params(PageParams, AuthorityFilter),
    responses(
        (status = 200, description = "A page of authorities", body = PageDto<AuthorityDto>),
        (status = 400, description = "Invalid parameter", body = crate::problem::Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = crate::problem::Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn authority_list(
    State(state): State<WebState>,
    _caller: ApiCaller,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<AuthorityFilter>,
) -> Result<Json<PageDto<AuthorityDto>>, ApiError> {
    let limit = page.limit(&state)?;
    let government = filter
        .government
        .as_deref()
        .map(str::parse::<GovernmentKey>)
        .transpose()?;
    let after = page.cursor.as_deref().map(AuthorityId::new).transpose()?;
    let page = state
        .store()
        .admin()
        .authorities(government, after.as_ref(), limit)
        .await?;
    Ok(Json(PageDto {
        items: page.items.into_iter().map(AuthorityDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One authority from the directory.
#[utoipa::path(
    get, path = "/api/v1/authorities/{id}", tag = "directory",
    params(("id" = String, Path, description = "Authority id (slug)")),
    responses(
        (status = 200, description = "The authority", body = AuthorityDto),
        (status = 400, description = "Invalid id", body = crate::problem::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such authority", body = crate::problem::Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn authority_get(
    State(state): State<WebState>,
    _caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<AuthorityDto>, ApiError> {
    let id = AuthorityId::new(&id)?;
    Ok(Json(state.store().admin().authority(&id).await?.into()))
}
