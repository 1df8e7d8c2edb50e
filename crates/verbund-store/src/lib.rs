//! Verbund's storage: SQLite (embedded default) and PostgreSQL (production) through sqlx,
//! with the same SQL on both.
//!
//! Every query about tenant data goes through a [`TenantStore`] obtained from
//! [`Store::tenant`], which binds the authority id into each statement, so an unscoped read
//! cannot be written by accident. Operations that span authorities live in [`admin`]
//! (node administration) and [`auth`] (resolving credentials before the tenant is known).
//! Every change is written together with its audit entry in one transaction
//! ([`audit::Change`]). Blobs go to an `object_store` backend ([`blobs`]).
//!
//! This crate knows nothing about HTTP or the command line.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod checkpoint;
pub mod einvoices;
mod error;
pub mod housekeeping;
mod records;
pub mod sweep;
mod tenant;
mod token_cache;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use verbund_core::{AuthorityId, Clock, Limits, RequestId};

pub use error::StoreError;
pub use records::{Actor, ApiToken, AuditEntry, Authority, Membership, NewAuthority, Page, User};
pub use tenant::{Member, NewUser, TenantStore};

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite in WAL mode.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Who is acting and under which request: recorded with every change in the audit log.
#[derive(Debug, Clone)]
pub struct Context {
    /// The acting principal.
    pub actor: Actor,
    /// The request (or CLI run) that caused the change.
    pub request_id: RequestId,
}

/// A handle to the database. Cheap to clone; all clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
    limits: Arc<Limits>,
    /// Kept for the revocation listener; holds the password, so never printed.
    database_url: Arc<str>,
    tokens: Arc<token_cache::TokenCache>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `database_url` (`sqlite://…` or `postgres://…`). Does not migrate.
    pub async fn connect(
        database_url: &str,
        clock: Arc<dyn Clock>,
        limits: Limits,
    ) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if database_url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let options = AnyPoolOptions::new()
            .max_connections(limits.database_connections_max.max(1))
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 10000",
                    ] {
                        conn.execute(pragma).await?;
                    }
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(database_url).await?;
        Ok(Self {
            pool,
            backend,
            clock,
            limits: Arc::new(limits),
            database_url: database_url.into(),
            tokens: Arc::default(),
        })
    }

    /// Applies pending migrations. Refuses a database whose schema is newer than this binary.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = self.migrator();
        match migrator.run(&self.pool).await {
            Ok(()) => Ok(()),
            Err(sqlx::migrate::MigrateError::VersionMissing(version)) => {
                Err(StoreError::SchemaTooNew {
                    found: version,
                    known: migrator.iter().map(|m| m.version).max().unwrap_or(0),
                })
            }
            Err(e) => Err(StoreError::Migration(e)),
        }
    }

    /// The versions of this binary's migrations, newest last.
    #[must_use]
    pub fn known_migrations(&self) -> Vec<(i64, String)> {
        self.migrator()
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Which engine this store uses.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The clock all stored times come from.
    #[must_use]
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// The configured limits.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The handle for one authority's data. Every query through it is scoped to `authority`.
    #[must_use]
    pub fn tenant<'a>(&'a self, authority: &'a AuthorityId) -> TenantStore<'a> {
        TenantStore::new(self, authority)
    }

    /// Node administration across authorities (operators, CLI, demo loader).
    #[must_use]
    pub fn admin(&self) -> admin::AdminStore<'_> {
        admin::AdminStore::new(self)
    }

    /// Credential resolution: tokens, sessions, logins.
    #[must_use]
    pub fn auth(&self) -> auth::AuthStore<'_> {
        auth::AuthStore::new(self)
    }

    /// Turns on the cache of verified API tokens (PostgreSQL only; a no-op on SQLite), kept in
    /// sync with revocations in every process through `LISTEN`/`NOTIFY`. Call it once in a
    /// long-running process (the server); must run inside a Tokio runtime. Returns after the
    /// first attempt to listen; if that failed the cache stays off and keeps retrying.
    pub async fn token_cache_start(&self) {
        if self.backend == Backend::Postgres {
            token_cache::listen(self.tokens.clone(), self.database_url.to_string()).await;
        }
    }

    /// Whether verified API tokens are served from memory right now (see
    /// [`Store::token_cache_start`]).
    #[must_use]
    pub fn token_cache_active(&self) -> bool {
        self.tokens.active()
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) fn token_cache(&self) -> &token_cache::TokenCache {
        &self.tokens
    }
}

#[cfg(feature = "testing")]
pub mod testing;
