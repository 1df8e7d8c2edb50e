//! Operational endpoints (`/healthz`, `/readyz`, `/metrics`) and the request metrics.
//!
//! Every label value comes from a fixed set (the method from the standard ones, the route
//! template the router matched, the status class), so no request can add a series: the
//! review grew `/metrics` to 734 MB with 800 requests of made-up methods. `/metrics` itself
//! is served on the operations listener (`ops_listen`), and on the public listener only with
//! the bearer token `metrics_token`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use verbund_core::ErrorCode;

use crate::{ApiError, WebState};

/// The process's HTTP metrics, exposed in the Prometheus text format.
pub(crate) struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    validations: IntGauge,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let registry = Registry::new_custom(Some("verbund".into()), None)
            .expect("a fixed, valid metric prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route and status class",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric definition");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0,
                ],
            ),
            &["method", "route"],
        )
        .expect("valid metric definition");
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(latency.clone()))
            .expect("registered once");
        let validations = IntGauge::new(
            "validations_running",
            "Validations and invoice views running now (at most one per core)",
        )
        .expect("valid metric definition");
        registry
            .register(Box::new(validations.clone()))
            .expect("registered once");
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .expect("registered once");
        Self {
            registry,
            requests,
            latency,
            validations,
        }
    }

    /// Counts a request. `route` must be a route template of the router (or `unmatched`).
    pub(crate) fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let method = method_label(method);
        let status = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.requests
            .with_label_values(&[method, route, status])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    fn render(&self) -> Vec<u8> {
        self.validations
            .set(i64::try_from(crate::intake::validations_running()).unwrap_or(i64::MAX));
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for well-formed metrics.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        out
    }
}

/// The method as a label: one of the standard methods, else `other`.
pub(crate) fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The operational endpoints of the public listener: `/metrics` only with the token.
pub(crate) fn router() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_with_token))
}

/// The operations listener: health, readiness and metrics, without authentication (bind it
/// to an address only the monitoring reaches).
pub(crate) fn ops_router() -> Router<WebState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn metrics_with_token(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (&state.config().metrics_token, given) {
        (Some(token), Some(given))
            if crate::ui::constant_time_eq(token.as_bytes(), given.as_bytes()) =>
        {
            metrics(State(state)).await
        }
        (Some(_), _) => ApiError::new(ErrorCode::Unauthenticated, "the metrics need their token")
            .into_response(),
        (None, _) => ApiError::not_found("resource").into_response(),
    }
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<WebState>) -> Response {
    match state.store().ping().await {
        Ok(()) => "ready\n".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            ApiError::new(ErrorCode::Unavailable, "the database does not answer").into_response()
        }
    }
}

async fn metrics(State(state): State<WebState>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(),
    )
        .into_response()
}
