//! The blob sweeper: removes blobs that no row references and temporary files of interrupted
//! writes, once they are older than a grace period.
//!
//! Write paths never delete a blob that a committed row might reference: intake writes the
//! original before its row commits, a forward copies it under a fresh key before the row moves,
//! and when the outcome of a commit is unknown the copy stays. What a crash or such an error
//! leaves behind (an original without a row, `#n` temporary files holding personal and bank
//! data) is found here. The grace period must be longer than any write takes between its
//! blob and its commit; a blob younger than it is never touched, so a sweep can run beside
//! live traffic and in several processes at once (deletes are idempotent).

use serde::Serialize;
use verbund_core::AuthorityId;

use crate::audit::Change;
use crate::blobs::BlobStore;
use crate::records::parse_col;
use crate::{Actor, Context, Store, StoreError};

/// The tables whose rows reference blobs: (table, key column). A module that keeps blobs adds
/// its table here, so that the sweeper never takes its originals for orphans.
const REFERENCES: &[(&str, &str)] = &[("einvoices", "blob_key")];

/// What a sweep found, and removed unless it was a dry run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SweepReport {
    /// Whether anything was removed (false for a dry run).
    pub removed: bool,
    /// How many blobs were looked at.
    pub blobs_seen: u64,
    /// Unreferenced blobs older than the grace period: (authority, key, size).
    pub orphans: Vec<Orphan>,
    /// Temporary files older than the grace period, relative to the blob root.
    pub temp_files: Vec<String>,
}

/// An unreferenced blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Orphan {
    /// Whose blob space it is in.
    pub authority_id: AuthorityId,
    /// Its key there.
    pub key: String,
    /// Its size.
    pub size_bytes: u64,
}

/// Finds (and unless `dry_run`, removes) orphan blobs and temporary files last written more
/// than `grace_seconds` ago. Each authority with removals gets one `blob.sweep` audit entry
/// listing the keys.
pub async fn sweep(
    store: &Store,
    blobs: &BlobStore,
    grace_seconds: i64,
    dry_run: bool,
) -> Result<SweepReport, StoreError> {
    let before_ms = store.clock().now().plus_seconds(-grace_seconds).0;
    let mut report = SweepReport {
        removed: !dry_run,
        ..SweepReport::default()
    };
    let ctx = Context {
        actor: Actor::System("sweeper"),
        request_id: verbund_core::RequestId::internal("sweep"),
    };
    for authority in all_authorities(store).await? {
        let mut orphans = Vec::new();
        for blob in blobs.list(&authority).await? {
            report.blobs_seen += 1;
            if blob.modified_ms >= before_ms || referenced(store, &authority, &blob.key).await? {
                continue;
            }
            orphans.push(Orphan {
                authority_id: authority.clone(),
                key: blob.key,
                size_bytes: blob.size_bytes,
            });
        }
        orphans.sort_by(|a, b| a.key.cmp(&b.key));
        if !dry_run && !orphans.is_empty() {
            // Audited first: a crash between the entry and the removals leaves blobs the next
            // sweep removes (and audits again), never a removal without an entry.
            let keys: Vec<&str> = orphans.iter().map(|o| o.key.as_str()).collect();
            let mut change = Change::begin(store, &authority, &ctx).await?;
            change
                .record(
                    "blob.sweep",
                    "blob",
                    "",
                    &serde_json::json!({ "removed": keys, "grace_seconds": grace_seconds }),
                )
                .await?;
            change.commit().await?;
            for orphan in &orphans {
                let key = crate::blobs::BlobKey::new(&orphan.key, usize::MAX)?;
                blobs.delete(&authority, &key).await?;
            }
        }
        report.orphans.extend(orphans);
    }
    report.temp_files = blobs.stale_temp_files(before_ms).await?;
    if !dry_run {
        for file in &report.temp_files {
            blobs.remove_temp_file(file).await?;
        }
        if !report.temp_files.is_empty() {
            tracing::info!(
                count = report.temp_files.len(),
                "removed stale temporary blob files"
            );
        }
    }
    Ok(report)
}

async fn all_authorities(store: &Store) -> Result<Vec<AuthorityId>, StoreError> {
    let rows = sqlx::query("SELECT id FROM authorities ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(|row| parse_col(row, "id")).collect()
}

async fn referenced(store: &Store, authority: &AuthorityId, key: &str) -> Result<bool, StoreError> {
    for (table, column) in REFERENCES {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE authority_id = $1 AND {column} = $2");
        let hits: i64 = sqlx::query_scalar(&sql)
            .bind(authority.as_str())
            .bind(key)
            .fetch_one(store.pool())
            .await?;
        if hits > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}
