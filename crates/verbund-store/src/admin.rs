//! Node administration across authorities: the authority directory, creating authorities,
//! and finding accounts by login name. Only node operators, the CLI and the demo loader
//! reach this module; tenant work goes through [`crate::TenantStore`].

use verbund_core::{AuthorityId, GovernmentKey, LeitwegId, Password, UserId, Username};

use crate::audit::Change;
use crate::auth::hash_password;
use crate::tenant::{NewUser, insert_user};
use crate::{Authority, Context, NewAuthority, Page, Store, StoreError, User};

/// Cross-tenant operations. Obtained from [`Store::admin`].
#[derive(Debug, Clone, Copy)]
pub struct AdminStore<'a> {
    store: &'a Store,
}

impl<'a> AdminStore<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// The directory of authorities on this node, by id, optionally of one government.
    ///
    /// The directory (names, addresses, routing ids) is public administrative information
    /// that every authenticated principal may read; tenant data is not part of it.
    pub async fn authorities(
        &self,
        government: Option<GovernmentKey>,
        after: Option<&AuthorityId>,
        limit: u32,
    ) -> Result<Page<Authority>, StoreError> {
        let sql = format!(
            "SELECT {} FROM authorities WHERE id > $1 AND ($2 = '' OR government_key = $2) \
             ORDER BY id LIMIT $3",
            Authority::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(after.map_or("", AuthorityId::as_str))
            .bind(government.map(|g| g.to_string()).unwrap_or_default())
            .bind(i64::from(limit) + 1)
            .fetch_all(self.store.pool())
            .await?;
        let items = rows
            .iter()
            .map(Authority::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(items, limit, |a| a.id.to_string()))
    }

    /// One authority from the directory.
    pub async fn authority(&self, id: &AuthorityId) -> Result<Authority, StoreError> {
        self.store.tenant(id).authority().await
    }

    /// The authority that receives e-invoices addressed to this Leitweg-ID, if any on this
    /// node (Leitweg-IDs are unique across authorities).
    pub async fn authority_by_leitweg(
        &self,
        leitweg_id: &LeitwegId,
    ) -> Result<Option<AuthorityId>, StoreError> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM authorities WHERE leitweg_id = $1")
                .bind(leitweg_id.as_str())
                .fetch_optional(self.store.pool())
                .await?;
        id.map(|id| {
            AuthorityId::new(&id).map_err(|e| StoreError::Corrupt {
                column: "id",
                reason: e.to_string(),
            })
        })
        .transpose()
    }

    /// Creates an authority and starts its audit chain with the creation.
    pub async fn authority_create(
        &self,
        ctx: &Context,
        new: &NewAuthority,
    ) -> Result<Authority, StoreError> {
        let now = self.store.clock().now();
        let mut tx = self.store.pool().begin().await?;
        sqlx::query(
            "INSERT INTO authorities (id, government_key, kind, name, street, postal_code, city, \
             email, leitweg_id, ags, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new.id.as_str())
        .bind(new.government_key.to_string())
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.street)
        .bind(&new.postal_code)
        .bind(&new.city)
        .bind(&new.email)
        .bind(new.leitweg_id.as_ref().map(LeitwegId::as_str))
        .bind(&new.ags)
        .bind(now.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "authority"))?;
        let mut change = Change::begin_chain(self.store, tx, &new.id, ctx).await?;
        change
            .record(
                "authority.create",
                "authority",
                new.id.as_str(),
                &serde_json::json!({"name": new.name, "government": new.government_key,
                                    "kind": new.kind.as_str()}),
            )
            .await?;
        change.commit().await?;
        self.authority(&new.id).await
    }

    /// Creates a user in an authority; the only way to create a node operator.
    pub async fn user_create(
        &self,
        ctx: &Context,
        authority: &AuthorityId,
        new: NewUser,
    ) -> Result<User, StoreError> {
        let password_hash = match &new.password {
            Some(p) => Some(hash_password(p.clone()).await?),
            None => None,
        };
        let mut change = Change::begin(self.store, authority, ctx).await?;
        let user = insert_user(&mut change, &new, password_hash).await?;
        change.commit().await?;
        Ok(user)
    }

    /// Finds an account by login name.
    pub async fn user_by_username(&self, username: &Username) -> Result<User, StoreError> {
        let sql = format!(
            "SELECT {} FROM users u WHERE u.username = $1",
            User::COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(username.as_str())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        User::from_row(&row)
    }

    /// Sets a new password (CLI recovery, for example after a compromise): ends every
    /// session of the user and lifts the login delays on the account, in one transaction.
    /// Returns how many sessions ended.
    pub async fn password_set(
        &self,
        ctx: &Context,
        user: UserId,
        password: Password,
    ) -> Result<u64, StoreError> {
        let hash = hash_password(password).await?;
        let account = self.user(user).await?;
        let mut change = Change::begin(self.store, &account.home_authority_id, ctx).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.to_string())
            .execute(change.conn())
            .await?;
        let ended = crate::auth::end_sessions(change.conn(), user).await?;
        crate::auth::clear_account_guards(change.conn(), &account).await?;
        change
            .record(
                "user.password_set",
                "user",
                &user.to_string(),
                &serde_json::json!({ "sessions_ended": ended }),
            )
            .await?;
        change.commit().await?;
        Ok(ended)
    }

    /// The node-wide secret `name` (32 random bytes), made on first use; every process of the
    /// node gets the same one.
    pub async fn node_secret(&self, name: &str) -> Result<[u8; 32], StoreError> {
        use rand::RngCore as _;
        let mut fresh = [0_u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        sqlx::query(
            "INSERT INTO node_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(hex::encode(fresh))
        .execute(self.store.pool())
        .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM node_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(self.store.pool())
            .await?;
        hex::decode(&value)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| StoreError::Corrupt {
                column: "node_secrets.value",
                reason: "not 32 bytes of hex".to_owned(),
            })
    }

    /// One account by id.
    pub async fn user(&self, id: UserId) -> Result<User, StoreError> {
        let sql = format!("SELECT {} FROM users u WHERE u.id = $1", User::COLUMNS);
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        User::from_row(&row)
    }

    /// Grants a user a role in an authority (possibly not the user's home). Granting a
    /// role the user already holds is not an error.
    pub async fn membership_grant(
        &self,
        ctx: &Context,
        authority: &AuthorityId,
        user: UserId,
        role: verbund_core::Role,
    ) -> Result<(), StoreError> {
        let mut change = Change::begin(self.store, authority, ctx).await?;
        let now = change.now();
        let done = sqlx::query(
            "INSERT INTO memberships (authority_id, user_id, role, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(authority.as_str())
        .bind(user.to_string())
        .bind(role.as_str())
        .bind(now)
        .execute(change.conn())
        .await?;
        if done.rows_affected() > 0 {
            change
                .record(
                    "membership.grant",
                    "user",
                    &user.to_string(),
                    &serde_json::json!({"role": role.as_str()}),
                )
                .await?;
        }
        change.commit().await
    }

    /// How many authorities the node serves.
    pub async fn authority_count(&self) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM authorities")
            .fetch_one(self.store.pool())
            .await?;
        Ok(n)
    }
}
