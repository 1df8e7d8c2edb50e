//! The store conformance suite: every test runs on SQLite, and on PostgreSQL when
//! `VERBUND_TEST_DATABASE_URL` is set.

mod common;

use common::{aid, authority, ctx, new_user};

use verbund_core::{AuthorityId, Limits, Role, Timestamp};
use verbund_store::testing::{ok, test_stores, test_stores_with};
use verbund_store::{NewAuthority, Store, StoreError, audit};

/// An acknowledged commit survives a power loss: SQLite syncs the WAL at every commit
/// (`synchronous=FULL`, 2; the review found NORMAL, which may drop the last transactions).
#[tokio::test]
async fn sqlite_commits_are_durable() {
    for db in test_stores().await {
        if db.label == "sqlite" {
            let level =
                verbund_store::testing::testing_scalar(&db.store, "PRAGMA synchronous").await;
            assert_eq!(level, 2, "PRAGMA synchronous");
        }
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_refuse_newer_schemas() {
    for db in test_stores().await {
        ok(db.store.migrate().await, "second migrate");
        verbund_store::testing::pretend_newer_binary_migrated(&db.store).await;
        match db.store.migrate().await {
            Err(StoreError::SchemaTooNew {
                found: verbund_store::testing::FUTURE_MIGRATION,
                ..
            }) => {}
            other => panic!("{}: expected SchemaTooNew, got {other:?}", db.label),
        }
    }
}

#[tokio::test]
async fn directory_paginates_and_filters_by_government() {
    for db in test_stores().await {
        let s = &db.store;
        for (id, gov) in [
            ("by-a", "09"),
            ("by-b", "09"),
            ("sn-a", "14"),
            ("th-a", "16"),
        ] {
            authority(s, id, gov).await;
        }
        let page1 = ok(s.admin().authorities(None, None, 3).await, "page1");
        assert_eq!(page1.items.len(), 3, "{}", db.label);
        let next = page1.next_cursor.clone().expect("more");
        let page2 = ok(
            s.admin().authorities(None, Some(&aid(&next)), 3).await,
            "page2",
        );
        assert_eq!(page2.items.len(), 1);
        assert!(page2.next_cursor.is_none());
        let bayern = ok(
            s.admin()
                .authorities(Some("09".parse().unwrap()), None, 50)
                .await,
            "by",
        );
        let ids: Vec<_> = bayern.items.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["by-a", "by-b"], "{}", db.label);
        assert!(matches!(
            s.admin()
                .authority_create(
                    &ctx(),
                    &s.admin()
                        .authority(&aid("by-a"))
                        .await
                        .map(|a| NewAuthority {
                            id: a.id,
                            government_key: a.government_key,
                            kind: a.kind,
                            name: a.name,
                            street: a.street,
                            postal_code: a.postal_code,
                            city: a.city,
                            email: a.email,
                            leitweg_id: None,
                            ags: a.ags
                        })
                        .unwrap()
                )
                .await,
            Err(StoreError::Conflict("authority"))
        ));
    }
}

#[tokio::test]
async fn tenant_handles_never_see_other_authorities() {
    for db in test_stores().await {
        let s = &db.store;
        let a = authority(s, "sn-a", "14").await;
        let b = authority(s, "by-b", "09").await;
        let alice = ok(
            s.tenant(&a)
                .user_create(&ctx(), new_user("alice", &[Role::Clerk]))
                .await,
            "alice",
        );
        let bob = ok(
            s.tenant(&b)
                .user_create(&ctx(), new_user("bob", &[Role::Administrator]))
                .await,
            "bob",
        );
        // Members.
        let members_a = ok(s.tenant(&a).members(None, 50).await, "members a");
        assert_eq!(members_a.items.len(), 1);
        assert_eq!(members_a.items[0].user.id, alice.id);
        assert_eq!(members_a.items[0].roles, [Role::Clerk]);
        assert!(matches!(
            s.tenant(&a).member(bob.id).await,
            Err(StoreError::NotFound(_))
        ));
        // Tokens.
        let (tok_b, _) = ok(
            s.tenant(&b)
                .token_create(&ctx(), "b", Role::Clerk, None)
                .await,
            "token b",
        );
        assert!(ok(s.tenant(&a).tokens().await, "tokens a").is_empty());
        assert!(matches!(
            s.tenant(&a).token_revoke(&ctx(), tok_b.id).await,
            Err(StoreError::NotFound(_))
        ));
        // Audit.
        let audit_a = ok(s.tenant(&a).audit_entries(None, 100).await, "audit a");
        assert!(
            audit_a.items.iter().all(|e| e.authority_id == a),
            "{}",
            db.label
        );
        assert!(audit_a.items.iter().any(|e| e.action == "user.create"));
        assert!(
            !audit_a
                .items
                .iter()
                .any(|e| e.object_id == bob.id.to_string())
        );
        // Username uniqueness is node-wide.
        assert!(matches!(
            s.tenant(&a).user_create(&ctx(), new_user("bob", &[])).await,
            Err(StoreError::Conflict("username"))
        ));
    }
}

/// The token cache (PostgreSQL): a second process revokes, the first stops accepting the token
/// without waiting for the cache entry to expire (the fixed clock never expires it).
#[tokio::test]
async fn a_revocation_in_another_process_reaches_the_token_cache() {
    for db in test_stores_with(true, Limits::default()).await {
        if db.label != "postgres" {
            assert!(!db.store.token_cache_active(), "SQLite has no token cache");
            continue;
        }
        let a = &db.store;
        assert!(a.token_cache_active(), "listener connected at start");
        let other = second_process(&db.url).await;
        let (authority, t, secret) = cached_token(a).await;
        ok(
            other.tenant(&authority).token_revoke(&ctx(), t.id).await,
            "revoke elsewhere",
        );
        assert!(
            eventually_rejected(a, &secret).await,
            "the revocation never reached the other process's cache"
        );
    }
}

/// Notifications sent while the listener is disconnected are lost; the cache must not trust
/// what it held before the reconnect.
#[tokio::test]
async fn the_token_cache_forgets_everything_when_its_listener_reconnects() {
    use sqlx::Connection as _;
    for db in test_stores_with(true, Limits::default()).await {
        if db.label != "postgres" {
            continue;
        }
        let a = &db.store;
        let (_, t, secret) = cached_token(a).await;
        // A revocation whose notification is lost: the cache still serves the token.
        let mut admin = sqlx::PgConnection::connect(&db.url).await.expect("connect");
        sqlx::query("UPDATE api_tokens SET revoked_at = 1 WHERE id = $1")
            .bind(t.id.to_string())
            .execute(&mut admin)
            .await
            .expect("revoke without notification");
        assert!(ok(a.auth().token_principal(&secret).await, "stale").is_some());
        // Cut the listener; once it is back, nothing cached before may be served.
        let old = listener_pids(&mut admin).await;
        assert_eq!(old.len(), 1, "one listener: {old:?}");
        sqlx::query("SELECT pg_terminate_backend($1)")
            .bind(old[0])
            .execute(&mut admin)
            .await
            .expect("terminate");
        let mut back = false;
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let now = listener_pids(&mut admin).await;
            if now.len() == 1 && now != old && a.token_cache_active() {
                back = true;
                break;
            }
        }
        assert!(back, "the listener did not reconnect within 5 s");
        assert_eq!(
            ok(a.auth().token_principal(&secret).await, "after reconnect"),
            None,
            "a cached token survived the listener's reconnect"
        );
    }
}

/// The server processes of the test database listening for token revocations.
async fn listener_pids(conn: &mut sqlx::PgConnection) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
         AND query LIKE 'LISTEN %' ORDER BY pid",
    )
    .fetch_all(conn)
    .await
    .expect("pg_stat_activity")
}

/// A clerk token of a new authority, resolved once so that the cache holds it.
async fn cached_token(store: &Store) -> (AuthorityId, verbund_store::ApiToken, String) {
    let authority = authority(store, "sn-sid", "14").await;
    let (token, secret) = ok(
        store
            .tenant(&authority)
            .token_create(&ctx(), "ci", Role::Clerk, None)
            .await,
        "create",
    );
    assert!(ok(store.auth().token_principal(&secret).await, "cache it").is_some());
    (authority, token, secret)
}

async fn second_process(url: &str) -> Store {
    let store = ok(
        Store::connect(
            url,
            std::sync::Arc::new(verbund_core::SystemClock),
            Limits::default(),
        )
        .await,
        "connect",
    );
    store.token_cache_start().await;
    store
}

/// Polls for up to five seconds until the token is refused.
async fn eventually_rejected(store: &Store, secret: &str) -> bool {
    for _ in 0..100 {
        // Errors are expected while the pool replaces connections that were cut.
        if let Ok(None) = store.auth().token_principal(secret).await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn tokens_resolve_until_revoked_or_expired() {
    for db in test_stores_with(true, Limits::default()).await {
        let s = &db.store;
        let clock = db.clock.as_ref().unwrap();
        let a = authority(s, "sn-sid", "14").await;
        let (t, secret) = ok(
            s.tenant(&a)
                .token_create(&ctx(), "ci", Role::Auditor, None)
                .await,
            "create",
        );
        let p = ok(s.auth().token_principal(&secret).await, "resolve").expect("valid");
        assert_eq!(
            (p.token_id, p.authority_id.clone(), p.role),
            (t.id, a.clone(), Role::Auditor)
        );
        assert_eq!(
            ok(s.auth().token_principal("vbt_nope").await, "bogus"),
            None
        );
        assert_eq!(ok(s.auth().token_principal("").await, "empty"), None);
        ok(s.tenant(&a).token_revoke(&ctx(), t.id).await, "revoke");
        ok(
            s.tenant(&a).token_revoke(&ctx(), t.id).await,
            "revoke twice",
        );
        assert_eq!(ok(s.auth().token_principal(&secret).await, "revoked"), None);
        let expires = clock.now_for_test().plus_seconds(60);
        let (_, secret2) = ok(
            s.tenant(&a)
                .token_create(&ctx(), "short", Role::Clerk, Some(expires))
                .await,
            "create2",
        );
        assert!(ok(s.auth().token_principal(&secret2).await, "fresh").is_some());
        clock.advance_seconds(61);
        assert_eq!(
            ok(s.auth().token_principal(&secret2).await, "expired"),
            None,
            "{}",
            db.label
        );
    }
}

trait NowForTest {
    fn now_for_test(&self) -> Timestamp;
}
impl NowForTest for verbund_core::FixedClock {
    fn now_for_test(&self) -> Timestamp {
        verbund_core::Clock::now(self)
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_follow_authority_switches() {
    for db in test_stores_with(true, Limits::default()).await {
        let s = &db.store;
        let clock = db.clock.as_ref().unwrap();
        let a = authority(s, "by-a", "09").await;
        let user = ok(
            s.tenant(&a)
                .user_create(&ctx(), new_user("dora", &[Role::Auditor]))
                .await,
            "u",
        );
        let secret = ok(s.auth().session_create(user.id, &a).await, "session");
        let session = ok(s.auth().session(&secret).await, "get").expect("live");
        assert_eq!(session.roles, [Role::Auditor]);
        assert_eq!(session.csrf_token.len(), 64);
        assert_eq!(ok(s.auth().session(&"0".repeat(64)).await, "unknown"), None);
        clock.advance_seconds(Limits::default().session_idle_seconds - 10);
        assert!(ok(s.auth().session(&secret).await, "still").is_some());
        clock.advance_seconds(Limits::default().session_idle_seconds + 1);
        assert_eq!(
            ok(s.auth().session(&secret).await, "idle"),
            None,
            "{}",
            db.label
        );
        let secret = ok(s.auth().session_create(user.id, &a).await, "session2");
        ok(s.auth().session_delete(&secret).await, "logout");
        assert_eq!(ok(s.auth().session(&secret).await, "gone"), None);
    }
}

#[tokio::test]
async fn audit_verify_detects_changed_deleted_and_reordered_entries() {
    for db in test_stores().await {
        let s = &db.store;
        let a = authority(s, "sn-a", "14").await;
        authority(s, "by-b", "09").await;
        for name in ["eva", "finn", "greta", "hans"] {
            ok(
                s.tenant(&a)
                    .user_create(&ctx(), new_user(name, &[Role::Clerk]))
                    .await,
                "u",
            );
        }
        let report = ok(audit::verify(s).await, "verify");
        assert_eq!(report.chains, 2);
        assert_eq!(report.entries, 6, "{}", db.label);
        assert!(report.problems.is_empty(), "{:?}", report.problems);

        let sql = verbund_store::testing::testing_sql;
        // Changed.
        sql(
            s,
            "UPDATE audit_log SET detail = '{}' WHERE authority_id = 'sn-a' AND seq = 2",
        )
        .await;
        let r = ok(audit::verify(s).await, "changed");
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].seq, 2);
        assert!(r.problems[0].problem.contains("changed"));
    }
    for db in test_stores().await {
        let s = &db.store;
        let a = authority(s, "sn-a", "14").await;
        for name in ["eva", "finn", "greta"] {
            ok(
                s.tenant(&a).user_create(&ctx(), new_user(name, &[])).await,
                "u",
            );
        }
        let sql = verbund_store::testing::testing_sql;
        // Deleted in the middle.
        sql(
            s,
            "DELETE FROM audit_log WHERE authority_id = 'sn-a' AND seq = 2",
        )
        .await;
        let r = ok(audit::verify(s).await, "deleted");
        assert!(
            r.problems
                .iter()
                .any(|p| p.seq == 3 && p.problem.contains("missing")),
            "{:?}",
            r.problems
        );
        // Deleted at the tail.
        sql(
            s,
            "DELETE FROM audit_log WHERE authority_id = 'sn-a' AND seq = 4",
        )
        .await;
        let r = ok(audit::verify(s).await, "tail");
        assert!(
            r.problems.iter().any(|p| p.problem.contains("head")),
            "{:?}",
            r.problems
        );
    }
    for db in test_stores().await {
        let s = &db.store;
        let a = authority(s, "sn-a", "14").await;
        for name in ["eva", "finn"] {
            ok(
                s.tenant(&a).user_create(&ctx(), new_user(name, &[])).await,
                "u",
            );
        }
        // Reordered: swap entries 2 and 3 by renumbering.
        let sql = verbund_store::testing::testing_sql;
        sql(
            s,
            "UPDATE audit_log SET seq = 100 WHERE authority_id = 'sn-a' AND seq = 2",
        )
        .await;
        sql(
            s,
            "UPDATE audit_log SET seq = 2 WHERE authority_id = 'sn-a' AND seq = 3",
        )
        .await;
        sql(
            s,
            "UPDATE audit_log SET seq = 3 WHERE authority_id = 'sn-a' AND seq = 100",
        )
        .await;
        let r = ok(audit::verify(s).await, "reordered");
        assert!(!r.problems.is_empty(), "{}: reorder not detected", db.label);
    }
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    for db in test_stores().await {
        let s = db.store.clone();
        let a = authority(&s, "sn-a", "14").await;
        let mut tasks = Vec::new();
        for i in 0..16 {
            let s = s.clone();
            let a = a.clone();
            tasks.push(tokio::spawn(async move {
                s.tenant(&a)
                    .token_create(&ctx(), &format!("t{i}"), Role::Clerk, None)
                    .await
                    .map(|_| ())
            }));
        }
        for t in tasks {
            ok(t.await.unwrap(), "concurrent token_create");
        }
        let r = ok(audit::verify(&s).await, "verify");
        assert!(r.problems.is_empty(), "{}: {:?}", db.label, r.problems);
        assert_eq!(r.entries, 17);
    }
}
