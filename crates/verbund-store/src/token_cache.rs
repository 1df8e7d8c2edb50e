//! An in-process cache of verified API tokens, for PostgreSQL.
//!
//! Resolving a bearer token costs a database round trip; on PostgreSQL that round trip is the
//! largest part of an authenticated read. The cache keeps a verified token for a short time
//! ([`TTL_MS`]) and is kept honest across processes with PostgreSQL `LISTEN`/`NOTIFY`: every
//! revocation sends a notification on [`CHANNEL`] inside the revoking transaction, and every
//! process that listens clears its cache when it arrives. The rules that make this safe:
//!
//! - The cache serves nothing while its listener is not connected: a process that might miss a
//!   notification does not trust what it cached. After (re)connecting, it clears everything.
//! - A lookup that raced with a revocation never re-inserts the revoked token: every clear bumps
//!   a generation counter, and a lookup only inserts when the generation it read *before* asking
//!   the database is still current.
//! - Entries expire after [`TTL_MS`] by the store's clock, a bound on staleness even if a
//!   connection fails silently; a token's own expiry is checked on every hit.
//!
//! SQLite needs none of this (an in-process lookup is cheap, and processes sharing one SQLite
//! file have no notification channel), so the cache stays disabled there.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::postgres::PgListener;
use verbund_core::Timestamp;

use crate::auth::TokenPrincipal;

/// The notification channel for token revocations.
pub(crate) const CHANNEL: &str = "verbund_token_revoked";

/// How long a verified token is served from memory.
pub const TTL_MS: i64 = 5_000;

/// At most this many tokens are cached; a full cache is emptied (tokens are few per node).
const CAPACITY: usize = 10_000;

/// The key: the SHA-256 of the secret.
pub(crate) type SecretDigest = [u8; 32];

#[derive(Debug, Clone)]
struct Entry {
    principal: TokenPrincipal,
    token_expires_at: Option<Timestamp>,
    cached_until: Timestamp,
}

/// The cache shared by all clones of one store.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    entries: RwLock<HashMap<SecretDigest, Entry>>,
    generation: AtomicU64,
    listening: AtomicBool,
}

impl TokenCache {
    /// The generation to pass to [`TokenCache::insert`]; read it before the database lookup.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether the cache serves entries (its listener is connected).
    pub(crate) fn active(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }

    /// A cached principal for `key`, if the cache is active and the entry is fresh and its
    /// token unexpired at `now`.
    pub(crate) fn get(&self, key: &SecretDigest, now: Timestamp) -> Option<TokenPrincipal> {
        if !self.active() {
            return None;
        }
        let entries = self
            .entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = entries.get(key)?;
        let fresh = entry.cached_until > now && entry.token_expires_at.is_none_or(|t| t > now);
        fresh.then(|| entry.principal.clone())
    }

    /// Remembers a verified token unless the cache was cleared since `generation` was read.
    pub(crate) fn insert(
        &self,
        generation: u64,
        key: SecretDigest,
        principal: TokenPrincipal,
        token_expires_at: Option<Timestamp>,
        now: Timestamp,
    ) {
        if !self.active() {
            return;
        }
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Checked under the write lock: `clear` bumps the generation under the same lock.
        if self.generation() != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                principal,
                token_expires_at,
                cached_until: Timestamp(now.0.saturating_add(TTL_MS)),
            },
        );
    }

    /// Forgets every entry and makes lookups in flight unable to insert.
    pub(crate) fn clear(&self) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }

    fn set_listening(&self, listening: bool) {
        if listening {
            // Anything cached before may have been revoked while nobody listened.
            self.clear();
            self.listening.store(true, Ordering::SeqCst);
        } else {
            self.listening.store(false, Ordering::SeqCst);
            self.clear();
        }
    }
}

/// Connects the listener, activates the cache and keeps it in sync in a background task for
/// as long as the runtime lives. Returns once the first connection attempt has finished; when
/// it failed the cache stays off and the task keeps retrying.
pub(crate) async fn listen(cache: Arc<TokenCache>, database_url: String) {
    let first = subscribe(&database_url).await;
    let listener = match first {
        Ok(listener) => {
            cache.set_listening(true);
            Some(listener)
        }
        Err(e) => {
            tracing::warn!(error = %e, "token cache off: cannot listen for revocations");
            None
        }
    };
    tokio::spawn(run(cache, database_url, listener));
}

async fn subscribe(database_url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn run(cache: Arc<TokenCache>, database_url: String, mut listener: Option<PgListener>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let Some(active) = listener.as_mut() else {
            tokio::time::sleep(backoff).await;
            match subscribe(&database_url).await {
                Ok(l) => {
                    listener = Some(l);
                    cache.set_listening(true);
                    backoff = Duration::from_millis(100);
                    tracing::info!("token cache on: listening for revocations again");
                }
                Err(e) => {
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    tracing::warn!(error = %e, "token cache off: cannot listen for revocations");
                }
            }
            continue;
        };
        if let Ok(Some(_)) = active.try_recv().await {
            cache.clear();
        } else {
            // `Ok(None)` or an error: the connection was lost, notifications may be missed.
            cache.set_listening(false);
            listener = None;
            tracing::warn!("token cache off: lost the revocation listener, reconnecting");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn later(t: Timestamp, ms: i64) -> Timestamp {
        Timestamp(t.0 + ms)
    }
    use verbund_core::{AuthorityId, Role, TokenId};

    fn principal() -> TokenPrincipal {
        TokenPrincipal {
            token_id: TokenId::generate(),
            authority_id: AuthorityId::new("sn-sid").unwrap(),
            role: Role::Clerk,
        }
    }

    fn active() -> TokenCache {
        let cache = TokenCache::default();
        cache.set_listening(true);
        cache
    }

    #[test]
    fn serves_fresh_entries_only_while_listening() {
        let cache = active();
        let now = Timestamp(1_000_000);
        cache.insert(cache.generation(), [1; 32], principal(), None, now);
        assert!(cache.get(&[1; 32], now).is_some());
        assert!(cache.get(&[2; 32], now).is_none());
        assert!(cache.get(&[1; 32], later(now, TTL_MS - 1)).is_some());
        assert!(cache.get(&[1; 32], later(now, TTL_MS)).is_none());
        cache.set_listening(false);
        assert!(cache.get(&[1; 32], now).is_none());
        cache.insert(cache.generation(), [1; 32], principal(), None, now);
        cache.set_listening(true);
        assert!(
            cache.get(&[1; 32], now).is_none(),
            "nothing survives a reconnect"
        );
    }

    #[test]
    fn a_lookup_that_raced_a_revocation_is_not_cached() {
        let cache = active();
        let now = Timestamp(1_000_000);
        let before_lookup = cache.generation();
        cache.clear(); // the revocation arrives while the lookup is in flight
        cache.insert(before_lookup, [1; 32], principal(), None, now);
        assert!(cache.get(&[1; 32], now).is_none());
    }

    #[test]
    fn the_token_expiry_is_checked_on_every_hit() {
        let cache = active();
        let now = Timestamp(1_000_000);
        cache.insert(
            cache.generation(),
            [1; 32],
            principal(),
            Some(later(now, 10)),
            now,
        );
        assert!(cache.get(&[1; 32], now).is_some());
        assert!(cache.get(&[1; 32], later(now, 10)).is_none());
    }
}
