//! The audit log: one append-only hash chain per authority.
//!
//! Each entry's hash covers the previous entry's hash and all of its own fields, and
//! `audit_heads` holds the newest sequence number and hash of each chain. A changed entry
//! breaks its own hash; a deleted or reordered entry breaks the sequence or the link; a
//! deleted tail disagrees with the head. [`verify`] finds all of these.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use verbund_core::AuthorityId;

use crate::records::parse_col;
use crate::{AuditEntry, Context, Store, StoreError};

/// The `prev_hash` of a chain's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An open write transaction on one authority's data. Every change made through it is
/// recorded in the authority's audit chain, and both commit together or not at all. A change
/// that moves something between authorities holds both chains ([`Change::begin_pair`]).
pub struct Change<'s> {
    store: &'s Store,
    tx: Transaction<'static, Any>,
    ctx: Context,
    /// The chains this change appends to; the first is the change's own authority.
    chains: Vec<Chain>,
}

/// One authority's chain head as this change moves it.
struct Chain {
    authority: AuthorityId,
    seq: i64,
    hash: String,
}

impl<'s> Change<'s> {
    /// Opens a change on an existing authority's chain.
    pub(crate) async fn begin(
        store: &'s Store,
        authority: &AuthorityId,
        ctx: &Context,
    ) -> Result<Self, StoreError> {
        Self::begin_all(store, std::slice::from_ref(authority), ctx).await
    }

    /// Opens a change on `authority` that also appends to `other`'s chain (both commit or
    /// neither). The heads are locked in id order, so two changes between the same two
    /// authorities in opposite directions wait for each other instead of deadlocking.
    pub(crate) async fn begin_pair(
        store: &'s Store,
        authority: &AuthorityId,
        other: &AuthorityId,
        ctx: &Context,
    ) -> Result<Self, StoreError> {
        Self::begin_all(store, &[authority.clone(), other.clone()], ctx).await
    }

    async fn begin_all(
        store: &'s Store,
        authorities: &[AuthorityId],
        ctx: &Context,
    ) -> Result<Self, StoreError> {
        let mut tx = store.pool().begin().await?;
        let mut order: Vec<&AuthorityId> = authorities.iter().collect();
        order.sort();
        order.dedup();
        let mut chains = Vec::with_capacity(order.len());
        for authority in order {
            // Touch the chain head first: on PostgreSQL this row lock serialises writers of
            // one authority; on SQLite it takes the write lock before any read, so the
            // transaction never has to upgrade a read snapshot (which would fail with
            // SQLITE_BUSY).
            let row = sqlx::query(
                "UPDATE audit_heads SET seq = seq WHERE authority_id = $1 RETURNING seq, hash",
            )
            .bind(authority.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("authority"))?;
            chains.push(Chain {
                authority: authority.clone(),
                seq: row.try_get("seq")?,
                hash: row.try_get("hash")?,
            });
        }
        // The change's own authority first.
        if let Some(own) = chains.iter().position(|c| c.authority == authorities[0]) {
            chains.swap(0, own);
        }
        Ok(Self {
            store,
            tx,
            ctx: ctx.clone(),
            chains,
        })
    }

    /// Starts the chain of a newly inserted authority inside the transaction that inserts it.
    pub(crate) async fn begin_chain(
        store: &'s Store,
        mut tx: Transaction<'static, Any>,
        authority: &AuthorityId,
        ctx: &Context,
    ) -> Result<Self, StoreError> {
        sqlx::query("INSERT INTO audit_heads (authority_id, seq, hash) VALUES ($1, 0, $2)")
            .bind(authority.as_str())
            .bind(GENESIS_HASH)
            .execute(&mut *tx)
            .await?;
        Ok(Self {
            store,
            tx,
            ctx: ctx.clone(),
            chains: vec![Chain {
                authority: authority.clone(),
                seq: 0,
                hash: GENESIS_HASH.to_owned(),
            }],
        })
    }

    /// The connection to run this change's statements on.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// The authority this change is scoped to.
    pub(crate) fn authority(&self) -> &AuthorityId {
        &self.chains[0].authority
    }

    /// The store's clock reading.
    pub(crate) fn now(&self) -> i64 {
        self.store.clock().now().0
    }

    /// Appends an audit entry for something done (or read) in this change.
    pub(crate) async fn record(
        &mut self,
        action: &str,
        object_type: &str,
        object_id: &str,
        detail: &impl Serialize,
    ) -> Result<(), StoreError> {
        self.append(0, action, object_type, object_id, detail).await
    }

    /// Appends an audit entry to the other authority's chain of a [`Change::begin_pair`].
    pub(crate) async fn record_in(
        &mut self,
        authority: &AuthorityId,
        action: &str,
        object_type: &str,
        object_id: &str,
        detail: &impl Serialize,
    ) -> Result<(), StoreError> {
        let chain = self
            .chains
            .iter()
            .position(|c| &c.authority == authority)
            .ok_or(StoreError::NotFound("authority"))?;
        self.append(chain, action, object_type, object_id, detail)
            .await
    }

    async fn append(
        &mut self,
        chain: usize,
        action: &str,
        object_type: &str,
        object_id: &str,
        detail: &impl Serialize,
    ) -> Result<(), StoreError> {
        let detail = serde_json::to_string(detail).unwrap_or_else(|_| "{}".to_owned());
        let head = &self.chains[chain];
        let entry = AuditEntry {
            authority_id: head.authority.clone(),
            seq: head.seq + 1,
            occurred_at: self.store.clock().now(),
            actor: self.ctx.actor.to_string(),
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id: object_id.to_owned(),
            request_id: self.ctx.request_id.to_string(),
            client_request_id: self.ctx.request_id.client().map(str::to_owned),
            detail,
            prev_hash: head.hash.clone(),
            hash: String::new(),
        };
        let hash = entry_hash(&entry);
        sqlx::query(
            "INSERT INTO audit_log (authority_id, seq, occurred_at, actor, action, object_type, \
             object_id, request_id, detail, prev_hash, hash, client_request_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(entry.authority_id.as_str())
        .bind(entry.seq)
        .bind(entry.occurred_at.0)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.object_type)
        .bind(&entry.object_id)
        .bind(&entry.request_id)
        .bind(&entry.detail)
        .bind(&entry.prev_hash)
        .bind(&hash)
        .bind(&entry.client_request_id)
        .execute(&mut *self.tx)
        .await?;
        let head = &mut self.chains[chain];
        head.seq = entry.seq;
        head.hash = hash;
        Ok(())
    }

    /// Moves the chain heads and commits everything.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        for chain in &self.chains {
            sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE authority_id = $3")
                .bind(chain.seq)
                .bind(&chain.hash)
                .bind(chain.authority.as_str())
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// The hash of an entry: SHA-256 over each field, length-prefixed so that no two different
/// entries serialise to the same bytes. The caller's request id, when there is one, is a
/// last field (entries written before it existed hash as they always did).
#[must_use]
pub fn entry_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let seq = e.seq.to_string();
    let at = e.occurred_at.0.to_string();
    for field in [
        e.prev_hash.as_str(),
        e.authority_id.as_str(),
        &seq,
        &at,
        &e.actor,
        &e.action,
        &e.object_type,
        &e.object_id,
        &e.request_id,
        &e.detail,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    if let Some(client) = &e.client_request_id {
        h.update(b"client_request_id");
        h.update((client.len() as u64).to_be_bytes());
        h.update(client.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What is wrong with an audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// The authority whose chain it is.
    pub authority_id: AuthorityId,
    /// The sequence number where the problem shows.
    pub seq: i64,
    /// What is wrong, in words.
    pub problem: String,
}

/// The result of [`verify`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// How many chains were checked.
    pub chains: usize,
    /// How many entries were checked.
    pub entries: u64,
    /// Everything found wrong in the chains; empty when the log is intact.
    pub problems: Vec<ChainProblem>,
    /// How many signed checkpoints the chains were checked against.
    pub checkpoints: usize,
    /// Checkpoints that could not be trusted (unreadable, another key, a bad signature).
    pub checkpoint_problems: Vec<String>,
}

impl VerifyReport {
    /// Whether nothing at all was found wrong.
    #[must_use]
    pub fn intact(&self) -> bool {
        self.problems.is_empty() && self.checkpoint_problems.is_empty()
    }
}

/// Checks every authority's chain: sequence, links, hashes and head. Every authority that
/// exists, has a head or has entries is checked, so a chain whose head row was deleted is
/// reported, not skipped; an entry with a sequence number below 1 (which the schema forbids
/// and the walk from 1 would never reach) is reported as forged.
pub async fn verify(store: &Store) -> Result<VerifyReport, StoreError> {
    let authorities = sqlx::query(
        "SELECT id FROM authorities UNION SELECT authority_id FROM audit_heads \
         UNION SELECT authority_id FROM audit_log ORDER BY 1",
    )
    .fetch_all(store.pool())
    .await?;
    let mut report = VerifyReport::default();
    for row in authorities {
        let authority: AuthorityId = parse_col(&row, "id")?;
        report.chains += 1;
        let below_one: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM audit_log WHERE authority_id = $1 AND seq < 1 ORDER BY seq",
        )
        .bind(authority.as_str())
        .fetch_all(store.pool())
        .await?;
        for seq in below_one {
            report.entries += 1;
            report.problems.push(ChainProblem {
                authority_id: authority.clone(),
                seq,
                problem: "a sequence number below 1 belongs to no chain: a forged entry".to_owned(),
            });
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_heads WHERE authority_id = $1")
            .bind(authority.as_str())
            .fetch_optional(store.pool())
            .await?;
        let (last_seq, last_hash) = verify_chain(store, &authority, &mut report).await?;
        let Some(head) = head else {
            report.problems.push(ChainProblem {
                authority_id: authority.clone(),
                seq: last_seq,
                problem: "the chain has no head: its head row was deleted".to_owned(),
            });
            continue;
        };
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        if last_seq != head_seq || last_hash != head_hash {
            report.problems.push(ChainProblem {
                authority_id: authority.clone(),
                seq: last_seq,
                problem: format!(
                    "chain ends at entry {last_seq} but its head says {head_seq}: \
                     entries were deleted or the head was changed"
                ),
            });
        }
    }
    Ok(report)
}

async fn verify_chain(
    store: &Store,
    authority: &AuthorityId,
    report: &mut VerifyReport,
) -> Result<(i64, String), StoreError> {
    const BATCH: i64 = 1000;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut after = 0_i64;
    loop {
        let sql = format!(
            "SELECT {} FROM audit_log WHERE authority_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            AuditEntry::COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(authority.as_str())
            .bind(after)
            .bind(BATCH)
            .fetch_all(store.pool())
            .await?;
        let fetched = rows.len();
        for row in rows {
            let entry = AuditEntry::from_row(&row)?;
            report.entries += 1;
            let mut problem = |text: String| {
                report.problems.push(ChainProblem {
                    authority_id: authority.clone(),
                    seq: entry.seq,
                    problem: text,
                });
            };
            if entry.seq != expected_seq {
                problem(format!(
                    "expected entry {expected_seq}, found {}: entries are missing or reordered",
                    entry.seq
                ));
            }
            if entry.prev_hash != prev_hash {
                problem("does not link to the entry before it".to_owned());
            }
            if entry_hash(&entry) != entry.hash {
                problem("content does not match its hash: the entry was changed".to_owned());
            }
            expected_seq = entry.seq + 1;
            after = entry.seq;
            prev_hash = entry.hash;
        }
        if fetched < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok((expected_seq - 1, prev_hash));
        }
    }
}
