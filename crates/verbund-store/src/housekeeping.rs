//! Periodic housekeeping of a node: expired sessions, forgotten login guards and places, and
//! the blob sweep ([`crate::sweep`]). Several `verbund serve` processes share one database, so
//! the work is taken under a lease in the database: one process at a time does it.

use serde::Serialize;

use crate::blobs::BlobStore;
use crate::{Store, StoreError};

/// A login place unused for this long is forgotten (its next login counts as from elsewhere).
const PLACE_FORGOTTEN_AFTER_SECONDS: i64 = 365 * 24 * 60 * 60;

/// What one round of housekeeping did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Housekeeping {
    /// Sessions past their lifetime or idle too long.
    pub sessions_removed: u64,
    /// Login guards without an attempt for the whole window and no delay pending.
    pub login_guards_removed: u64,
    /// Login places unused for a year.
    pub login_places_removed: u64,
    /// The blob sweep.
    pub sweep: crate::sweep::SweepReport,
}

/// Takes the lease `name` for `holder` until `ttl_seconds` from now, unless another holder
/// has it and it has not run out. Returns whether `holder` holds it now.
pub async fn lease_take(
    store: &Store,
    name: &str,
    holder: &str,
    ttl_seconds: i64,
) -> Result<bool, StoreError> {
    let now = store.clock().now();
    let got: Option<String> = sqlx::query_scalar(
        "INSERT INTO leases (name, holder, until_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = $2, until_ms = $3 \
         WHERE leases.until_ms <= $4 OR leases.holder = $2 RETURNING holder",
    )
    .bind(name)
    .bind(holder)
    .bind(now.plus_seconds(ttl_seconds).0)
    .bind(now.0)
    .fetch_optional(store.pool())
    .await?;
    Ok(got.is_some())
}

/// Removes expired sessions and forgotten login state, then sweeps blobs with `grace_seconds`.
pub async fn run(
    store: &Store,
    blobs: &BlobStore,
    grace_seconds: i64,
) -> Result<Housekeeping, StoreError> {
    let now = store.clock().now();
    let limits = store.limits();
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now.0)
        .bind(now.plus_seconds(-limits.session_idle_seconds).0)
        .execute(store.pool())
        .await?;
    let guards = sqlx::query("DELETE FROM login_guards WHERE updated_at <= $1 AND next_at <= $2")
        .bind(now.plus_seconds(-limits.login_window_seconds).0)
        .bind(now.0)
        .execute(store.pool())
        .await?;
    let places = sqlx::query("DELETE FROM login_places WHERE last_success_at <= $1")
        .bind(now.plus_seconds(-PLACE_FORGOTTEN_AFTER_SECONDS).0)
        .execute(store.pool())
        .await?;
    Ok(Housekeeping {
        sessions_removed: sessions.rows_affected(),
        login_guards_removed: guards.rows_affected(),
        login_places_removed: places.rows_affected(),
        sweep: crate::sweep::sweep(store, blobs, grace_seconds, false).await?,
    })
}
