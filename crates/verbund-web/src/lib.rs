//! Verbund's HTTP layer: the JSON API under `/api/v1` (with its OpenAPI 3.1 document), the
//! server-rendered German web UI, authentication (bearer tokens, session cookies, CSRF),
//! and the operational endpoints `/healthz`, `/readyz` and `/metrics`.
//!
//! Handlers are thin: they decode, check the caller's role, call the store through a
//! tenant-scoped handle and encode. Errors become RFC 9457 problem+json for the API and an
//! error page for the UI, both with a stable code from [`verbund_core::ErrorCode`].
//! This crate does not open databases or read configuration; the binary does and hands in a
//! [`WebState`].

pub mod api;
mod extract;
pub mod intake;
mod middleware;
mod ops;
mod problem;
pub mod ui;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use verbund_store::Store;
use verbund_store::blobs::BlobStore;

pub use problem::ApiError;

/// Settings the web layer needs from the node's configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The URL people reach the node at; `https://` makes cookies `Secure` and adds HSTS.
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for login throttling).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The bearer token for `/metrics` on the public listener; without one it is not there
    /// (the operations listener, [`ops_router`], serves it).
    pub metrics_token: Option<String>,
    /// The longest a request may take, reading its body included.
    pub request_timeout: std::time::Duration,
    /// The key that signs the login form's CSRF value, the same in every process of the node
    /// (`AdminStore::node_secret`).
    pub login_csrf_key: LoginCsrfKey,
}

/// The login CSRF signing key; never printed.
#[derive(Clone)]
pub struct LoginCsrfKey(pub [u8; 32]);

impl std::fmt::Debug for LoginCsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginCsrfKey(…)")
    }
}

impl WebConfig {
    /// Whether cookies must carry the `Secure` attribute.
    #[must_use]
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Everything a handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct WebState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    blobs: BlobStore,
    config: WebConfig,
    metrics: ops::Metrics,
}

impl WebState {
    /// Bundles the store, the blob store and the web settings.
    #[must_use]
    pub fn new(store: Store, blobs: BlobStore, config: WebConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                blobs,
                config,
                metrics: ops::Metrics::new(),
            }),
        }
    }

    /// The database.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The blob store.
    #[must_use]
    pub fn blobs(&self) -> &BlobStore {
        &self.inner.blobs
    }

    /// The web settings.
    #[must_use]
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    pub(crate) fn metrics(&self) -> &ops::Metrics {
        &self.inner.metrics
    }
}

/// The operations listener's application: `/healthz`, `/readyz` and `/metrics`, open.
pub fn ops_router(state: WebState) -> Router {
    ops::ops_router()
        .fallback(middleware::not_found)
        .with_state(state)
}

/// The whole application: API, UI and operational endpoints with their middleware.
pub fn router(state: WebState) -> Router {
    let body_limit = state.store().limits().body_bytes_max;
    Router::new()
        .merge(api::router(state.store().limits().einvoice_bytes_max))
        .merge(ui::router(state.store().limits().einvoice_bytes_max))
        .merge(ops::router())
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::deadline,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::observe,
        ))
        .with_state(state)
}
