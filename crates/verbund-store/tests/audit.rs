//! The review's audit forgeries on every backend: an entry with sequence number 0 or below
//! (refused by the schema; reported by verify when someone removes the guard), a chain whose
//! head row was deleted, and the caller's request id kept out of the chained one.

mod common;

use common::{authority, ctx, new_user};
use verbund_core::{RequestId, Role};
use verbund_store::testing::{ok, test_stores, testing_sql};
use verbund_store::{Actor, Context, audit};

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
