use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// The official key of a government: the two-digit Land key of the Amtlicher
/// Gemeindeschlüssel (`01` Schleswig-Holstein … `16` Thüringen), and `99` for the Bund, the
/// value the Leitweg-ID uses for federal recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GovernmentKey(u8);

impl GovernmentKey {
    /// The Bund (federal government).
    pub const BUND: Self = Self(99);

    /// The key as its two-digit string.
    #[must_use]
    pub fn as_string(self) -> String {
        format!("{:02}", self.0)
    }

    /// The government this key names.
    #[must_use]
    pub fn government(self) -> &'static Government {
        GOVERNMENTS
            .iter()
            .find(|g| g.key == self)
            .expect("a GovernmentKey is only constructed for a listed government")
    }
}

impl std::str::FromStr for GovernmentKey {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CoreError::UnknownGovernment(s.to_owned()));
        }
        let n: u8 = s
            .parse()
            .map_err(|_| CoreError::UnknownGovernment(s.to_owned()))?;
        GOVERNMENTS
            .iter()
            .map(|g| g.key)
            .find(|k| k.0 == n)
            .ok_or_else(|| CoreError::UnknownGovernment(s.to_owned()))
    }
}

impl TryFrom<String> for GovernmentKey {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<GovernmentKey> for String {
    fn from(k: GovernmentKey) -> Self {
        k.as_string()
    }
}

impl fmt::Display for GovernmentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// Whether a government is a Land or the Bund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GovernmentLevel {
    /// One of the 16 Länder.
    Land,
    /// The federal government.
    Bund,
}

/// A government of the federation: a Land or the Bund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Government {
    /// Official key (see [`GovernmentKey`]).
    pub key: GovernmentKey,
    /// Official German name, e.g. "Freistaat Bayern".
    pub name: &'static str,
    /// Short name, e.g. "Bayern".
    pub short_name: &'static str,
    /// ISO 3166-2 subdivision code, e.g. "DE-BY"; "DE" for the Bund.
    pub iso_3166_2: &'static str,
    /// Land or Bund.
    pub level: GovernmentLevel,
}

const fn land(
    key: u8,
    name: &'static str,
    short_name: &'static str,
    iso: &'static str,
) -> Government {
    Government {
        key: GovernmentKey(key),
        name,
        short_name,
        iso_3166_2: iso,
        level: GovernmentLevel::Land,
    }
}

/// The 16 Länder and the Bund, ordered by key.
pub static GOVERNMENTS: [Government; 17] = [
    land(1, "Land Schleswig-Holstein", "Schleswig-Holstein", "DE-SH"),
    land(2, "Freie und Hansestadt Hamburg", "Hamburg", "DE-HH"),
    land(3, "Land Niedersachsen", "Niedersachsen", "DE-NI"),
    land(4, "Freie Hansestadt Bremen", "Bremen", "DE-HB"),
    land(
        5,
        "Land Nordrhein-Westfalen",
        "Nordrhein-Westfalen",
        "DE-NW",
    ),
    land(6, "Land Hessen", "Hessen", "DE-HE"),
    land(7, "Land Rheinland-Pfalz", "Rheinland-Pfalz", "DE-RP"),
    land(8, "Land Baden-Württemberg", "Baden-Württemberg", "DE-BW"),
    land(9, "Freistaat Bayern", "Bayern", "DE-BY"),
    land(10, "Saarland", "Saarland", "DE-SL"),
    land(11, "Land Berlin", "Berlin", "DE-BE"),
    land(12, "Land Brandenburg", "Brandenburg", "DE-BB"),
    land(
        13,
        "Land Mecklenburg-Vorpommern",
        "Mecklenburg-Vorpommern",
        "DE-MV",
    ),
    land(14, "Freistaat Sachsen", "Sachsen", "DE-SN"),
    land(15, "Land Sachsen-Anhalt", "Sachsen-Anhalt", "DE-ST"),
    land(16, "Freistaat Thüringen", "Thüringen", "DE-TH"),
    Government {
        key: GovernmentKey::BUND,
        name: "Bundesrepublik Deutschland",
        short_name: "Bund",
        iso_3166_2: "DE",
        level: GovernmentLevel::Bund,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_roundtrip() {
        for g in &GOVERNMENTS {
            let k: GovernmentKey = g.key.to_string().parse().unwrap();
            assert_eq!(k, g.key);
            assert_eq!(k.government().name, g.name);
        }
        assert_eq!(
            "09".parse::<GovernmentKey>()
                .unwrap()
                .government()
                .short_name,
            "Bayern"
        );
        assert_eq!(
            "14".parse::<GovernmentKey>()
                .unwrap()
                .government()
                .short_name,
            "Sachsen"
        );
        assert_eq!(
            "16".parse::<GovernmentKey>()
                .unwrap()
                .government()
                .short_name,
            "Thüringen"
        );
        assert_eq!(
            "05".parse::<GovernmentKey>()
                .unwrap()
                .government()
                .short_name,
            "Nordrhein-Westfalen"
        );
        assert_eq!("99".parse::<GovernmentKey>().unwrap(), GovernmentKey::BUND);
    }

    #[test]
    fn unknown_keys_are_refused() {
        for bad in ["", "0", "00", "17", "9", "009", "ab", "-1", "１４"] {
            assert!(bad.parse::<GovernmentKey>().is_err(), "{bad:?}");
        }
    }
}
