use std::fmt;

/// Errors in values that came from outside (ids, keys, names) and failed validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// An identifier does not have the documented syntax.
    #[error("invalid {kind}: {reason}")]
    InvalidId {
        /// Which kind of identifier (e.g. "authority id").
        kind: &'static str,
        /// Why it was refused, in words a client can act on.
        reason: String,
    },
    /// A role name that is not one of administrator, clerk, auditor.
    #[error("unknown role {0:?}; expected administrator, clerk or auditor")]
    UnknownRole(String),
    /// A government key that is not one of the 16 Länder or the Bund.
    #[error("unknown government key {0:?}")]
    UnknownGovernment(String),
    /// An authority kind that Verbund does not know.
    #[error("unknown authority kind {0:?}")]
    UnknownAuthorityKind(String),
}

/// A stable, documented error code shown to API clients (problem+json `code`) and on error
/// pages. Codes never change meaning once released; new ones are appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `VB-0001` The request body is not valid JSON or does not match the schema.
    MalformedBody,
    /// `VB-0002` The request body is larger than the configured limit.
    BodyTooLarge,
    /// `VB-0003` A path or query parameter is invalid.
    InvalidParameter,
    /// `VB-0004` No valid credentials were presented.
    Unauthenticated,
    /// `VB-0005` The credentials are valid but lack the required role.
    Forbidden,
    /// `VB-0006` The object does not exist (or belongs to another authority).
    NotFound,
    /// `VB-0007` The object already exists.
    Conflict,
    /// `VB-0008` Too many attempts; retry later.
    RateLimited,
    /// `VB-0009` The content type is not supported by this endpoint.
    UnsupportedMediaType,
    /// `VB-0010` A form or CSRF token was missing or wrong.
    CsrfFailed,
    /// `VB-0011` The method is not allowed on this resource.
    MethodNotAllowed,
    /// `VB-0012` The object's state does not allow this step (e.g. paying an unapproved
    /// invoice).
    InvalidState,
    /// `VB-0500` An internal error; the request id identifies it in the logs.
    Internal,
    /// `VB-0503` The service is not ready (database unreachable).
    Unavailable,
    /// `VB-0408` The request took longer than the node allows (a slow upload, or work that
    /// did not finish in time); nothing was stored.
    Timeout,
}

impl ErrorCode {
    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 15] = [
        Self::MalformedBody,
        Self::BodyTooLarge,
        Self::InvalidParameter,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::RateLimited,
        Self::UnsupportedMediaType,
        Self::CsrfFailed,
        Self::MethodNotAllowed,
        Self::InvalidState,
        Self::Internal,
        Self::Unavailable,
        Self::Timeout,
    ];

    /// The code as shown to clients, e.g. `VB-0004`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedBody => "VB-0001",
            Self::BodyTooLarge => "VB-0002",
            Self::InvalidParameter => "VB-0003",
            Self::Unauthenticated => "VB-0004",
            Self::Forbidden => "VB-0005",
            Self::NotFound => "VB-0006",
            Self::Conflict => "VB-0007",
            Self::RateLimited => "VB-0008",
            Self::UnsupportedMediaType => "VB-0009",
            Self::CsrfFailed => "VB-0010",
            Self::MethodNotAllowed => "VB-0011",
            Self::InvalidState => "VB-0012",
            Self::Internal => "VB-0500",
            Self::Unavailable => "VB-0503",
            Self::Timeout => "VB-0408",
        }
    }

    /// The HTTP status that goes with the code.
    #[must_use]
    pub fn http_status(self) -> u16 {
        match self {
            Self::MalformedBody | Self::InvalidParameter => 400,
            Self::Unauthenticated => 401,
            Self::Forbidden | Self::CsrfFailed => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict | Self::InvalidState => 409,
            Self::BodyTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
            Self::Timeout => 408,
        }
    }

    /// A short German title for error pages and problem+json `title`.
    #[must_use]
    pub fn title_de(self) -> &'static str {
        match self {
            Self::MalformedBody => "Ungültige Anfrage",
            Self::BodyTooLarge => "Anfrage zu groß",
            Self::InvalidParameter => "Ungültiger Parameter",
            Self::Unauthenticated => "Anmeldung erforderlich",
            Self::Forbidden => "Keine Berechtigung",
            Self::NotFound => "Nicht gefunden",
            Self::Conflict => "Bereits vorhanden",
            Self::RateLimited => "Zu viele Versuche",
            Self::UnsupportedMediaType => "Nicht unterstütztes Format",
            Self::CsrfFailed => "Formular abgelaufen",
            Self::MethodNotAllowed => "Methode nicht erlaubt",
            Self::InvalidState => "Schritt nicht möglich",
            Self::Internal => "Interner Fehler",
            Self::Unavailable => "Dienst nicht bereit",
            Self::Timeout => "Zeit überschritten",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let codes: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.http_status()), "{code}");
            assert!(code.as_str().starts_with("VB-"));
        }
    }
}
