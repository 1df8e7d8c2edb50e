use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use verbund_core::{
    AuthorityId, AuthorityKind, GovernmentKey, LeitwegId, Role, Timestamp, TokenId, UserId,
    Username,
};

use crate::StoreError;

/// Who acted. Stored in the audit log as `user:<id>`, `token:<id>` or `system:<what>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A person logged in to the web UI.
    User(UserId),
    /// A service account using an API token.
    Token(TokenId),
    /// The node itself (CLI, demo loader, migrations).
    System(&'static str),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(id) => write!(f, "user:{id}"),
            Actor::Token(id) => write!(f, "token:{id}"),
            Actor::System(what) => write!(f, "system:{what}"),
        }
    }
}

/// An authority (tenant) of the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authority {
    /// Slug id.
    pub id: AuthorityId,
    /// The government it belongs to.
    pub government_key: GovernmentKey,
    /// What kind of body it is.
    pub kind: AuthorityKind,
    /// Official name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// Contact e-mail address.
    pub email: Option<String>,
    /// Leitweg-ID for e-invoices addressed to it.
    pub leitweg_id: Option<String>,
    /// Amtlicher Gemeindeschlüssel, for municipalities.
    pub ags: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
}

/// The fields needed to create an authority.
#[derive(Debug, Clone)]
pub struct NewAuthority {
    /// Slug id.
    pub id: AuthorityId,
    /// The government it belongs to.
    pub government_key: GovernmentKey,
    /// What kind of body it is.
    pub kind: AuthorityKind,
    /// Official name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// Contact e-mail address.
    pub email: Option<String>,
    /// Leitweg-ID for e-invoices addressed to it.
    pub leitweg_id: Option<LeitwegId>,
    /// Amtlicher Gemeindeschlüssel, for municipalities.
    pub ags: Option<String>,
}

/// A user account. The password hash never leaves the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// The authority the account belongs to.
    pub home_authority_id: AuthorityId,
    /// Login name.
    pub username: Username,
    /// Name shown in the UI.
    pub display_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Whether the user operates the node.
    pub is_operator: bool,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A user's role in an authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The authority.
    pub authority_id: AuthorityId,
    /// The authority's name, for display.
    pub authority_name: String,
    /// The role held there.
    pub role: Role,
}

/// An API token's metadata (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Id.
    pub id: TokenId,
    /// The authority it acts for.
    pub authority_id: AuthorityId,
    /// The role it acts with.
    pub role: Role,
    /// A name saying what uses it.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// One entry of an authority's audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// The authority whose chain this is.
    pub authority_id: AuthorityId,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Who did it (see [`Actor`]).
    pub actor: String,
    /// What was done, e.g. `user.create`.
    pub action: String,
    /// The kind of object, e.g. `user`.
    pub object_type: String,
    /// The object's id.
    pub object_id: String,
    /// The request that caused it (the server's id).
    pub request_id: String,
    /// The request id the caller sent, if any (its own words, kept apart).
    pub client_request_id: Option<String>,
    /// Further facts (JSON), never secrets.
    pub detail: String,
    /// Hash of the previous entry (hex), zeros for the first.
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// One page of a keyset-paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor for the next page, if there is one.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub(crate) fn from_overfetch(
        mut items: Vec<T>,
        limit: u32,
        cursor_of: impl Fn(&T) -> String,
    ) -> Self {
        let limit = limit as usize;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(cursor_of)
        } else {
            None
        };
        Self { items, next_cursor }
    }
}

pub(crate) fn parse_col<T: FromStr>(row: &AnyRow, column: &'static str) -> Result<T, StoreError>
where
    T::Err: fmt::Display,
{
    let raw: String = row.try_get(column)?;
    raw.parse().map_err(|e: T::Err| StoreError::Corrupt {
        column,
        reason: e.to_string(),
    })
}

pub(crate) fn ts_col(row: &AnyRow, column: &'static str) -> Result<Timestamp, StoreError> {
    Ok(Timestamp(row.try_get(column)?))
}

pub(crate) fn opt_ts_col(
    row: &AnyRow,
    column: &'static str,
) -> Result<Option<Timestamp>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp))
}

pub(crate) fn flag_col(row: &AnyRow, column: &'static str) -> Result<bool, StoreError> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

impl Authority {
    pub(crate) const COLUMNS: &'static str = "id, government_key, kind, name, street, postal_code, \
         city, email, leitweg_id, ags, created_at";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_col(row, "id")?,
            government_key: parse_col(row, "government_key")?,
            kind: parse_col(row, "kind")?,
            name: row.try_get("name")?,
            street: row.try_get("street")?,
            postal_code: row.try_get("postal_code")?,
            city: row.try_get("city")?,
            email: row.try_get("email")?,
            leitweg_id: row.try_get("leitweg_id")?,
            ags: row.try_get("ags")?,
            created_at: ts_col(row, "created_at")?,
        })
    }
}

impl User {
    pub(crate) const COLUMNS: &'static str = "u.id, u.home_authority_id, u.username, \
         u.display_name, u.email, u.is_operator, u.disabled, u.created_at";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_col(row, "id")?,
            home_authority_id: parse_col(row, "home_authority_id")?,
            username: parse_col_username(row)?,
            display_name: row.try_get("display_name")?,
            email: row.try_get("email")?,
            is_operator: flag_col(row, "is_operator")?,
            disabled: flag_col(row, "disabled")?,
            created_at: ts_col(row, "created_at")?,
        })
    }
}

fn parse_col_username(row: &AnyRow) -> Result<Username, StoreError> {
    let raw: String = row.try_get("username")?;
    Username::new(&raw).map_err(|e| StoreError::Corrupt {
        column: "username",
        reason: e.to_string(),
    })
}

impl ApiToken {
    pub(crate) const COLUMNS: &'static str =
        "id, authority_id, role, name, created_at, expires_at, revoked_at";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_col(row, "id")?,
            authority_id: parse_col(row, "authority_id")?,
            role: parse_col(row, "role")?,
            name: row.try_get("name")?,
            created_at: ts_col(row, "created_at")?,
            expires_at: opt_ts_col(row, "expires_at")?,
            revoked_at: opt_ts_col(row, "revoked_at")?,
        })
    }
}

impl AuditEntry {
    pub(crate) const COLUMNS: &'static str = "authority_id, seq, occurred_at, actor, action, \
         object_type, object_id, request_id, client_request_id, detail, prev_hash, hash";

    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            authority_id: parse_col(row, "authority_id")?,
            seq: row.try_get("seq")?,
            occurred_at: ts_col(row, "occurred_at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            object_type: row.try_get("object_type")?,
            object_id: row.try_get("object_id")?,
            request_id: row.try_get("request_id")?,
            client_request_id: row.try_get("client_request_id")?,
            detail: row.try_get("detail")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        })
    }
}
