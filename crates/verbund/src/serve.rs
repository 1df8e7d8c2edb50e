//! Running the HTTP server: logging, binding, graceful shutdown.

use std::time::Duration;

use anyhow::Context as _;
use tracing_subscriber::EnvFilter;
use verbund_store::Store;
use verbund_store::blobs::BlobStore;
use verbund_store::checkpoint::{CheckpointKey, CheckpointStore};
use verbund_web::{WebConfig, WebState};

use crate::config::{Config, LogFormat};

/// Sets up `tracing` output in the configured format.
pub fn init_logging(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Serves until SIGINT or SIGTERM, then lets requests in flight finish: at most
/// `shutdown_grace_seconds`, after which the caller ends the process (blocking work such as a
/// validation is not waited for; nothing it would have written is committed).
pub async fn serve(config: &Config, store: Store) -> anyhow::Result<()> {
    let blobs = BlobStore::open(&config.blob_location()).context("cannot open the blob store")?;
    let key = crate::audit::load_key(&config.audit_key_path(), true)?
        .context("no audit checkpoint key")?;
    let checkpoints = CheckpointStore::open(&config.checkpoint_location())
        .context("cannot open the audit checkpoint store")?;
    store.token_cache_start().await;
    let state = WebState::new(
        store.clone(),
        blobs.clone(),
        WebConfig {
            public_url: config.public_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
            metrics_token: config.metrics_token.clone(),
            request_timeout: Duration::from_secs(config.request_timeout_seconds),
            login_csrf_key: verbund_web::LoginCsrfKey(
                store
                    .admin()
                    .node_secret("login-csrf")
                    .await
                    .context("cannot read the node's login CSRF key")?,
            ),
        },
    );
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let ops = match config.ops_listen {
        Some(addr) => Some(
            tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} (ops_listen)"))?,
        ),
        None => None,
    };
    tracing::info!(listen = %config.listen, public_url = %config.public_url, ops_listen = ?config.ops_listen, "serving");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let settings = Connections {
        header_read_timeout: Duration::from_secs(config.header_read_timeout_seconds),
        connections_max: config.connections_max,
    };
    let mut servers = tokio::task::JoinSet::new();
    servers.spawn(accept(
        listener,
        verbund_web::router(state.clone()),
        settings,
        stop_rx.clone(),
    ));
    if let Some(ops) = ops {
        servers.spawn(accept(
            ops,
            verbund_web::ops_router(state),
            settings,
            stop_rx.clone(),
        ));
    }
    let mut periodic = spawn_periodic(config, &store, blobs, checkpoints, key);
    shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    periodic.abort_all();
    let _ = stop_tx.send(true);
    let grace = Duration::from_secs(config.shutdown_grace_seconds);
    let drained = tokio::time::timeout(grace, async {
        while servers.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("shutdown grace period over; closing remaining connections");
        servers.abort_all();
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How connections are bounded.
#[derive(Debug, Clone, Copy)]
struct Connections {
    /// Until a request's headers are complete, also for an idle keep-alive connection waiting
    /// for its next request (hyper starts the timer when it starts reading a request).
    header_read_timeout: Duration,
    /// Connections open at once; beyond it the listener stops accepting (the kernel's
    /// backlog holds new ones) until one closes.
    connections_max: usize,
}

/// Accepts connections until `stop`, serving each with hyper's HTTP/1 under the bounds; then
/// waits until every connection has finished its request in flight.
async fn accept(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    bounds: Connections,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(bounds.connections_max));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(bounds.header_read_timeout)
        .keep_alive(true);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                let mut app = app.clone();
                async move {
                    use tower::Service as _;
                    app.call(req.map(axum::body::Body::new)).await
                }
            });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Runs `round` every `interval_seconds` in one process of the node at a time: each round
/// first takes the database lease `name` for one interval. 0 turns it off.
async fn periodic<F, Fut>(store: Store, name: &'static str, interval_seconds: u64, mut round: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if interval_seconds == 0 {
        return;
    }
    let holder = uuid::Uuid::new_v4().to_string();
    let ttl = i64::try_from(interval_seconds).unwrap_or(i64::MAX);
    let mut ticks = tokio::time::interval(Duration::from_secs(interval_seconds));
    loop {
        ticks.tick().await;
        match verbund_store::housekeeping::lease_take(&store, name, &holder, ttl).await {
            Ok(true) => round().await,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, lease = name, "cannot take the lease"),
        }
    }
}

/// Housekeeping (sessions, login guards, the blob sweep) and signed audit checkpoints.
fn spawn_periodic(
    config: &Config,
    store: &Store,
    blobs: BlobStore,
    checkpoints: CheckpointStore,
    key: CheckpointKey,
) -> tokio::task::JoinSet<()> {
    let mut tasks = tokio::task::JoinSet::new();
    let grace_seconds = config.blob_sweep_grace_seconds;
    let db = store.clone();
    tasks.spawn(periodic(
        store.clone(),
        "housekeeping",
        config.housekeeping_interval_seconds,
        move || {
            let (db, blobs) = (db.clone(), blobs.clone());
            async move {
                match verbund_store::housekeeping::run(&db, &blobs, grace_seconds).await {
                    Ok(done) => tracing::info!(
                        sessions = done.sessions_removed,
                        login_guards = done.login_guards_removed,
                        orphan_blobs = done.sweep.orphans.len(),
                        temp_files = done.sweep.temp_files.len(),
                        "housekeeping done"
                    ),
                    Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
                }
            }
        },
    ));
    let db = store.clone();
    tasks.spawn(periodic(
        store.clone(),
        "audit-checkpoint",
        config.audit_checkpoint_interval_seconds,
        move || {
            let (db, checkpoints, key) = (db.clone(), checkpoints.clone(), key.clone());
            async move {
                match checkpoints.write(&db, &key).await {
                    Ok(c) => tracing::info!(heads = c.body.heads.len(), "audit checkpoint signed"),
                    Err(e) => tracing::error!(error = %e, "audit checkpoint failed"),
                }
            }
        },
    ));
    tasks
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
