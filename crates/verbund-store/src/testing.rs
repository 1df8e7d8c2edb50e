//! Test harness: a fresh, migrated database on every backend the environment provides.
//!
//! SQLite always; PostgreSQL when `VERBUND_TEST_DATABASE_URL` names a server where the user
//! may create databases (each call creates a new database, so tests never share state).
//! Without it the PostgreSQL half prints `skipped: …`, and fails when `CI=true`.

use std::sync::Arc;

use sqlx::Connection;
use verbund_core::{Clock, FixedClock, Limits, SystemClock, Timestamp};

use crate::{Store, StoreError};

/// A migrated store and what keeps it alive.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// `sqlite` or `postgres`, for assertion messages.
    pub label: &'static str,
    /// The clock the store uses, when the test asked for a fixed one.
    pub clock: Option<Arc<FixedClock>>,
    /// The database URL (for tests that start a second process on it).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The environment variable naming a PostgreSQL server for tests.
pub const PG_ENV: &str = "VERBUND_TEST_DATABASE_URL";

/// A fresh database on each available backend, with the system clock.
pub async fn test_stores() -> Vec<TestDb> {
    test_stores_with(false, Limits::default()).await
}

/// A fresh database on each available backend; with `fixed_clock` the stores share no
/// clock but each gets its own [`FixedClock`] at 2026-11-24T08:00:00Z.
pub async fn test_stores_with(fixed_clock: bool, limits: Limits) -> Vec<TestDb> {
    let mut dbs = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("verbund.db").display()
    );
    dbs.push(open("sqlite", url, Some(dir), fixed_clock, limits.clone()).await);
    match postgres_url().await {
        Some(url) => dbs.push(open("postgres", url, None, fixed_clock, limits).await),
        None => skip_postgres(),
    }
    dbs
}

/// Says that the PostgreSQL half was skipped, or fails under CI.
pub fn skip_postgres() {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{PG_ENV} must be set when CI=true: the PostgreSQL suite may not be skipped in CI"
    );
    say_skipped(&format!(
        "PostgreSQL half of this test ({PG_ENV} is not set)"
    ));
}

async fn open(
    label: &'static str,
    url: String,
    dir: Option<tempfile::TempDir>,
    fixed_clock: bool,
    limits: Limits,
) -> TestDb {
    let fixed = fixed_clock.then(|| Arc::new(FixedClock::new(Timestamp(1_795_507_200_000))));
    let clock: Arc<dyn Clock> = match &fixed {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let store = Store::connect(&url, clock, limits)
        .await
        .unwrap_or_else(|e| panic!("{label}: connect: {e}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("{label}: migrate: {e}"));
    // As in the server: on PostgreSQL, every test also exercises the token cache.
    store.token_cache_start().await;
    TestDb {
        store,
        label,
        clock: fixed,
        url,
        _dir: dir,
    }
}

/// Creates a new empty database on the test PostgreSQL server and returns its URL.
pub async fn postgres_url() -> Option<String> {
    let base = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty())?;
    let name = format!("verbund_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{PG_ENV}: cannot connect: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{PG_ENV}: cannot create a database: {e}"));
    let _ = conn.close().await;
    let mut url = url::Url::parse(&base).expect("VERBUND_TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    Some(url.to_string())
}

/// Maps a store error to a readable panic in tests.
pub fn ok<T>(r: Result<T, StoreError>, what: &str) -> T {
    r.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The read-only `shared/` data directory beside the checkout (the first ancestor of
/// `start` with a `shared/testdata` child). `None` after printing `skipped: …` when absent;
/// panics instead when `CI=true`, because CI must never pass by skipping.
#[must_use]
pub fn shared_dir(start: &std::path::Path, test: &str) -> Option<std::path::PathBuf> {
    let found = start
        .ancestors()
        .map(|dir| dir.join("shared"))
        .find(|shared| shared.join("testdata").is_dir());
    if found.is_none() {
        let reason = "no ancestor of the crate directory has shared/testdata";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: {reason} (CI=true)"
        );
        say_skipped(&format!("{test}: {reason}"));
    }
    found
}

/// Runs raw SQL against a test database (to simulate tampering or a newer binary).
pub async fn testing_sql(store: &Store, sql: &str) {
    sqlx::query(sql)
        .execute(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The store's pool, for tests that must see a database error themselves.
#[must_use]
pub fn pool(store: &Store) -> &sqlx::AnyPool {
    store.pool()
}

/// Reads one integer with raw SQL (a pragma, a count).
pub async fn testing_scalar(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Reads two integers with raw SQL from a test database (`None` without a row).
pub async fn testing_pair(store: &Store, sql: &str, bind: &str) -> Option<(i64, i64)> {
    sqlx::query_as(sql)
        .bind(bind)
        .fetch_optional(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The environment variable naming an S3-compatible bucket for tests, as
/// `http://host:port/bucket` (credentials from the usual `AWS_*` variables).
pub const S3_ENV: &str = "VERBUND_TEST_S3_URL";

/// The blob locations to test: a fresh local directory always, and the S3 bucket named by
/// `VERBUND_TEST_S3_URL` (under a fresh prefix-free bucket path) when set. Without it the
/// S3 half prints `skipped: …`, and fails when `CI=true`.
#[must_use]
pub fn blob_locations(dir: &std::path::Path) -> Vec<(&'static str, crate::blobs::BlobLocation)> {
    let mut out = vec![(
        "local",
        crate::blobs::BlobLocation::Local(dir.join("blobs")),
    )];
    let Some(raw) = std::env::var(S3_ENV).ok().filter(|s| !s.is_empty()) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{S3_ENV} must be set when CI=true: the S3 suite may not be skipped in CI"
        );
        say_skipped(&format!("S3 half of this test ({S3_ENV} is not set)"));
        return out;
    };
    let url = url::Url::parse(&raw).unwrap_or_else(|e| panic!("{S3_ENV}: {e}"));
    let bucket = url.path().trim_matches('/').to_owned();
    assert!(
        !bucket.is_empty(),
        "{S3_ENV} must name a bucket: http://host:port/bucket"
    );
    let endpoint = format!("{}://{}", url.scheme(), url.authority());
    out.push((
        "s3",
        crate::blobs::BlobLocation::S3 {
            bucket,
            endpoint: Some(endpoint),
        },
    ));
    out
}

/// Prints `skipped: <what>` on the process's real stderr: the test harness captures `print!`
/// and `eprint!` of passing tests, and a skip must be visible in a passing run.
pub fn say_skipped(what: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {what}");
}

/// The migration version [`pretend_newer_binary_migrated`] records.
pub const FUTURE_MIGRATION: i64 = 99_990_001;

/// Records a migration this binary does not know, as if a newer Verbund had migrated the
/// database (for the refuse-newer-schema tests).
pub async fn pretend_newer_binary_migrated(store: &Store) {
    let checksum = match store.backend() {
        crate::Backend::Sqlite => "X'00'",
        crate::Backend::Postgres => "'\\x00'::bytea",
    };
    testing_sql(
        store,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES ({FUTURE_MIGRATION}, 'from the future', TRUE, {checksum}, 0)"
        ),
    )
    .await;
}
