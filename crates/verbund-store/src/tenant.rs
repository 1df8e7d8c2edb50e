//! The tenant-scoped handle: everything in here is bound to one authority.

use verbund_core::{AuthorityId, Password, Role, Timestamp, TokenId, UserId, Username};

use crate::audit::Change;
use crate::auth::{hash_password, new_token_secret, token_hash};
use crate::records::parse_col;
use crate::{ApiToken, AuditEntry, Authority, Backend, Context, Page, Store, StoreError, User};

/// Access to one authority's data. Obtained from [`Store::tenant`]; every statement binds
/// the authority id, so nothing outside the authority can be read or written through it.
#[derive(Debug, Clone, Copy)]
pub struct TenantStore<'a> {
    store: &'a Store,
    authority: &'a AuthorityId,
}

/// A user together with the roles held in the authority being looked at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    /// The account.
    pub user: User,
    /// Roles in this authority.
    pub roles: Vec<Role>,
}

/// The fields needed to create a user account in an authority.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: Username,
    /// Name shown in the UI.
    pub display_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Initial password; `None` for accounts that log in only through an identity provider.
    pub password: Option<Password>,
    /// Roles in the authority.
    pub roles: Vec<Role>,
    /// Whether the user operates the node (only the admin module sets this).
    pub is_operator: bool,
}

impl<'a> TenantStore<'a> {
    pub(crate) fn new(store: &'a Store, authority: &'a AuthorityId) -> Self {
        Self { store, authority }
    }

    pub(crate) fn store(&self) -> &'a Store {
        self.store
    }

    /// The authority this handle is scoped to.
    #[must_use]
    pub fn authority_id(&self) -> &AuthorityId {
        self.authority
    }

    /// Opens a change on this authority's data; it is audited and atomic.
    pub async fn change(&self, ctx: &Context) -> Result<Change<'a>, StoreError> {
        Change::begin(self.store, self.authority, ctx).await
    }

    /// The authority's own record.
    pub async fn authority(&self) -> Result<Authority, StoreError> {
        let sql = format!(
            "SELECT {} FROM authorities WHERE id = $1",
            Authority::COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(self.authority.as_str())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(StoreError::NotFound("authority"))?;
        Authority::from_row(&row)
    }

    /// The authority's members with their roles here, by username, keyset-paginated.
    pub async fn members(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<Member>, StoreError> {
        let sql = format!(
            "SELECT {} FROM users u WHERE u.id IN \
             (SELECT m.user_id FROM memberships m WHERE m.authority_id = $1) \
             AND u.username > $2 ORDER BY u.username LIMIT $3",
            User::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(self.authority.as_str())
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit) + 1)
            .fetch_all(self.store.pool())
            .await?;
        let users = rows
            .iter()
            .map(User::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        // All roles of the page's users in one query, over the same username range.
        let (Some(first), Some(last)) = (users.first(), users.last()) else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let role_rows = sqlx::query(
            "SELECT m.user_id, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.authority_id = $1 AND u.username >= $2 AND u.username <= $3 \
             ORDER BY m.role",
        )
        .bind(self.authority.as_str())
        .bind(first.username.as_str())
        .bind(last.username.as_str())
        .fetch_all(self.store.pool())
        .await?;
        let mut roles: std::collections::HashMap<UserId, Vec<Role>> =
            std::collections::HashMap::new();
        for row in &role_rows {
            roles
                .entry(parse_col(row, "user_id")?)
                .or_default()
                .push(parse_col(row, "role")?);
        }
        let members = users
            .into_iter()
            .map(|user| Member {
                roles: roles.remove(&user.id).unwrap_or_default(),
                user,
            })
            .collect();
        Ok(Page::from_overfetch(members, limit, |m| {
            m.user.username.to_string()
        }))
    }

    /// How many users hold a role in this authority.
    pub async fn member_count(&self) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT user_id) FROM memberships WHERE authority_id = $1",
        )
        .bind(self.authority.as_str())
        .fetch_one(self.store.pool())
        .await?;
        Ok(n)
    }

    /// One member, if the user holds a role in this authority.
    pub async fn member(&self, id: UserId) -> Result<Member, StoreError> {
        let sql = format!(
            "SELECT {} FROM users u WHERE u.id = $2 AND u.id IN \
             (SELECT m.user_id FROM memberships m WHERE m.authority_id = $1)",
            User::COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(self.authority.as_str())
            .bind(id.to_string())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        let user = User::from_row(&row)?;
        let roles = self.roles_of(user.id).await?;
        Ok(Member { user, roles })
    }

    async fn roles_of(&self, user: UserId) -> Result<Vec<Role>, StoreError> {
        let rows = sqlx::query(
            "SELECT role FROM memberships WHERE authority_id = $1 AND user_id = $2 ORDER BY role",
        )
        .bind(self.authority.as_str())
        .bind(user.to_string())
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(|r| parse_col(r, "role")).collect()
    }

    /// Creates a user whose home is this authority, with roles here.
    pub async fn user_create(&self, ctx: &Context, new: NewUser) -> Result<User, StoreError> {
        let password_hash = match &new.password {
            Some(p) => Some(hash_password(p.clone()).await?),
            None => None,
        };
        let mut change = self.change(ctx).await?;
        let user = insert_user(&mut change, &new, password_hash).await?;
        change.commit().await?;
        Ok(user)
    }

    /// Lists the authority's API tokens (metadata only), newest first.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "SELECT {} FROM api_tokens WHERE authority_id = $1 ORDER BY created_at DESC, id",
            ApiToken::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(self.authority.as_str())
            .fetch_all(self.store.pool())
            .await?;
        rows.iter().map(ApiToken::from_row).collect()
    }

    /// Creates an API token for a service account of this authority. Returns the metadata
    /// and the secret, which is shown once and stored only as a hash.
    pub async fn token_create(
        &self,
        ctx: &Context,
        name: &str,
        role: Role,
        expires_at: Option<Timestamp>,
    ) -> Result<(ApiToken, String), StoreError> {
        let secret = new_token_secret();
        let token = ApiToken {
            id: TokenId::generate(),
            authority_id: self.authority.clone(),
            role,
            name: name.to_owned(),
            created_at: self.store.clock().now(),
            expires_at,
            revoked_at: None,
        };
        let mut change = self.change(ctx).await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, authority_id, role, name, secret_hash, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token.id.to_string())
        .bind(self.authority.as_str())
        .bind(role.as_str())
        .bind(&token.name)
        .bind(token_hash(&secret))
        .bind(token.created_at.0)
        .bind(expires_at.map(|t| t.0))
        .execute(change.conn())
        .await?;
        change
            .record(
                "token.create",
                "api_token",
                &token.id.to_string(),
                &serde_json::json!({"name": name, "role": role.as_str()}),
            )
            .await?;
        change.commit().await?;
        Ok((token, secret))
    }

    /// Revokes one of this authority's tokens. Revoking twice is not an error.
    pub async fn token_revoke(&self, ctx: &Context, id: TokenId) -> Result<(), StoreError> {
        let mut change = self.change(ctx).await?;
        let now = change.now();
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) \
             WHERE authority_id = $2 AND id = $3",
        )
        .bind(now)
        .bind(self.authority.as_str())
        .bind(id.to_string())
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("api token"));
        }
        change
            .record(
                "token.revoke",
                "api_token",
                &id.to_string(),
                &serde_json::json!({}),
            )
            .await?;
        if self.store.backend() == Backend::Postgres {
            // Delivered to every listening process when (and only if) this commits.
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(crate::token_cache::CHANNEL)
                .execute(change.conn())
                .await?;
        }
        change.commit().await?;
        self.store.token_cache().clear();
        Ok(())
    }

    /// The audit chain, newest first, keyset-paginated by sequence number.
    pub async fn audit_entries(
        &self,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Page<AuditEntry>, StoreError> {
        let sql = format!(
            "SELECT {} FROM audit_log WHERE authority_id = $1 AND seq < $2 \
             ORDER BY seq DESC LIMIT $3",
            AuditEntry::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(self.authority.as_str())
            .bind(before_seq.unwrap_or(i64::MAX))
            .bind(i64::from(limit) + 1)
            .fetch_all(self.store.pool())
            .await?;
        let entries = rows
            .iter()
            .map(AuditEntry::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(entries, limit, |e| e.seq.to_string()))
    }

    /// The audit trail of one object in this authority, oldest first: who did what to it.
    pub async fn audit_trail(
        &self,
        object_type: &str,
        object_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!(
            "SELECT {} FROM audit_log WHERE authority_id = $1 AND object_type = $2 \
             AND object_id = $3 ORDER BY seq",
            AuditEntry::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(self.authority.as_str())
            .bind(object_type)
            .bind(object_id)
            .fetch_all(self.store.pool())
            .await?;
        rows.iter().map(AuditEntry::from_row).collect()
    }

    /// Records that a sensitive object was read.
    pub async fn record_read(
        &self,
        ctx: &Context,
        object_type: &str,
        object_id: &str,
    ) -> Result<(), StoreError> {
        self.record(ctx, "read", object_type, object_id, &serde_json::json!({}))
            .await
    }

    /// Records an event that changes nothing stored here but belongs in this authority's
    /// audit log (e.g. an e-invoice it received and routed to another authority).
    pub async fn record(
        &self,
        ctx: &Context,
        action: &str,
        object_type: &str,
        object_id: &str,
        detail: &impl serde::Serialize,
    ) -> Result<(), StoreError> {
        let mut change = self.change(ctx).await?;
        change
            .record(action, object_type, object_id, detail)
            .await?;
        change.commit().await
    }
}

/// Inserts a user with home and roles in the change's authority, and audits it.
pub(crate) async fn insert_user(
    change: &mut Change<'_>,
    new: &NewUser,
    password_hash: Option<String>,
) -> Result<User, StoreError> {
    let user = User {
        id: UserId::generate(),
        home_authority_id: change.authority().clone(),
        username: new.username.clone(),
        display_name: new.display_name.clone(),
        email: new.email.clone(),
        is_operator: new.is_operator,
        disabled: false,
        created_at: Timestamp(change.now()),
    };
    sqlx::query(
        "INSERT INTO users (id, home_authority_id, username, display_name, email, \
         password_hash, is_operator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user.id.to_string())
    .bind(user.home_authority_id.as_str())
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(&user.email)
    .bind(password_hash)
    .bind(i64::from(user.is_operator))
    .bind(user.created_at.0)
    .execute(change.conn())
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "username"))?;
    for role in &new.roles {
        sqlx::query(
            "INSERT INTO memberships (authority_id, user_id, role, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(user.home_authority_id.as_str())
        .bind(user.id.to_string())
        .bind(role.as_str())
        .bind(user.created_at.0)
        .execute(change.conn())
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "membership"))?;
    }
    let roles: Vec<&str> = new.roles.iter().map(|r| r.as_str()).collect();
    change
        .record(
            "user.create",
            "user",
            &user.id.to_string(),
            &serde_json::json!({"username": user.username.as_str(), "roles": roles,
                                "operator": user.is_operator}),
        )
        .await?;
    Ok(user)
}
