//! Signed checkpoints of the audit chains: what makes the log one that its own database
//! operator cannot rewrite.
//!
//! A hash chain shows every change to an entry, but whoever can write the database can also
//! truncate a chain and reset its head, or recompute every hash after a change, and the chain
//! is consistent again. So the node periodically signs the heads of all chains (authority,
//! sequence number, hash) with an Ed25519 key that lives in a file, not in the database, and
//! writes the signed checkpoint to a store the database operator cannot silently rewrite: a
//! directory or S3 bucket where objects are only ever created (`PutMode::Create`, never
//! overwritten; make it write-once with an append-only mount, object lock or versioning).
//! [`verify`] then checks each chain against every checkpoint: the entry at each signed
//! sequence number must still exist and still have the signed hash. A truncated chain lacks
//! it, a recomputed one has another hash, a replaced head disagrees with it.
//!
//! Checkpoints are named `checkpoints/<ms>-<key id>.json`, self-describing (signer's key id,
//! public key, heads, signature over the canonical body). Peer nodes of the federation can
//! countersign a checkpoint later as objects of their own beside it
//! (`countersignatures/<checkpoint name>/<peer key id>.json`) without touching it.

use std::collections::BTreeMap;
use std::sync::Arc;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use object_store::path::Path;
use object_store::{ObjectStore, PutMode, PutOptions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use verbund_core::AuthorityId;

use crate::audit::{ChainProblem, VerifyReport};
use crate::blobs::BlobLocation;
use crate::{Store, StoreError};

/// The node's checkpoint signing key, read from a file of 64 hex digits (the Ed25519 seed).
#[derive(Clone)]
pub struct CheckpointKey {
    key: SigningKey,
}

impl std::fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

impl CheckpointKey {
    /// A new random key (for `verbund audit keygen`).
    #[must_use]
    pub fn generate() -> Self {
        Self {
            key: SigningKey::generate(&mut rand::rngs::OsRng),
        }
    }

    /// Parses the file contents: 64 hex digits, surrounding whitespace ignored.
    pub fn from_hex(text: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(text.trim()).map_err(|_| bad_key("not hex"))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| bad_key("not 32 bytes (64 hex digits)"))?;
        Ok(Self {
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// The file contents for this key.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.to_bytes())
    }

    /// The public key, hex.
    #[must_use]
    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// A short id: the first 16 hex digits of the public key's SHA-256.
    #[must_use]
    pub fn key_id(&self) -> String {
        key_id(&self.key.verifying_key())
    }
}

fn key_id(public: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(public.to_bytes())[..8])
}

fn bad_key(why: &'static str) -> StoreError {
    StoreError::Checkpoint(format!("the checkpoint key is unusable: {why}"))
}

/// One chain head as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    /// The authority.
    pub authority_id: String,
    /// Its newest sequence number then.
    pub seq: i64,
    /// That entry's hash.
    pub hash: String,
}

/// What is signed: when, by which key, which heads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointBody {
    /// Format version.
    pub version: u32,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The signer's key id.
    pub key_id: String,
    /// The signer's public key, hex.
    pub public_key: String,
    /// Every chain head, ordered by authority.
    pub heads: Vec<SignedHead>,
}

/// A checkpoint as stored: the body and the signature over its canonical JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    /// What is signed.
    pub body: CheckpointBody,
    /// Ed25519 signature over `serde_json::to_vec(&body)`, hex.
    pub signature: String,
}

/// Where checkpoints are kept; only ever written with create-only puts.
#[derive(Debug, Clone)]
pub struct CheckpointStore {
    inner: Arc<dyn ObjectStore>,
}

impl CheckpointStore {
    /// Opens the store at `location` (a local directory is created if missing).
    pub fn open(location: &BlobLocation) -> Result<Self, StoreError> {
        Ok(Self {
            inner: crate::blobs::object_store_at(location)?.0,
        })
    }

    /// Signs the current head of every chain and stores the checkpoint; returns it.
    pub async fn write(
        &self,
        store: &Store,
        key: &CheckpointKey,
    ) -> Result<Checkpoint, StoreError> {
        let rows =
            sqlx::query("SELECT authority_id, seq, hash FROM audit_heads ORDER BY authority_id")
                .fetch_all(store.pool())
                .await?;
        let heads = rows
            .iter()
            .map(|r| {
                Ok(SignedHead {
                    authority_id: r.try_get("authority_id")?,
                    seq: r.try_get("seq")?,
                    hash: r.try_get("hash")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let body = CheckpointBody {
            version: 1,
            created_at: store.clock().now().0,
            key_id: key.key_id(),
            public_key: key.public_hex(),
            heads,
        };
        let signature = key.key.sign(&canonical(&body));
        let checkpoint = Checkpoint {
            body,
            signature: hex::encode(signature.to_bytes()),
        };
        let name = format!(
            "checkpoints/{:015}-{}-{}.json",
            checkpoint.body.created_at,
            checkpoint.body.key_id,
            uuid::Uuid::new_v4().simple()
        );
        let bytes = serde_json::to_vec_pretty(&checkpoint)
            .map_err(|e| StoreError::Checkpoint(e.to_string()))?;
        self.inner
            .put_opts(
                &Path::from(name),
                bytes.into(),
                PutOptions {
                    mode: PutMode::Create,
                    ..PutOptions::default()
                },
            )
            .await?;
        Ok(checkpoint)
    }

    /// Every stored checkpoint, oldest first, with its name; unreadable ones as errors.
    async fn all(&self) -> Result<Vec<(String, Result<Checkpoint, String>)>, StoreError> {
        use futures_util::TryStreamExt as _;
        let prefix = Path::from("checkpoints");
        let mut metas: Vec<object_store::ObjectMeta> =
            self.inner.list(Some(&prefix)).try_collect().await?;
        metas.sort_by(|a, b| a.location.cmp(&b.location));
        let mut out = Vec::with_capacity(metas.len());
        for meta in metas {
            let bytes = self.inner.get(&meta.location).await?.bytes().await?;
            let parsed = serde_json::from_slice::<Checkpoint>(&bytes).map_err(|e| e.to_string());
            out.push((meta.location.to_string(), parsed));
        }
        Ok(out)
    }

    /// Checks every chain against every checkpoint signed by `trusted` (the node's public
    /// key); adds what it finds to `report`. A checkpoint that is unreadable, signed by
    /// another key or whose signature does not match is itself a problem.
    pub async fn verify(
        &self,
        store: &Store,
        trusted: &VerifyingKey,
        report: &mut VerifyReport,
    ) -> Result<(), StoreError> {
        // Every signed (seq, hash) per authority, from every authentic checkpoint: a rewrite
        // between two checkpoints shows only against the older one, so all count.
        let mut signed: BTreeMap<AuthorityId, BTreeMap<i64, Signed>> = BTreeMap::new();
        for (name, checkpoint) in self.all().await? {
            let checkpoint = match checkpoint.and_then(|c| authentic(&c, trusted).map(|()| c)) {
                Ok(c) => c,
                Err(why) => {
                    report.checkpoint_problems.push(format!("{name}: {why}"));
                    continue;
                }
            };
            report.checkpoints += 1;
            let when = verbund_core::Timestamp(checkpoint.body.created_at).to_rfc3339();
            for head in checkpoint.body.heads.into_iter().filter(|h| h.seq > 0) {
                let Ok(authority) = head.authority_id.parse::<AuthorityId>() else {
                    report
                        .checkpoint_problems
                        .push(format!("{name}: not an authority: {:?}", head.authority_id));
                    continue;
                };
                let seqs = signed.entry(authority.clone()).or_default();
                match seqs.get(&head.seq) {
                    Some(earlier) if earlier.hash != head.hash => report.problems.push(ChainProblem {
                        authority_id: authority,
                        seq: head.seq,
                        problem: format!(
                            "the checkpoints of {} and {when} signed different hashes for entry \
                             {}: the chain was rewritten between them",
                            earlier.when, head.seq
                        ),
                    }),
                    Some(_) => {}
                    None => {
                        seqs.insert(head.seq, Signed { hash: head.hash, when: when.clone() });
                    }
                }
            }
        }
        for (authority, seqs) in signed {
            check_signed(store, &authority, &seqs, report).await?;
        }
        Ok(())
    }
}

/// A signed hash and when it was signed.
struct Signed {
    hash: String,
    when: String,
}

/// Compares the chain of `authority` with its signed hashes, in batches of sequence numbers.
async fn check_signed(
    store: &Store,
    authority: &AuthorityId,
    seqs: &BTreeMap<i64, Signed>,
    report: &mut VerifyReport,
) -> Result<(), StoreError> {
    use std::fmt::Write as _;
    let head: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_heads WHERE authority_id = $1")
            .bind(authority.as_str())
            .fetch_optional(store.pool())
            .await?;
    let wanted: Vec<i64> = seqs.keys().copied().collect();
    for batch in wanted.chunks(500) {
        let mut sql =
            "SELECT seq, hash FROM audit_log WHERE authority_id = $1 AND seq IN (".to_owned();
        for i in 0..batch.len() {
            let _ = write!(sql, "{}${}", if i == 0 { "" } else { ", " }, i + 2);
        }
        sql.push(')');
        let mut query = sqlx::query(&sql).bind(authority.as_str());
        for seq in batch {
            query = query.bind(*seq);
        }
        let found: BTreeMap<i64, String> = query
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("seq")?, r.try_get("hash")?)))
            .collect::<Result<_, StoreError>>()?;
        for seq in batch {
            let signed = &seqs[seq];
            let problem = match found.get(seq) {
                None => format!(
                    "the checkpoint of {} signed entry {seq} but the chain has no such entry: it \
                     was truncated",
                    signed.when
                ),
                Some(hash) if *hash != signed.hash => format!(
                    "entry {seq} differs from the checkpoint of {}: the chain was rewritten and \
                     its hashes recomputed",
                    signed.when
                ),
                Some(_) if head.is_some_and(|h| h < *seq) => format!(
                    "the head is behind the checkpoint of {} (entry {seq}): it was replaced",
                    signed.when
                ),
                Some(_) => continue,
            };
            report.problems.push(ChainProblem {
                authority_id: authority.clone(),
                seq: *seq,
                problem,
            });
        }
    }
    Ok(())
}

fn canonical(body: &CheckpointBody) -> Vec<u8> {
    // serde_json writes struct fields in declaration order, without whitespace: canonical.
    serde_json::to_vec(body).unwrap_or_default()
}

fn authentic(checkpoint: &Checkpoint, trusted: &VerifyingKey) -> Result<(), String> {
    if checkpoint.body.public_key != hex::encode(trusted.to_bytes()) {
        return Err(format!(
            "signed by key {} which is not this node's ({})",
            checkpoint.body.key_id,
            key_id(trusted)
        ));
    }
    let signature: [u8; 64] = hex::decode(&checkpoint.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is malformed")?;
    trusted
        .verify(
            &canonical(&checkpoint.body),
            &Signature::from_bytes(&signature),
        )
        .map_err(|_| "the signature does not match: the checkpoint was altered".to_owned())
}

/// The public key to trust, from the signing key (a node verifies its own checkpoints).
#[must_use]
pub fn verifying_key(key: &CheckpointKey) -> VerifyingKey {
    key.key.verifying_key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_bad_files_are_refused() {
        let key = CheckpointKey::generate();
        let again = CheckpointKey::from_hex(&format!("  {}\n", key.to_hex())).unwrap();
        assert_eq!(again.public_hex(), key.public_hex());
        assert_eq!(key.key_id().len(), 16);
        for bad in ["", "xyz", "00", &"0".repeat(66)] {
            assert!(CheckpointKey::from_hex(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_altered_body_fails_its_signature() {
        let key = CheckpointKey::generate();
        let body = CheckpointBody {
            version: 1,
            created_at: 1,
            key_id: key.key_id(),
            public_key: key.public_hex(),
            heads: vec![SignedHead {
                authority_id: "sn-a".into(),
                seq: 3,
                hash: "ab".into(),
            }],
        };
        let mut checkpoint = Checkpoint {
            signature: hex::encode(key.key.sign(&canonical(&body)).to_bytes()),
            body,
        };
        assert_eq!(authentic(&checkpoint, &verifying_key(&key)), Ok(()));
        checkpoint.body.heads[0].seq = 2;
        assert!(authentic(&checkpoint, &verifying_key(&key)).is_err());
        let other = CheckpointKey::generate();
        assert!(authentic(&checkpoint, &verifying_key(&other)).is_err());
    }
}
