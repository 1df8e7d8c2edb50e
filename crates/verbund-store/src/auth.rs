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
use verbund_core::{AuthorityId, Password, Role, TokenId, UserId, Username};

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
    /// Refused unchecked: too many attempts for this name or from this address; a later
    /// attempt gets through (the delay grows with each attempt, up to a limit).
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

    /// Checks a username and password. Every attempt is charged to guards before anything is
    /// checked, atomically in the database ([`Guard::charge`]): first to the client
    /// address (`client`, IPv6 by its /64), then to the login name, or, when the account has
    /// logged in from this address before, to the pair of account and address, so that an
    /// attacker elsewhere cannot keep the account's owner out. Beyond its free attempts a
    /// guard makes each further attempt wait a doubling delay; an attempt before it is refused
    /// without a password check. Unknown names are guarded like known ones, so the answers
    /// tell nothing about which names exist. Outcomes for existing accounts are audited in
    /// their home authority; refusals once per run of refusals.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<std::net::IpAddr>,
        request_id: &verbund_core::RequestId,
    ) -> Result<LoginOutcome, StoreError> {
        let limits = self.store.limits().clone();
        let place = client.map_or_else(|| "unknown".to_owned(), login_place);
        let address = Guard::new(format!("addr:{place}"), limits.login_address_free_attempts);
        if !address.charge(self.store).await? {
            address.refuse(self.store).await?;
            return Ok(LoginOutcome::Throttled);
        }
        let Ok(name) = Username::new(username) else {
            // No account can have this name; the same work as for a wrong password.
            verify_password(password.to_owned(), None).await;
            return Ok(LoginOutcome::Invalid);
        };
        let row = sqlx::query(
            "SELECT u.id, u.home_authority_id, u.password_hash, u.disabled, \
             (SELECT COUNT(*) FROM login_places p WHERE p.user_id = u.id AND p.place = $2) \
             AS known_place FROM users u WHERE u.username = $1",
        )
        .bind(name.as_str())
        .bind(&place)
        .fetch_optional(self.store.pool())
        .await?;
        let account = match &row {
            Some(r) => Some(LoginAccount {
                id: parse_col(r, "id")?,
                home: parse_col(r, "home_authority_id")?,
                hash: r.try_get("password_hash")?,
                disabled: r.try_get::<i64, _>("disabled")? != 0,
                known_place: r.try_get::<i64, _>("known_place")? > 0,
            }),
            None => None,
        };
        let guard = match &account {
            Some(a) if a.known_place => Guard::new(
                format!("place:{}@{place}", a.id),
                limits.login_account_free_attempts,
            ),
            _ => Guard::new(
                format!("name:{}", name.as_str()),
                limits.login_account_free_attempts,
            ),
        };
        if !guard.charge(self.store).await? {
            let refused = guard.refuse(self.store).await?;
            if let Some(a) = &account
                && refused == 1
            {
                let detail = serde_json::json!({ "place": place });
                self.audit_login(a, request_id, "login.throttled", &detail)
                    .await?;
            }
            return Ok(LoginOutcome::Throttled);
        }
        let Some(account) = account else {
            verify_password(password.to_owned(), None).await;
            return Ok(LoginOutcome::Invalid);
        };
        let password_ok = verify_password(password.to_owned(), account.hash.clone()).await;
        if !password_ok || account.disabled {
            let detail = serde_json::json!({ "place": place });
            self.audit_login(&account, request_id, "login.failure", &detail)
                .await?;
            return Ok(LoginOutcome::Invalid);
        }
        let ctx = Context {
            actor: Actor::User(account.id),
            request_id: request_id.clone(),
        };
        let mut change = Change::begin(self.store, &account.home, &ctx).await?;
        guard.clear(change.conn()).await?;
        address.refund(change.conn()).await?;
        sqlx::query(
            "INSERT INTO login_places (user_id, place, last_success_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, place) DO UPDATE SET last_success_at = $3",
        )
        .bind(account.id.to_string())
        .bind(&place)
        .bind(change.now())
        .execute(change.conn())
        .await?;
        change
            .record(
                "login.success",
                "user",
                &account.id.to_string(),
                &serde_json::json!({ "place": place }),
            )
            .await?;
        change.commit().await?;
        Ok(LoginOutcome::Success(
            self.store.admin().user(account.id).await?,
        ))
    }

    async fn audit_login(
        &self,
        account: &LoginAccount,
        request_id: &verbund_core::RequestId,
        action: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let ctx = Context {
            actor: Actor::User(account.id),
            request_id: request_id.clone(),
        };
        let mut change = Change::begin(self.store, &account.home, &ctx).await?;
        change
            .record(action, "user", &account.id.to_string(), detail)
            .await?;
        change.commit().await
    }

    /// Ends every session of `user` ("log out everywhere", for example after leaving a
    /// session open on a shared machine), audited in the user's home authority; returns how
    /// many ended.
    pub async fn sessions_end_all(&self, ctx: &Context, user: &User) -> Result<u64, StoreError> {
        let mut change = Change::begin(self.store, &user.home_authority_id, ctx).await?;
        let ended = end_sessions(change.conn(), user.id).await?;
        change
            .record(
                "session.end_all",
                "user",
                &user.id.to_string(),
                &serde_json::json!({ "sessions_ended": ended }),
            )
            .await?;
        change.commit().await?;
        Ok(ended)
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

/// The place a login comes from, as the guards count it: an IPv4 address, or the /64
/// network of an IPv6 address (one subscriber usually holds a whole /64, so counting single
/// IPv6 addresses would give an attacker a fresh guard per attempt). An IPv4-mapped IPv6
/// address counts as the IPv4 address.
#[must_use]
pub fn login_place(addr: std::net::IpAddr) -> String {
    match addr {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

/// What the login needs of an account.
struct LoginAccount {
    id: UserId,
    home: AuthorityId,
    hash: Option<String>,
    disabled: bool,
    known_place: bool,
}

/// A login guard: a row of `login_guards` that counts the attempts charged to one key.
struct Guard {
    key: String,
    free_attempts: u32,
}

impl Guard {
    fn new(key: String, free_attempts: u32) -> Self {
        Self { key, free_attempts }
    }

    /// Charges one attempt, in one statement; `false` when the guard's delay has not passed
    /// (nothing charged). The statement claims the slot:
    /// of concurrent attempts in several processes each sees the row as the one before it
    /// left it, so beyond the free attempts exactly one gets through per delay.
    async fn charge(&self, store: &Store) -> Result<bool, StoreError> {
        let limits = store.limits();
        let now = store.clock().now();
        let stale = now.plus_seconds(-limits.login_window_seconds).0;
        let charged = "CASE WHEN login_guards.updated_at <= $3 THEN 1 \
                       ELSE login_guards.charged + 1 END";
        let sql = format!(
            "INSERT INTO login_guards (key, charged, next_at, refused, updated_at) \
             VALUES ($1, 1, $2 + {first}, 0, $2) \
             ON CONFLICT (key) DO UPDATE SET charged = {charged}, \
             next_at = $2 + {delay}, refused = 0, updated_at = $2 \
             WHERE login_guards.next_at <= $2 OR login_guards.updated_at <= $3 \
             RETURNING charged",
            first = delay_ms(limits, self.free_attempts, 1),
            delay = delay_ladder(limits, self.free_attempts, charged),
        );
        let charged: Option<i64> = sqlx::query_scalar(&sql)
            .bind(&self.key)
            .bind(now.0)
            .bind(stale)
            .fetch_optional(store.pool())
            .await?;
        Ok(charged.is_some())
    }

    /// Counts a refused attempt; returns how many were refused since the last charge.
    async fn refuse(&self, store: &Store) -> Result<i64, StoreError> {
        let refused: Option<i64> = sqlx::query_scalar(
            "UPDATE login_guards SET refused = refused + 1 WHERE key = $1 RETURNING refused",
        )
        .bind(&self.key)
        .fetch_optional(store.pool())
        .await?;
        Ok(refused.unwrap_or(0))
    }

    /// Gives a successful attempt back (the address guard: a node's users behind one address
    /// log in all day without running into the delay).
    async fn refund(&self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        sqlx::query("UPDATE login_guards SET charged = charged - 1 WHERE key = $1 AND charged > 0")
            .bind(&self.key)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Forgets the attempts (the account guard, after its owner logged in).
    async fn clear(&self, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_guards WHERE key = $1")
            .bind(&self.key)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// The delay after the `n`-th charged attempt, in milliseconds: none within the free
/// attempts, then the first delay, doubling, up to the longest.
fn delay_ms(limits: &verbund_core::Limits, free_attempts: u32, n: i64) -> i64 {
    let over = n - i64::from(free_attempts);
    if over < 0 {
        return 0;
    }
    let max_ms = limits.login_delay_max_seconds.saturating_mul(1000);
    let first_ms = limits.login_delay_first_seconds.saturating_mul(1000).max(1);
    let shift = u32::try_from(over).unwrap_or(u32::MAX).min(62);
    first_ms.saturating_mul(1_i64 << shift).min(max_ms)
}

/// [`delay_ms`] as an SQL `CASE` over the expression `n`: the steps up to the longest delay.
fn delay_ladder(limits: &verbund_core::Limits, free_attempts: u32, n: &str) -> String {
    use std::fmt::Write as _;
    let mut sql = format!("CASE WHEN ({n}) < {free_attempts} THEN 0");
    let max_ms = delay_ms(limits, free_attempts, i64::MAX / 2);
    let mut k = i64::from(free_attempts);
    loop {
        let d = delay_ms(limits, free_attempts, k);
        if d >= max_ms {
            break;
        }
        let _ = write!(sql, " WHEN ({n}) = {k} THEN {d}");
        k += 1;
    }
    let _ = write!(sql, " ELSE {max_ms} END");
    sql
}

/// Deletes every session of `user`.
pub(crate) async fn end_sessions(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Lifts the login delays on `account` (password recovery).
pub(crate) async fn clear_account_guards(
    conn: &mut sqlx::AnyConnection,
    account: &User,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_guards WHERE key = $1 OR key LIKE $2")
        .bind(format!("name:{}", account.username.as_str()))
        .bind(format!("place:{}@%", account.id))
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_group_ipv6_by_64() {
        let place = |s: &str| login_place(s.parse().unwrap());
        assert_eq!(place("192.0.2.7"), "192.0.2.7");
        assert_eq!(place("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(place("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(place("2001:db8:1:2:bbbb::9"), place("2001:db8:1:2::1"));
        assert_ne!(place("2001:db8:1:3::1"), place("2001:db8:1:2::1"));
    }

    #[test]
    fn delays_double_up_to_the_longest() {
        let limits = verbund_core::Limits::default();
        let d: Vec<i64> = (1..=16).map(|n| delay_ms(&limits, 5, n)).collect();
        assert_eq!(&d[..8], &[0, 0, 0, 0, 1000, 2000, 4000, 8000]);
        assert_eq!(d[15], 900_000);
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        let ladder = delay_ladder(&limits, 5, "n");
        assert!(
            ladder.starts_with("CASE WHEN (n) < 5 THEN 0 WHEN (n) = 5 THEN 1000"),
            "{ladder}"
        );
        assert!(ladder.ends_with("ELSE 900000 END"), "{ladder}");
    }
}
