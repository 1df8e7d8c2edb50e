//! The review's audit forgeries on every backend: an entry with sequence number 0 or below
//! (refused by the schema; reported by verify when someone removes the guard), a chain whose
//! head row was deleted, and the caller's request id kept out of the chained one.

mod common;

use common::{authority, ctx, new_user};
use verbund_core::AuthorityId;
use verbund_core::{RequestId, Role};
use verbund_store::audit::VerifyReport;
use verbund_store::blobs::BlobLocation;
use verbund_store::checkpoint::{CheckpointKey, CheckpointStore, verifying_key};
use verbund_store::testing::{ok, test_stores, testing_sql};
use verbund_store::{Actor, Context, Store, audit};

#[tokio::test]
async fn forged_sequence_numbers_and_a_deleted_head_are_found() {
    for db in test_stores().await {
        let s = &db.store;
        let a = authority(s, "sn-a", "14").await;
        authority(s, "by-b", "09").await;
        ok(
            s.tenant(&a)
                .user_create(&ctx(), new_user("eva", &[Role::Clerk]))
                .await,
            "user",
        );
        let forge = |seq: i64| {
            format!(
                "INSERT INTO audit_log (authority_id, seq, occurred_at, actor, action, \
                 object_type, object_id, request_id, detail, prev_hash, hash) VALUES \
                 ('sn-a', {seq}, 0, 'user:x', 'einvoice.act', 'einvoice', 'x', 'r', '{{}}', \
                 'garbage', 'garbage')"
            )
        };
        // The schema refuses it ...
        let refused = sqlx::query(&forge(0)).execute(s_pool(s)).await;
        assert!(refused.is_err(), "{}: seq 0 was stored", db.label);
        // ... and when someone with write access removes that guard, verify reports it.
        let unguard = match db.label {
            "sqlite" => "DROP TRIGGER audit_log_seq_positive_insert",
            _ => "ALTER TABLE audit_log DROP CONSTRAINT audit_log_seq_positive",
        };
        testing_sql(s, unguard).await;
        testing_sql(s, &forge(0)).await;
        testing_sql(s, &forge(-5)).await;
        let r = ok(audit::verify(s).await, "forged");
        let forged: Vec<i64> = r
            .problems
            .iter()
            .filter(|p| p.problem.contains("forged"))
            .map(|p| p.seq)
            .collect();
        assert_eq!(forged, [-5, 0], "{}: {:?}", db.label, r.problems);
        // A deleted head row: the chain is still checked and reported.
        testing_sql(s, "DELETE FROM audit_heads WHERE authority_id = 'by-b'").await;
        let r = ok(audit::verify(s).await, "headless");
        assert_eq!(r.chains, 2);
        assert!(
            r.problems
                .iter()
                .any(|p| p.authority_id.as_str() == "by-b" && p.problem.contains("no head")),
            "{:?}",
            r.problems
        );
    }
}

fn s_pool(s: &verbund_store::Store) -> &sqlx::AnyPool {
    verbund_store::testing::pool(s)
}

#[tokio::test]
async fn the_chained_request_id_is_the_servers() {
    for db in test_stores().await {
        let s = &db.store;
        let a = authority(s, "sn-a", "14").await;
        let from_client = Context {
            actor: Actor::System("test"),
            request_id: RequestId::for_request(Some("mein-eigener-wert")),
        };
        ok(
            s.tenant(&a)
                .user_create(&from_client, new_user("eva", &[Role::Clerk]))
                .await,
            "user",
        );
        let entries = ok(s.tenant(&a).audit_entries(None, 10).await, "entries");
        let newest = &entries.items[0];
        assert_ne!(newest.request_id, "mein-eigener-wert");
        assert_eq!(newest.request_id, from_client.request_id.as_str());
        assert_eq!(
            newest.client_request_id.as_deref(),
            Some("mein-eigener-wert")
        );
        // It is part of the hash: changing it is tampering.
        let r = ok(audit::verify(s).await, "intact");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        testing_sql(s, "UPDATE audit_log SET client_request_id = 'anders'").await;
        let r = ok(audit::verify(s).await, "changed");
        assert!(!r.problems.is_empty(), "{}", db.label);
    }
}

/// A chain of `users` user creations in `sn-a` and one checkpoint of it, in a fresh local
/// checkpoint store.
async fn signed_chain(
    s: &Store,
    users: &[&str],
) -> (
    tempfile::TempDir,
    CheckpointStore,
    CheckpointKey,
    AuthorityId,
) {
    let dir = tempfile::tempdir().unwrap();
    let checkpoints = CheckpointStore::open(&BlobLocation::Local(dir.path().into())).unwrap();
    let key = CheckpointKey::generate();
    let a = authority(s, "sn-a", "14").await;
    for name in users {
        ok(
            s.tenant(&a).user_create(&ctx(), new_user(name, &[])).await,
            "user",
        );
    }
    ok(checkpoints.write(s, &key).await, "checkpoint");
    (dir, checkpoints, key, a)
}

/// The chain alone, then against the checkpoints.
async fn check(
    s: &Store,
    checkpoints: &CheckpointStore,
    key: &CheckpointKey,
) -> (bool, VerifyReport) {
    let mut report = ok(audit::verify(s).await, "verify");
    let chain_alone = report.intact();
    ok(
        checkpoints
            .verify(s, &verifying_key(key), &mut report)
            .await,
        "against checkpoints",
    );
    (chain_alone, report)
}

/// Someone with write access to the database truncates a chain and resets its head: the
/// chain alone looks intact, the checkpoint shows it.
#[tokio::test]
async fn checkpoints_reveal_a_truncated_chain() {
    for db in test_stores().await {
        let s = &db.store;
        let (_dir, checkpoints, key, a) = signed_chain(s, &["eva", "finn", "greta", "hans"]).await;
        let (alone, report) = check(s, &checkpoints, &key).await;
        assert!(alone && report.intact(), "{:?}", report.problems);
        assert_eq!(report.checkpoints, 1);
        testing_sql(
            s,
            "DELETE FROM audit_log WHERE authority_id = 'sn-a' AND seq > 3",
        )
        .await;
        let third = ok(s.tenant(&a).audit_entries(Some(4), 1).await, "third")
            .items
            .remove(0);
        testing_sql(
            s,
            &format!(
                "UPDATE audit_heads SET seq = 3, hash = '{}' WHERE authority_id = 'sn-a'",
                third.hash
            ),
        )
        .await;
        let (alone, report) = check(s, &checkpoints, &key).await;
        assert!(
            alone,
            "{}: the chain alone should look intact: {:?}",
            db.label, report.problems
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.seq == 5 && p.problem.contains("truncated")),
            "{:?}",
            report.problems
        );
    }
}

/// An entry changed and every hash after it recomputed, the head moved along: found. And a
/// checkpoint altered, or signed by another key, is not trusted.
#[tokio::test]
async fn checkpoints_reveal_a_recomputed_chain_and_cannot_be_forged() {
    for db in test_stores().await {
        let s = &db.store;
        let (dir, checkpoints, key, a) = signed_chain(s, &["eva", "finn", "greta"]).await;
        let mut entries = ok(s.tenant(&a).audit_entries(None, 10).await, "entries").items;
        entries.reverse();
        let mut prev = entries[0].hash.clone();
        for e in entries.iter_mut().skip(1) {
            if e.seq == 2 {
                e.detail = r#"{"forged":true}"#.to_owned();
            }
            e.prev_hash = prev;
            e.hash = audit::entry_hash(e);
            prev = e.hash.clone();
            testing_sql(
                s,
                &format!(
                    "UPDATE audit_log SET detail = '{}', prev_hash = '{}', hash = '{}' \
                     WHERE authority_id = 'sn-a' AND seq = {}",
                    e.detail, e.prev_hash, e.hash, e.seq
                ),
            )
            .await;
        }
        testing_sql(
            s,
            &format!("UPDATE audit_heads SET hash = '{prev}' WHERE authority_id = 'sn-a'"),
        )
        .await;
        let (alone, report) = check(s, &checkpoints, &key).await;
        assert!(
            alone,
            "{}: recomputed chain should look intact alone",
            db.label
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.seq == 4 && p.problem.contains("recomputed")),
            "{:?}",
            report.problems
        );
        // A checkpoint taken after the rewrite signs the rewritten chain; the older one still
        // holds the truth, so the rewrite stays visible.
        ok(
            checkpoints.write(s, &key).await,
            "checkpoint after the rewrite",
        );
        let (_, report) = check(s, &checkpoints, &key).await;
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.problem.contains("rewritten between them")),
            "{:?}",
            report.problems
        );
        let other = CheckpointKey::generate();
        ok(checkpoints.write(s, &other).await, "foreign checkpoint");
        for entry in std::fs::read_dir(dir.path().join("checkpoints")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains(&key.key_id()) {
                std::fs::write(&path, text.replace("\"seq\": 4", "\"seq\": 3")).unwrap();
            }
        }
        let (_, report) = check(s, &checkpoints, &key).await;
        assert_eq!(report.checkpoints, 0, "{:?}", report.checkpoint_problems);
        let problems = report.checkpoint_problems.join("\n");
        assert!(
            problems.contains("altered") && problems.contains("not this node's"),
            "{problems}"
        );
    }
}
