//! Credentials: password hashing (Argon2id), API tokens (random secrets stored as SHA-256),
//! web sessions, login throttling and lockout. All state lives in the database, so several
//! `verbund serve` processes see the same sessions, lockouts and rate limits.
//!
//! Login methods produce a verified [`UserId`]; sessions do not care how. An OpenID Connect
//! login (Länder identity providers, BundID) is another method that ends in
//! [`AuthStore::session_create`] after mapping the provider's subject to a user.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use verbund_core::{AuthorityId, Password, Role, Timestamp, TokenId, UserId, Username};

use crate::audit::Change;
use crate::records::{opt_ts_col, parse_col, ts_col};
use crate::{Actor, Context, Membership, Store, StoreError, User};

/// Prefix of every API token, so secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "vbt_";

/// At most this many Argon2 computations run at once (one per core): each takes 19 MiB and
/// tens of milliseconds on purpose, so a flood of logins must queue rather than exhaust
/// memory through the blocking thread pool.
async fn argon2_permit() -> tokio::sync::SemaphorePermit<'static> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let semaphore = PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores)
    });
    semaphore
        .acquire()
        .await
        .expect("the Argon2 semaphore is never closed")
}

/// Hashes a password with Argon2id (OWASP parameters: 19 MiB, 2 passes), off the async
/// threads because it takes tens of milliseconds on purpose.
pub async fn hash_password(password: Password) -> Result<String, StoreError> {
    let _permit = argon2_permit().await;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::PasswordHash(e.to_string()))
    })
    .await
    .map_err(|e| StoreError::PasswordHash(e.to_string()))?
}

async fn verify_password(password: String, hash: Option<String>) -> bool {
    // Without a stored hash, verify against a hash of a random password anyway, so that
    // unknown and known usernames take the same time.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let _permit = argon2_permit().await;
    tokio::task::spawn_blocking(move || {
        let dummy = DUMMY.get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(random_hex().as_bytes(), &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        let stored = hash.as_deref().unwrap_or(dummy);
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// A new random API token secret: the prefix and 32 random bytes in hex.
#[must_use]
pub fn new_token_secret() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex())
}

fn random_hex() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a token or session secret. Secrets are 256-bit random values, so a
/// fast hash suffices (no dictionary to guess from).
#[must_use]
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Who an API token acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPrincipal {
    /// The token.
    pub token_id: TokenId,
    /// The authority it acts for.
    pub authority_id: AuthorityId,
    /// Its role there.
    pub role: Role,
}

/// The result of a login attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Username and password match.
    Success(User),
    /// Unknown user, wrong password or disabled account (deliberately not told apart).
    Invalid,
    /// Too many failures for this username; locked until the given time.
    Locked(Timestamp),
    /// Too many failures from this client address; try again later.
    Throttled,
}

/// A live web session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The logged-in user.
    pub user: User,
    /// The authority the user is working in.
    pub authority_id: AuthorityId,
    /// Roles the user holds in that authority.
    pub roles: Vec<Role>,
    /// The per-session CSRF token for forms.
    pub csrf_token: String,
}

/// Credential resolution. Obtained from [`Store::auth`].
#[derive(Debug, Clone, Copy)]
pub struct AuthStore<'a> {
    store: &'a Store,
}

impl<'a> AuthStore<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Self { store }
    }

    /// Resolves a bearer token; `None` for unknown, revoked or expired tokens. On PostgreSQL
    /// with the token cache on ([`Store::token_cache_start`]) a verified token is answered
    /// from memory for a few seconds; revocations clear the cache in every process.
    pub async fn token_principal(
        &self,
        secret: &str,
    ) -> Result<Option<TokenPrincipal>, StoreError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
            return Ok(None);
        }
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let cache = self.store.token_cache();
        if let Some(principal) = cache.get(&digest, self.store.clock().now()) {
            return Ok(Some(principal));
        }
        let generation = cache.generation();
        let row = sqlx::query(
            "SELECT id, authority_id, role, expires_at, revoked_at FROM api_tokens \
             WHERE secret_hash = $1",
        )
        .bind(hex::encode(digest))
        .fetch_optional(self.store.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = self.store.clock().now();
        let expires_at = opt_ts_col(&row, "expires_at")?;
        if opt_ts_col(&row, "revoked_at")?.is_some() || expires_at.is_some_and(|t| t <= now) {
            return Ok(None);
        }
        let principal = TokenPrincipal {
            token_id: parse_col(&row, "id")?,
            authority_id: parse_col(&row, "authority_id")?,
            role: parse_col(&row, "role")?,
        };
        cache.insert(generation, digest, principal.clone(), expires_at, now);
        Ok(Some(principal))
    }

    /// Checks a username and password, with throttling per client address and lockout per
    /// username. Outcomes for existing accounts are audited in their home authority.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
        request_id: &verbund_core::RequestId,
    ) -> Result<LoginOutcome, StoreError> {
        let limits = self.store.limits().clone();
        let now = self.store.clock().now();
        let ip_bucket = format!("login-ip:{client}");
        if self
            .bucket_hits(&ip_bucket, limits.login_window_seconds)
            .await?
            >= i64::from(limits.login_attempts_per_ip_max)
        {
            return Ok(LoginOutcome::Throttled);
        }
        let row = match Username::new(username) {
            Ok(name) => sqlx::query(
                "SELECT id, home_authority_id, password_hash, failed_logins, locked_until, disabled \
                 FROM users WHERE username = $1",
            )
            .bind(name.as_str())
            .fetch_optional(self.store.pool())
            .await?,
            Err(_) => None,
        };
        let stored_hash: Option<String> = match &row {
            Some(r) => r.try_get("password_hash")?,
            None => None,
        };
        let password_ok = verify_password(password.to_owned(), stored_hash).await;
        let Some(row) = row else {
            self.bucket_hit(&ip_bucket, limits.login_window_seconds)
                .await?;
            return Ok(LoginOutcome::Invalid);
        };
        let user_id: UserId = parse_col(&row, "id")?;
        let home: AuthorityId = parse_col(&row, "home_authority_id")?;
        let ctx = Context {
            actor: Actor::User(user_id),
            request_id: request_id.clone(),
        };
        if let Some(until) = opt_ts_col(&row, "locked_until")?.filter(|t| *t > now) {
            self.audit_login(&home, &ctx, "login.locked", user_id)
                .await?;
            return Ok(LoginOutcome::Locked(until));
        }
        let disabled = row.try_get::<i64, _>("disabled")? != 0;
        if !password_ok || disabled {
            self.bucket_hit(&ip_bucket, limits.login_window_seconds)
                .await?;
            let failures = row.try_get::<i64, _>("failed_logins")? + 1;
            let mut change = Change::begin(self.store, &home, &ctx).await?;
            let lock = failures >= i64::from(limits.login_failures_max);
            sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
                .bind(if lock { 0 } else { failures })
                .bind(lock.then(|| now.plus_seconds(limits.login_lockout_seconds).0))
                .bind(user_id.to_string())
                .execute(change.conn())
                .await?;
            change
                .record(
                    "login.failure",
                    "user",
                    &user_id.to_string(),
                    &serde_json::json!({"locked": lock}),
                )
                .await?;
            change.commit().await?;
            return Ok(LoginOutcome::Invalid);
        }
        let mut change = Change::begin(self.store, &home, &ctx).await?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id.to_string())
            .execute(change.conn())
            .await?;
        change
            .record(
                "login.success",
                "user",
                &user_id.to_string(),
                &serde_json::json!({}),
            )
            .await?;
        change.commit().await?;
        Ok(LoginOutcome::Success(
            self.store.admin().user(user_id).await?,
        ))
    }

    async fn audit_login(
        &self,
        home: &AuthorityId,
        ctx: &Context,
        action: &str,
        user: UserId,
    ) -> Result<(), StoreError> {
        let mut change = Change::begin(self.store, home, ctx).await?;
        change
            .record(action, "user", &user.to_string(), &serde_json::json!({}))
            .await?;
        change.commit().await
    }

    /// Hits in the current window of a rate-limit bucket.
    async fn bucket_hits(&self, bucket: &str, window_seconds: i64) -> Result<i64, StoreError> {
        let since = self.store.clock().now().plus_seconds(-window_seconds).0;
        let hits: Option<i64> = sqlx::query_scalar(
            "SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start > $2",
        )
        .bind(bucket)
        .bind(since)
        .fetch_optional(self.store.pool())
        .await?;
        Ok(hits.unwrap_or(0))
    }

    /// Counts one hit in a fixed-window bucket, atomically across processes.
    async fn bucket_hit(&self, bucket: &str, window_seconds: i64) -> Result<(), StoreError> {
        let now = self.store.clock().now();
        let since = now.plus_seconds(-window_seconds).0;
        sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start > $3 THEN rate_limits.hits + 1 ELSE 1 END, \
             window_start = CASE WHEN rate_limits.window_start > $3 \
                            THEN rate_limits.window_start ELSE $2 END",
        )
        .bind(bucket)
        .bind(now.0)
        .bind(since)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// The authorities a user holds roles in, with the roles.
    pub async fn memberships(&self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.authority_id, a.name, m.role FROM memberships m \
             JOIN authorities a ON a.id = m.authority_id \
             WHERE m.user_id = $1 ORDER BY a.name, m.role",
        )
        .bind(user.to_string())
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Membership {
                    authority_id: parse_col(r, "authority_id")?,
                    authority_name: r.try_get("name")?,
                    role: parse_col(r, "role")?,
                })
            })
            .collect()
    }

    /// Starts a session in `authority`; returns the cookie secret (stored only hashed).
    pub async fn session_create(
        &self,
        user: UserId,
        authority: &AuthorityId,
    ) -> Result<String, StoreError> {
        let secret = random_hex();
        let now = self.store.clock().now();
        let absolute = self.store.limits().session_absolute_seconds;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, authority_id, csrf_token, created_at, \
             last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(token_hash(&secret))
        .bind(user.to_string())
        .bind(authority.as_str())
        .bind(random_hex())
        .bind(now.0)
        .bind(now.plus_seconds(absolute).0)
        .execute(self.store.pool())
        .await?;
        Ok(secret)
    }

    /// Resolves a session cookie; `None` when unknown, idle too long or past its lifetime.
    /// Marks the session as seen at most once a minute, to keep reads cheap.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>, StoreError> {
        if secret.len() != 64 {
            return Ok(None);
        }
        let id_hash = token_hash(secret);
        let row = sqlx::query(
            "SELECT user_id, authority_id, csrf_token, last_seen_at, expires_at FROM sessions \
             WHERE id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let now = self.store.clock().now();
        let last_seen = ts_col(&row, "last_seen_at")?;
        let idle = self.store.limits().session_idle_seconds;
        if ts_col(&row, "expires_at")? <= now || last_seen.plus_seconds(idle) <= now {
            self.session_delete(secret).await?;
            return Ok(None);
        }
        if last_seen.plus_seconds(60) <= now {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now.0)
                .bind(&id_hash)
                .execute(self.store.pool())
                .await?;
        }
        let user = self.store.admin().user(parse_col(&row, "user_id")?).await?;
        if user.disabled {
            return Ok(None);
        }
        let authority_id: AuthorityId = parse_col(&row, "authority_id")?;
        let roles = self
            .memberships(user.id)
            .await?
            .into_iter()
            .filter(|m| m.authority_id == authority_id)
            .map(|m| m.role)
            .collect();
        Ok(Some(Session {
            user,
            authority_id,
            roles,
            csrf_token: row.try_get("csrf_token")?,
        }))
    }

    /// Moves a session to another authority the user belongs to.
    pub async fn session_switch(
        &self,
        secret: &str,
        authority: &AuthorityId,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET authority_id = $1 WHERE id_hash = $2")
            .bind(authority.as_str())
            .bind(token_hash(secret))
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    /// Ends a session (logout).
    pub async fn session_delete(&self, secret: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(token_hash(secret))
            .execute(self.store.pool())
            .await?;
        Ok(())
    }
}
