use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// A user's or service account's role within one authority.
///
/// Node operators are not a role within an authority; they are flagged on the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages the authority's users, service accounts and settings.
    Administrator,
    /// Does the authority's casework in the modules.
    Clerk,
    /// Reads the audit log; changes nothing.
    Auditor,
}

impl Role {
    /// All roles, in display order.
    pub const ALL: [Role; 3] = [Role::Administrator, Role::Clerk, Role::Auditor];

    /// The stable machine name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Clerk => "clerk",
            Role::Auditor => "auditor",
        }
    }

    /// The German label for the UI.
    #[must_use]
    pub fn label_de(self) -> &'static str {
        match self {
            Role::Administrator => "Administration",
            Role::Clerk => "Sachbearbeitung",
            Role::Auditor => "Prüfung (Revision)",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| CoreError::UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of body an authority is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityKind {
    /// A head of government's office (Staatskanzlei, Bundeskanzleramt).
    StateChancellery,
    /// A ministry.
    Ministry,
    /// An IT service provider of a government (e.g. SID in Saxony).
    ItServiceProvider,
    /// A police authority.
    Police,
    /// A cash office (Staatsoberkasse, Landeshauptkasse, Bundeskasse).
    CashOffice,
    /// A municipality (Gemeinde, Stadt, Landkreis).
    Municipality,
    /// Any other authority.
    Other,
}

impl AuthorityKind {
    /// All kinds, in display order.
    pub const ALL: [AuthorityKind; 7] = [
        Self::StateChancellery,
        Self::Ministry,
        Self::ItServiceProvider,
        Self::Police,
        Self::CashOffice,
        Self::Municipality,
        Self::Other,
    ];

    /// The stable machine name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StateChancellery => "state_chancellery",
            Self::Ministry => "ministry",
            Self::ItServiceProvider => "it_service_provider",
            Self::Police => "police",
            Self::CashOffice => "cash_office",
            Self::Municipality => "municipality",
            Self::Other => "other",
        }
    }

    /// The German label for the UI.
    #[must_use]
    pub fn label_de(self) -> &'static str {
        match self {
            Self::StateChancellery => "Staatskanzlei",
            Self::Ministry => "Ministerium",
            Self::ItServiceProvider => "IT-Dienstleister",
            Self::Police => "Polizei",
            Self::CashOffice => "Kasse",
            Self::Municipality => "Kommune",
            Self::Other => "Sonstige Behörde",
        }
    }
}

impl std::str::FromStr for AuthorityKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| CoreError::UnknownAuthorityKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        for k in AuthorityKind::ALL {
            assert_eq!(k.as_str().parse::<AuthorityKind>().unwrap(), k);
        }
        assert!("Administrator".parse::<Role>().is_err());
        assert!("operator".parse::<Role>().is_err());
    }
}
