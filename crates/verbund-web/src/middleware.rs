//! Cross-cutting request handling: request ids, tracing spans, metrics, security headers,
//! and the not-found / method-not-allowed answers for API and UI.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;
use verbund_core::{ErrorCode, RequestId};

use crate::{ApiError, WebState, ui};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// Assigns the request id, opens the request's span, records metrics and adds headers.
pub(crate) async fn observe(
    State(state): State<WebState>,
    mut req: Request,
    next: Next,
) -> Response {
    let request_id =
        RequestId::for_request(req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()));
    req.extensions_mut().insert(request_id.clone());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = req.method().clone();
    // The method as its metric label: a made-up method of any length never reaches a log line.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        client_request_id = request_id.client(),
        method = crate::ops::method_label(&method),
        route = %route
    );
    let started = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();

    if let Some(err) = res.extensions_mut().remove::<ApiError>() {
        // Re-render problem bodies with the request id, keeping status and headers.
        let (mut parts, _) = res.into_parts();
        let body =
            serde_json::to_vec(&err.problem(Some(request_id.to_string()))).unwrap_or_default();
        parts.headers.remove(header::CONTENT_LENGTH);
        res = Response::from_parts(parts, body.into());
    }
    let status = res.status().as_u16();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(request_id.as_str()) {
        headers.insert(REQUEST_ID, v);
    }
    for (name, value) in SECURITY_HEADERS {
        // A handler may set a stricter policy of its own (the self-contained invoice view).
        headers
            .entry(HeaderName::from_static(name))
            .or_insert(HeaderValue::from_static(value));
    }
    if state.config().secure_cookies() {
        // Reached over https: browsers shall never use plain http for this node again.
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    state
        .metrics()
        .observe(&method, &route, status, elapsed.as_secs_f64());
    span.in_scope(|| {
        let elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        if status >= 500 {
            tracing::error!(status, elapsed_us, "request failed");
        } else {
            tracing::debug!(status, elapsed_us, "request");
        }
    });
    res
}

/// Bounds each request, reading its body included, by `request_timeout` (the handler's
/// future is dropped; blocking work it started holds its own permits and ends on its own).
pub(crate) async fn deadline(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let api = is_api(req.uri());
    match tokio::time::timeout(state.config().request_timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) if api => ApiError::new(
            ErrorCode::Timeout,
            "the request took longer than this node allows; nothing was stored",
        )
        .into_response(),
        Err(_) => ui::error_page(
            ErrorCode::Timeout,
            "Die Anfrage hat zu lange gedauert und wurde abgebrochen; es wurde nichts \
             gespeichert. Bitte versuchen Sie es erneut.",
        ),
    }
}

fn is_api(uri: &Uri) -> bool {
    uri.path().starts_with("/api/")
}

/// 404 for unknown paths: problem+json under `/api/`, an error page elsewhere.
pub(crate) async fn not_found(uri: Uri) -> Response {
    if is_api(&uri) {
        ApiError::not_found("resource").into_response()
    } else {
        ui::error_page(ErrorCode::NotFound, "Die aufgerufene Seite gibt es nicht.")
    }
}

/// 405 for known paths with the wrong method.
pub(crate) async fn method_not_allowed(uri: Uri) -> Response {
    if is_api(&uri) {
        ApiError::new(
            ErrorCode::MethodNotAllowed,
            "this method is not allowed on this resource",
        )
        .into_response()
    } else {
        ui::error_page(
            ErrorCode::MethodNotAllowed,
            "Diese Aktion ist auf dieser Seite nicht möglich.",
        )
    }
}
