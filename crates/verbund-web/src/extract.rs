//! Request extractors that turn every decoding failure into a problem+json error, and that
//! resolve the caller (bearer token for the API, session cookie for the UI).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use verbund_core::{AuthorityId, ErrorCode, RequestId, Role, TokenId};
use verbund_store::{Actor, Context};

use crate::{ApiError, WebState};

/// A JSON body; malformed JSON, wrong types, unknown fields, a wrong content type and an
/// oversized body each give their own problem.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "expected Content-Type: application/json",
            )),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::new(
                    ErrorCode::BodyTooLarge,
                    "the request body exceeds the configured limit",
                ))
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                ErrorCode::BodyTooLarge,
                "the request body exceeds the configured limit",
            )),
            Err(e) => Err(ApiError::new(ErrorCode::MalformedBody, e.body_text())),
        }
    }
}

/// Query parameters; anything that does not decode is a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::new(ErrorCode::InvalidParameter, e.body_text()))
            }
            Err(e) => Err(ApiError::new(ErrorCode::InvalidParameter, e.body_text())),
        }
    }
}

/// The request id the middleware assigned.
pub fn request_id(parts: &Parts) -> RequestId {
    parts
        .extensions
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(RequestId::generate)
}

/// A caller authenticated by an API bearer token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The token.
    pub token_id: TokenId,
    /// The authority the token acts for; every query is scoped to it.
    pub authority: AuthorityId,
    /// The token's role.
    pub role: Role,
    /// The request id.
    pub request_id: RequestId,
}

impl ApiCaller {
    /// The audit context of this caller.
    #[must_use]
    pub fn ctx(&self) -> Context {
        Context {
            actor: Actor::Token(self.token_id),
            request_id: self.request_id.clone(),
        }
    }

    /// Fails with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::forbidden(&names.join(" or ")))
        }
    }
}

impl FromRequestParts<WebState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let unauthenticated = |detail: &str| ApiError::new(ErrorCode::Unauthenticated, detail);
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthenticated("an Authorization: Bearer token is required"))?;
        let secret = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| unauthenticated("the Authorization header must be 'Bearer <token>'"))?;
        let principal = state
            .store()
            .auth()
            .token_principal(secret.trim())
            .await?
            .ok_or_else(|| unauthenticated("the token is unknown, expired or revoked"))?;
        Ok(Self {
            token_id: principal.token_id,
            authority: principal.authority_id,
            role: principal.role,
            request_id: request_id(parts),
        })
    }
}

/// The value of one cookie, if present.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}
