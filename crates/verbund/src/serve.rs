//! Running the HTTP server: logging, binding, graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use tracing_subscriber::EnvFilter;
use verbund_store::Store;
use verbund_store::blobs::BlobStore;
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

/// Serves until SIGINT or SIGTERM, then lets requests in flight finish (bounded by
/// `shutdown_grace_seconds`).
pub async fn serve(config: &Config, store: Store) -> anyhow::Result<()> {
    let blobs = BlobStore::open(&config.blob_location()).context("cannot open the blob store")?;
    store.token_cache_start().await;
    let state = WebState::new(
        store.clone(),
        blobs,
        WebConfig {
            public_url: config.public_url.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
        },
    );
    let app = verbund_web::router(state);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(listen = %config.listen, public_url = %config.public_url, "serving");
    let grace = Duration::from_secs(config.shutdown_grace_seconds);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = tx.send(());
    });
    let server = tokio::spawn(async move { server.await });
    // Bound the drain: after the signal, wait at most `grace` for the server to finish.
    let drained = async {
        let _ = rx.await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        res = server => { res.context("server task failed")?.context("server failed")?; }
        () = drained => { tracing::warn!("shutdown grace period over; closing remaining connections"); }
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
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
