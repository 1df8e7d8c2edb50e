//! Errors as RFC 9457 problem+json (API) with stable codes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use verbund_core::ErrorCode;
use verbund_store::StoreError;

/// An API error: a stable code and a detail for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The stable code; also decides the HTTP status.
    pub code: ErrorCode,
    /// What went wrong, in words the client can act on. Never internal details.
    pub detail: String,
}

/// The problem+json body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:verbund:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short, stable title (German).
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// The explanation for this occurrence.
    pub detail: String,
    /// The stable error code, e.g. `VB-0004`.
    pub code: String,
    /// The request id, to find the request in the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ApiError {
    /// An error with a code and detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }

    /// 404 for an object that does not exist or belongs to another authority.
    #[must_use]
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// 403 for a role that may not do this.
    #[must_use]
    pub fn forbidden(needed: &str) -> Self {
        Self::new(
            ErrorCode::Forbidden,
            format!("this requires the role {needed} in the authority"),
        )
    }

    /// The problem body.
    #[must_use]
    pub fn problem(&self, request_id: Option<String>) -> Problem {
        Problem {
            type_: format!("urn:verbund:problem:{}", self.code.as_str()),
            title: self.code.title_de().to_owned(),
            status: self.code.http_status(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_owned(),
            request_id,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::not_found(what),
            StoreError::Conflict(what) => {
                Self::new(ErrorCode::Conflict, format!("{what} already exists"))
            }
            StoreError::InvalidBlobKey(why) => Self::new(ErrorCode::InvalidParameter, why),
            StoreError::InvalidTransition(why) => Self::new(ErrorCode::InvalidState, why),
            other => {
                tracing::error!(error = %other, "store error");
                Self::new(
                    ErrorCode::Internal,
                    "internal error; see the request id in the logs",
                )
            }
        }
    }
}

impl From<verbund_core::CoreError> for ApiError {
    fn from(e: verbund_core::CoreError) -> Self {
        Self::new(ErrorCode::InvalidParameter, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // The request id is added by the middleware, which knows it.
        let body = serde_json::to_vec(&self.problem(None)).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.code == ErrorCode::Unauthenticated {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"verbund\""),
            );
        }
        res.extensions_mut().insert(self);
        res
    }
}
