use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::CoreError;

/// The id of an authority (the tenant): a short lowercase slug such as `sn-sid` or
/// `by-pp-oberfranken`, 2–64 characters of `a-z`, `0-9` and inner `-`.
///
/// A slug rather than a UUID because operators type it (`verbund admin token create
/// --authority sn-sid`) and it appears in audit exports; it never changes once created.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AuthorityId(String);

impl AuthorityId {
    /// Validates and wraps a slug.
    pub fn new(s: &str) -> Result<Self, CoreError> {
        let invalid = |reason: &str| CoreError::InvalidId {
            kind: "authority id",
            reason: reason.to_owned(),
        };
        if !(2..=64).contains(&s.len()) {
            return Err(invalid("must be 2 to 64 characters long"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(invalid("only a-z, 0-9 and '-' are allowed"));
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(invalid("'-' only between other characters"));
        }
        Ok(Self(s.to_owned()))
    }

    /// The slug.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AuthorityId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<AuthorityId> for String {
    fn from(id: AuthorityId) -> Self {
        id.0
    }
}

impl std::str::FromStr for AuthorityId {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for AuthorityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Defines a UUID-backed id newtype.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered id (UUID v7).
            #[must_use]
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            #[must_use]
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::try_parse(s).map(Self).map_err(|_| CoreError::InvalidId {
                    kind: $kind,
                    reason: "expected a UUID such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
                        .to_owned(),
                })
            }
        }

        impl TryFrom<String> for $name {
            type Error = CoreError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0.to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

uuid_id!(
    /// The id of a user account.
    UserId,
    "user id"
);
uuid_id!(
    /// The id of an API token (not the secret).
    TokenId,
    "token id"
);

/// A login name: 3–64 characters of `a-z`, `0-9`, `.`, `_`, `-`; case-folded on input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Validates, lowercases and wraps a login name.
    pub fn new(s: &str) -> Result<Self, CoreError> {
        let s = s.trim().to_ascii_lowercase();
        let ok_len = (3..=64).contains(&s.len());
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok_len && ok_chars {
            Ok(Self(s))
        } else {
            Err(CoreError::InvalidId {
                kind: "username",
                reason: "3 to 64 characters of a-z, 0-9, '.', '_' and '-'".to_owned(),
            })
        }
    }

    /// The login name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> Self {
        u.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of one HTTP request, always generated by the server, and the id the caller sent
/// in `x-request-id`, if it was sane, kept apart: logs show both, the audit log chains the
/// server's and keeps the caller's in a field of its own, so no client can choose an audit
/// entry's request id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RequestId {
    id: String,
    client: Option<String>,
}

impl RequestId {
    /// A fresh id for a request, with the caller's id if it is 1–128 visible ASCII
    /// characters (anything else is dropped).
    #[must_use]
    pub fn for_request(client_header: Option<&str>) -> Self {
        let client = client_header
            .filter(|h| (1..=128).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_graphic()))
            .map(str::to_owned);
        Self {
            client,
            ..Self::generate()
        }
    }

    /// The id the caller sent, if it was acceptable.
    #[must_use]
    pub fn client(&self) -> Option<&str> {
        self.client.as_deref()
    }

    /// A fresh id.
    #[must_use]
    pub fn generate() -> Self {
        Self {
            id: Uuid::now_v7().to_string(),
            client: None,
        }
    }

    /// An id for work that was not caused by a request (CLI commands, demo loading).
    #[must_use]
    pub fn internal(what: &str) -> Self {
        Self {
            id: format!("{what}-{}", Uuid::now_v7()),
            client: None,
        }
    }

    /// The id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.id
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn authority_ids() {
        for ok in ["sn-sid", "by-stmd", "ab", "bund-bmds", "th-kasse-1"] {
            assert!(AuthorityId::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "-ab", "ab-", "a--b", "A-B", "../etc", "a b", "ä-b", "x'; drop",
        ] {
            assert!(AuthorityId::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usernames_fold_case() {
        assert_eq!(
            Username::new(" Anna.Berger ").unwrap().as_str(),
            "anna.berger"
        );
        assert!(Username::new("ab").is_err());
        assert!(Username::new("a b c").is_err());
    }

    #[test]
    fn request_ids_reject_control_characters() {
        let id = RequestId::for_request(Some("abc\n123"));
        assert_eq!(id.client(), None);
        let id = RequestId::for_request(Some("abc-123"));
        assert_eq!(id.client(), Some("abc-123"));
        assert_ne!(id.as_str(), "abc-123", "the server's id is always its own");
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC*") {
            let _ = AuthorityId::new(&s);
            let _ = Username::new(&s);
            let _ = s.parse::<UserId>();
        }

        #[test]
        fn valid_authority_ids_roundtrip(s in "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}") {
            prop_assume!(s.len() >= 2);
            let id = AuthorityId::new(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
        }
    }
}

/// A password as typed by a person: 10–1024 characters. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks the length policy (BSI IT-Grundschutz ORP.4: length over composition rules).
    pub fn new(s: &str) -> Result<Self, CoreError> {
        let n = s.chars().count();
        if (10..=1024).contains(&n) {
            Ok(Self(s.to_owned()))
        } else {
            Err(CoreError::InvalidId {
                kind: "password",
                reason: "must be 10 to 1024 characters long".to_owned(),
            })
        }
    }

    /// The secret itself, for hashing.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}
