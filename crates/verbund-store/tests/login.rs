//! Login protection on every backend: growing delays instead of a lock, the same answers for
//! unknown and existing names, places an account logged in from before, the address guard,
//! parallel attempts that cannot overrun the guards, and password recovery.

mod common;

use std::net::IpAddr;

use common::{authority, ctx, new_user};
use verbund_core::{Limits, Password, RequestId, Role};
use verbund_store::auth::LoginOutcome;
use verbund_store::testing::{ok, test_stores_with};
use verbund_store::{Store, User};

const GOOD: &str = "richtig-langes-passwort";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

async fn login(s: &Store, name: &str, password: &str, from: &str) -> LoginOutcome {
    ok(
        s.auth()
            .login(name, password, Some(ip(from)), &RequestId::internal("t"))
            .await,
        "login",
    )
}

async fn actions(s: &Store, a: &verbund_core::AuthorityId, action: &str) -> usize {
    let audit = ok(s.tenant(a).audit_entries(None, 200).await, "audit");
    audit.items.iter().filter(|e| e.action == action).count()
}

async fn guard(s: &Store, key: &str) -> (i64, i64) {
    let sql = "SELECT charged, refused FROM login_guards WHERE key = $1";
    verbund_store::testing::testing_pair(s, sql, key)
        .await
        .unwrap_or((0, 0))
}

/// An authority with one clerk, `carla`, whose password is [`GOOD`].
async fn carla(s: &Store) -> (verbund_core::AuthorityId, User) {
    let a = authority(s, "th-a", "16").await;
    let user = ok(
        s.tenant(&a)
            .user_create(&ctx(), new_user("carla", &[Role::Clerk]))
            .await,
        "user",
    );
    (a, user)
}

fn success(outcome: &LoginOutcome, user: &User) -> bool {
    matches!(outcome, LoginOutcome::Success(u) if u.id == user.id)
}

#[tokio::test]
async fn delays_grow_but_the_owner_gets_in_from_a_known_place() {
    let limits = Limits {
        login_account_free_attempts: 3,
        ..Limits::default()
    };
    for db in test_stores_with(true, limits).await {
        let s = &db.store;
        let clock = db.clock.as_ref().unwrap();
        let (a, user) = carla(s).await;
        // The owner's usual place.
        assert!(success(&login(s, "CARLA", GOOD, "10.0.0.1").await, &user));
        for _ in 0..3 {
            assert_eq!(
                login(s, "carla", "falsch-falsch", "10.0.0.2").await,
                LoginOutcome::Invalid
            );
        }
        // From anywhere new, even the right password now waits (no check at all) ...
        for from in ["10.0.0.2", "10.0.0.3"] {
            assert_eq!(
                login(s, "carla", GOOD, from).await,
                LoginOutcome::Throttled,
                "{}",
                db.label
            );
        }
        // ... but not from the place the account used before.
        assert!(
            success(&login(s, "carla", GOOD, "10.0.0.1").await, &user),
            "{}",
            db.label
        );
        // After the first delay (1 s) one more attempt gets through; then it doubles.
        clock.advance_seconds(1);
        assert_eq!(
            login(s, "carla", "falsch-falsch", "10.0.0.3").await,
            LoginOutcome::Invalid
        );
        clock.advance_seconds(1);
        assert_eq!(
            login(s, "carla", GOOD, "10.0.0.3").await,
            LoginOutcome::Throttled
        );
        clock.advance_seconds(1);
        assert!(
            success(&login(s, "carla", GOOD, "10.0.0.3").await, &user),
            "{}",
            db.label
        );
        // An unknown name answers exactly the same way.
        for _ in 0..3 {
            assert_eq!(
                login(s, "niemand", "falsch-falsch", "10.0.0.2").await,
                LoginOutcome::Invalid
            );
        }
        assert_eq!(
            login(s, "niemand", GOOD, "10.0.0.2").await,
            LoginOutcome::Throttled
        );
        // Audited: every checked failure, and one entry per run of refusals.
        assert_eq!(actions(s, &a, "login.failure").await, 4);
        assert_eq!(actions(s, &a, "login.throttled").await, 2, "{}", db.label);
    }
}

#[tokio::test]
async fn an_address_is_guarded_and_successful_logins_give_their_attempt_back() {
    let limits = Limits {
        login_address_free_attempts: 4,
        ..Limits::default()
    };
    for db in test_stores_with(true, limits).await {
        let s = &db.store;
        let (_, user) = carla(s).await;
        // Many people behind one address log in all day.
        for _ in 0..10 {
            assert!(success(&login(s, "carla", GOOD, "10.0.0.9").await, &user));
        }
        // Guesses at many names from it do not.
        for n in 0..4 {
            let name = format!("name{n}");
            assert_eq!(
                login(s, &name, "falsch-falsch", "10.0.0.9").await,
                LoginOutcome::Invalid
            );
        }
        assert_eq!(
            login(s, "carla", GOOD, "10.0.0.9").await,
            LoginOutcome::Throttled
        );
        // IPv6: the whole /64 is one address; the next /64 is another.
        for n in 0..4 {
            let from = format!("2001:db8:0:1::{n}");
            assert_eq!(
                login(s, "x", "falsch-falsch", &from).await,
                LoginOutcome::Invalid
            );
        }
        assert_eq!(
            login(s, "carla", GOOD, "2001:db8:0:1:ffff::1").await,
            LoginOutcome::Throttled
        );
        assert!(success(
            &login(s, "carla", GOOD, "2001:db8:0:2::1").await,
            &user
        ));
        assert_eq!(
            guard(s, "addr:2001:db8:0:1::/64").await.0,
            4,
            "{}",
            db.label
        );
    }
}

/// The review's attack: 300 attempts at once, the right password last. The guards are
/// charged in one statement each, so no more than the free attempts reach a password check.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_attempts_cannot_overrun_the_guards() {
    for db in test_stores_with(true, Limits::default()).await {
        let s = db.store.clone();
        let (a, _) = carla(&s).await;
        let attempts: Vec<_> = (0..300)
            .map(|n| {
                let s = s.clone();
                tokio::spawn(async move {
                    let password = if n == 299 { GOOD } else { "falsch-falsch" };
                    login(&s, "carla", password, "192.0.2.1").await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for attempt in attempts {
            outcomes.push(attempt.await.unwrap());
        }
        let count = |o: &LoginOutcome| outcomes.iter().filter(|x| *x == o).count();
        let limits = Limits::default();
        let free = usize::try_from(limits.login_account_free_attempts).unwrap();
        assert!(
            !outcomes
                .iter()
                .any(|o| matches!(o, LoginOutcome::Success(_))),
            "{}: the 300th attempt got in",
            db.label
        );
        assert_eq!(count(&LoginOutcome::Invalid), free, "{}", db.label);
        assert_eq!(count(&LoginOutcome::Throttled), 300 - free);
        // The counters add up: the address took its free attempts, the name its own.
        let address_free = i64::from(limits.login_address_free_attempts);
        let account_free = i64::from(limits.login_account_free_attempts);
        assert_eq!(
            guard(&s, "addr:192.0.2.1").await,
            (address_free, 300 - address_free)
        );
        assert_eq!(
            guard(&s, "name:carla").await,
            (account_free, address_free - account_free)
        );
        assert_eq!(actions(&s, &a, "login.failure").await, free);
        assert_eq!(actions(&s, &a, "login.throttled").await, 1, "{}", db.label);
    }
}

#[tokio::test]
async fn password_recovery_ends_every_session_and_lifts_the_delays() {
    let limits = Limits {
        login_account_free_attempts: 2,
        ..Limits::default()
    };
    for db in test_stores_with(true, limits).await {
        let s = &db.store;
        let (a, user) = carla(s).await;
        let sessions = [
            ok(s.auth().session_create(user.id, &a).await, "s1"),
            ok(s.auth().session_create(user.id, &a).await, "s2"),
        ];
        for _ in 0..2 {
            login(s, "carla", "falsch-falsch", "10.0.0.2").await;
        }
        assert_eq!(
            login(s, "carla", GOOD, "10.0.0.2").await,
            LoginOutcome::Throttled
        );
        let new = Password::new("ein-ganz-neues-passwort").unwrap();
        assert_eq!(
            ok(s.admin().password_set(&ctx(), user.id, new).await, "set"),
            2
        );
        for secret in &sessions {
            assert_eq!(
                ok(s.auth().session(secret).await, "ended"),
                None,
                "{}",
                db.label
            );
        }
        assert!(success(
            &login(s, "carla", "ein-ganz-neues-passwort", "10.0.0.2").await,
            &user
        ));
        // "Log out everywhere" does the same for the user's own sessions.
        let s3 = ok(s.auth().session_create(user.id, &a).await, "s3");
        assert_eq!(ok(s.auth().sessions_end_all(&ctx(), &user).await, "all"), 1);
        assert_eq!(actions(s, &a, "session.end_all").await, 1);
        assert_eq!(ok(s.auth().session(&s3).await, "ended"), None);
    }
}

#[tokio::test]
async fn housekeeping_removes_expired_state_under_one_lease() {
    use verbund_store::housekeeping::{lease_take, run};
    for db in test_stores_with(true, Limits::default()).await {
        let s = &db.store;
        let clock = db.clock.as_ref().unwrap();
        let (a, user) = carla(s).await;
        let session = ok(s.auth().session_create(user.id, &a).await, "session");
        login(s, "carla", "falsch-falsch", "10.0.0.2").await;
        assert!(ok(lease_take(s, "housekeeping", "p1", 60).await, "p1"));
        assert!(!ok(
            lease_take(s, "housekeeping", "p2", 60).await,
            "p2 waits"
        ));
        assert!(ok(
            lease_take(s, "housekeeping", "p1", 60).await,
            "p1 renews"
        ));
        let dir = tempfile::tempdir().unwrap();
        let blobs = verbund_store::blobs::BlobStore::open(
            &verbund_store::blobs::BlobLocation::Local(dir.path().to_path_buf()),
        )
        .unwrap();
        let fresh = ok(run(s, &blobs, 3600).await, "fresh");
        assert_eq!((fresh.sessions_removed, fresh.login_guards_removed), (0, 0));
        clock.advance_seconds(Limits::default().login_window_seconds + 1);
        let later = ok(run(s, &blobs, 3600).await, "later");
        assert_eq!(later.sessions_removed, 1, "{}", db.label);
        assert_eq!(later.login_guards_removed, 2, "the name and the address");
        assert_eq!(ok(s.auth().session(&session).await, "gone"), None);
        assert!(ok(
            lease_take(s, "housekeeping", "p2", 60).await,
            "expired lease"
        ));
    }
}

#[tokio::test]
async fn a_node_secret_is_made_once_and_shared() {
    for db in test_stores_with(false, Limits::default()).await {
        let first = ok(db.store.admin().node_secret("login-csrf").await, "first");
        let again = ok(db.store.admin().node_secret("login-csrf").await, "again");
        let other = ok(db.store.admin().node_secret("etwas-anderes").await, "other");
        assert_eq!(first, again, "{}", db.label);
        assert_ne!(first, other);
    }
}
