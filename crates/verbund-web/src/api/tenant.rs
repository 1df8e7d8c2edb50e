//! The calling authority's own data: who am I, users, service tokens and the audit log.
//! Every handler goes through `store.tenant(&caller.authority)`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use verbund_core::{Password, Role, Timestamp, TokenId, UserId, Username};
use verbund_store::{ApiToken, AuditEntry, Member, NewUser};

use super::{PageDto, PageParams};
use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::{ApiError, WebState};

type Problem = crate::problem::Problem;

/// The calling token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeDto {
    /// The token's id.
    pub token_id: String,
    /// The authority it acts for.
    pub authority_id: String,
    /// Its role there.
    pub role: Role,
}

/// Who is calling.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "authority",
    responses(
        (status = 200, description = "The caller", body = MeDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me_get(caller: ApiCaller) -> Json<MeDto> {
    Json(MeDto {
        token_id: caller.token_id.to_string(),
        authority_id: caller.authority.to_string(),
        role: caller.role,
    })
}

/// A user with the roles held in the calling authority.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserDto {
    /// Id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Roles in the calling authority.
    pub roles: Vec<Role>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<Member> for UserDto {
    fn from(m: Member) -> Self {
        Self {
            id: m.user.id.to_string(),
            username: m.user.username.to_string(),
            display_name: m.user.display_name,
            email: m.user.email,
            roles: m.roles,
            disabled: m.user.disabled,
            created_at: m.user.created_at.to_rfc3339(),
        }
    }
}

/// Lists the authority's users. Personal data: the read is audited.
#[utoipa::path(
    get, path = "/api/v1/users", tag = "authority", params(PageParams),
    responses(
        (status = 200, description = "A page of users", body = PageDto<UserDto>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not list users", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn user_list(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<PageDto<UserDto>>, ApiError> {
    caller.require(&[Role::Administrator, Role::Auditor])?;
    let limit = page.limit(&state)?;
    let tenant = state.store().tenant(&caller.authority);
    let members = tenant.members(page.cursor.as_deref(), limit).await?;
    tenant.record_read(&caller.ctx(), "user_list", "*").await?;
    Ok(Json(PageDto {
        items: members.items.into_iter().map(UserDto::from).collect(),
        next_cursor: members.next_cursor,
    }))
}

/// One user of the authority. Personal data: the read is audited.
#[utoipa::path(
    get, path = "/api/v1/users/{id}", tag = "authority",
    params(("id" = String, Path, description = "User id (UUID)")),
    responses(
        (status = 200, description = "The user", body = UserDto),
        (status = 400, description = "Invalid id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in this authority", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn user_get(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<UserDto>, ApiError> {
    caller.require(&[Role::Administrator, Role::Auditor])?;
    let id: UserId = id.parse()?;
    let tenant = state.store().tenant(&caller.authority);
    let member = tenant.member(id).await?;
    tenant
        .record_read(&caller.ctx(), "user", &id.to_string())
        .await?;
    Ok(Json(member.into()))
}

/// A new user of the calling authority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreateDto {
    /// Login name: 3–64 characters of a-z, 0-9, '.', '_', '-'.
    #[schema(example = "erika.muster")]
    pub username: String,
    /// Name shown in the UI (1–200 characters).
    #[schema(example = "Erika Muster")]
    pub display_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Initial password (10–1024 characters).
    pub password: String,
    /// Roles in the authority (at least one).
    pub roles: Vec<Role>,
}

/// Checks a display name or other free text by the node's text rules
/// ([`verbund_core::text`], shared with the UI).
pub(crate) fn text_field(name: &str, value: &str, max: usize) -> Result<String, ApiError> {
    verbund_core::text::name(value, max).map_err(|problem| invalid_text(name, problem))
}

fn invalid_text(name: &str, problem: verbund_core::text::TextProblem) -> ApiError {
    ApiError::new(
        verbund_core::ErrorCode::MalformedBody,
        format!("{name} {problem}"),
    )
}

/// Creates a user in the calling authority.
#[utoipa::path(
    post, path = "/api/v1/users", tag = "authority", request_body = UserCreateDto,
    responses(
        (status = 201, description = "Created", body = UserDto),
        (status = 400, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn user_create(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<UserCreateDto>,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    caller.require(&[Role::Administrator])?;
    let new = NewUser {
        username: Username::new(&body.username)?,
        display_name: text_field("display_name", &body.display_name, 200)?,
        email: body
            .email
            .as_deref()
            .map(|e| verbund_core::text::email(e).map_err(|p| invalid_text("email", p)))
            .transpose()?,
        password: Some(Password::new(&body.password)?),
        roles: dedup_roles(body.roles)?,
        is_operator: false,
    };
    let tenant = state.store().tenant(&caller.authority);
    let user = tenant.user_create(&caller.ctx(), new).await?;
    let member = tenant.member(user.id).await?;
    Ok((StatusCode::CREATED, Json(member.into())))
}

fn dedup_roles(mut roles: Vec<Role>) -> Result<Vec<Role>, ApiError> {
    roles.sort_by_key(|r| r.as_str());
    roles.dedup();
    if roles.is_empty() {
        return Err(ApiError::new(
            verbund_core::ErrorCode::MalformedBody,
            "roles must name at least one role",
        ));
    }
    Ok(roles)
}

/// An API token's metadata.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenDto {
    /// Id.
    pub id: String,
    /// What uses it.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it expires (RFC 3339), if ever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// When it was revoked (RFC 3339), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

impl From<ApiToken> for TokenDto {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            role: t.role,
            created_at: t.created_at.to_rfc3339(),
            expires_at: t.expires_at.map(Timestamp::to_rfc3339),
            revoked_at: t.revoked_at.map(Timestamp::to_rfc3339),
        }
    }
}

/// Lists the authority's API tokens.
#[utoipa::path(
    get, path = "/api/v1/tokens", tag = "authority",
    responses(
        (status = 200, description = "All tokens", body = Vec<TokenDto>),
        (status = 403, description = "Only administrators", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn token_list(
    State(state): State<WebState>,
    caller: ApiCaller,
) -> Result<Json<Vec<TokenDto>>, ApiError> {
    caller.require(&[Role::Administrator])?;
    let tokens = state.store().tenant(&caller.authority).tokens().await?;
    Ok(Json(tokens.into_iter().map(TokenDto::from).collect()))
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenCreateDto {
    /// What will use it (1–200 characters).
    pub name: String,
    /// Its role in the authority.
    pub role: Role,
    /// Lifetime in days (1–3650); none for no expiry.
    pub expires_in_days: Option<u32>,
}

/// A created token, with its secret (shown only this once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenCreatedDto {
    /// The token's metadata.
    pub token: TokenDto,
    /// The bearer secret. Store it now: only its hash is kept.
    pub secret: String,
}

/// Creates an API token for the calling authority.
#[utoipa::path(
    post, path = "/api/v1/tokens", tag = "authority", request_body = TokenCreateDto,
    responses(
        (status = 201, description = "Created", body = TokenCreatedDto),
        (status = 400, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn token_create(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<TokenCreateDto>,
) -> Result<(StatusCode, Json<TokenCreatedDto>), ApiError> {
    caller.require(&[Role::Administrator])?;
    let name = text_field("name", &body.name, 200)?;
    let expires_at = match body.expires_in_days {
        None => None,
        Some(d @ 1..=3650) => Some(
            state
                .store()
                .clock()
                .now()
                .plus_seconds(i64::from(d) * 86_400),
        ),
        Some(_) => {
            return Err(ApiError::new(
                verbund_core::ErrorCode::MalformedBody,
                "expires_in_days must be between 1 and 3650",
            ));
        }
    };
    let (token, secret) = state
        .store()
        .tenant(&caller.authority)
        .token_create(&caller.ctx(), &name, body.role, expires_at)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreatedDto {
            token: token.into(),
            secret,
        }),
    ))
}

/// Revokes one of the authority's tokens.
#[utoipa::path(
    delete, path = "/api/v1/tokens/{id}", tag = "authority",
    params(("id" = String, Path, description = "Token id (UUID)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token in this authority", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn token_revoke(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Administrator])?;
    let id: TokenId = id.parse()?;
    state
        .store()
        .tenant(&caller.authority)
        .token_revoke(&caller.ctx(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One audit log entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryDto {
    /// Position in the authority's chain.
    pub seq: i64,
    /// When (RFC 3339).
    pub occurred_at: String,
    /// Who: `user:<id>`, `token:<id>` or `system:<what>`.
    pub actor: String,
    /// What, e.g. `user.create`.
    pub action: String,
    /// Kind of object.
    pub object_type: String,
    /// Object id.
    pub object_id: String,
    /// The server's request id.
    pub request_id: String,
    /// The request id the caller sent (`x-request-id`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// Further facts (JSON text).
    pub detail: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        Self {
            seq: e.seq,
            occurred_at: e.occurred_at.to_rfc3339(),
            actor: e.actor,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            request_id: e.request_id,
            client_request_id: e.client_request_id,
            detail: e.detail,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// Paging for the audit log: newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// How many entries (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The authority's audit log, newest first. The read itself is audited.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "authority", params(AuditParams),
    responses(
        (status = 200, description = "A page of entries", body = PageDto<AuditEntryDto>),
        (status = 403, description = "Only auditors and administrators", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn audit_list(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<PageDto<AuditEntryDto>>, ApiError> {
    caller.require(&[Role::Auditor, Role::Administrator])?;
    let limit = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit(&state)?;
    let before = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::new(
                    verbund_core::ErrorCode::InvalidParameter,
                    "cursor must be a number",
                )
            })
        })
        .transpose()?;
    let tenant = state.store().tenant(&caller.authority);
    let page = tenant.audit_entries(before, limit).await?;
    tenant.record_read(&caller.ctx(), "audit_log", "*").await?;
    Ok(Json(PageDto {
        items: page.items.into_iter().map(AuditEntryDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}
