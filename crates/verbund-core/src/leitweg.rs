//! The Leitweg-ID: the routing address of a public contracting authority for e-invoices
//! (XRechnung BT-10), after KoSIT's "Formatspezifikation Leitweg-ID".
//!
//! Form: `Grobadressierung[-Feinadressierung]-Prüfziffer`, e.g. `04011000-1234512345-06`:
//! - coarse address: 2 to 12 digits; the first two are the Land (`01`–`16`) or the Bund (`99`);
//! - fine address (optional): 1 to 30 letters and digits;
//! - check digits: two digits, ISO/IEC 7064 MOD 97-10 over coarse and fine address without the
//!   hyphens, letters counted as A = 10 … Z = 35 (as in the IBAN).

use std::fmt;

use crate::GovernmentKey;

/// A Leitweg-ID whose format and check digits are valid, in its normal form (letters upper
/// case, surrounding blanks removed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LeitwegId(String);

/// Why a text is not a valid Leitweg-ID. `Display` gives a German sentence for clerks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeitwegProblem {
    /// Nothing given.
    Missing,
    /// The text does not have the documented form.
    Format(&'static str),
    /// The first two digits name neither a Land nor the Bund.
    UnknownGovernment(String),
    /// The check digits do not match.
    CheckDigits {
        /// The check digits the address requires.
        expected: u8,
        /// The check digits given.
        found: u8,
    },
}

impl fmt::Display for LeitwegProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("Keine Leitweg-ID (BT-10) angegeben."),
            Self::Format(why) => write!(f, "Die Leitweg-ID hat nicht das gültige Format: {why}."),
            Self::UnknownGovernment(key) => write!(
                f,
                "Die Leitweg-ID beginnt mit {key}, das ist weder die Kennzahl eines Landes \
                 (01–16) noch des Bundes (99)."
            ),
            Self::CheckDigits { expected, found } => write!(
                f,
                "Die Prüfziffer der Leitweg-ID ist falsch (angegeben {found:02}, \
                 richtig wäre {expected:02})."
            ),
        }
    }
}

impl std::error::Error for LeitwegProblem {}

impl LeitwegId {
    /// Checks format, government key and check digits.
    pub fn parse(text: &str) -> Result<Self, LeitwegProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LeitwegProblem::Missing);
        }
        let parts: Vec<&str> = text.split('-').collect();
        let (coarse, fine, check) = match parts.as_slice() {
            [coarse, check] => (*coarse, "", *check),
            [coarse, fine, check] => (*coarse, *fine, *check),
            _ => {
                return Err(LeitwegProblem::Format(
                    "erwartet Grobadressierung, optional Feinadressierung und Prüfziffer, \
                     getrennt durch Bindestriche",
                ));
            }
        };
        if !(2..=12).contains(&coarse.len()) || !coarse.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LeitwegProblem::Format(
                "die Grobadressierung besteht aus 2 bis 12 Ziffern",
            ));
        }
        if parts.len() == 3
            && (!(1..=30).contains(&fine.len()) || !fine.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(LeitwegProblem::Format(
                "die Feinadressierung besteht aus 1 bis 30 Buchstaben und Ziffern",
            ));
        }
        if check.len() != 2 || !check.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LeitwegProblem::Format(
                "die Prüfziffer besteht aus 2 Ziffern",
            ));
        }
        let key = &coarse[..2];
        if key.parse::<GovernmentKey>().is_err() {
            return Err(LeitwegProblem::UnknownGovernment(key.to_owned()));
        }
        let fine = fine.to_ascii_uppercase();
        let expected = check_digits(coarse, &fine);
        let found = check.parse::<u8>().unwrap_or(u8::MAX);
        if expected != found {
            return Err(LeitwegProblem::CheckDigits { expected, found });
        }
        Ok(Self(if fine.is_empty() {
            format!("{coarse}-{check}")
        } else {
            format!("{coarse}-{fine}-{check}")
        }))
    }

    /// The normal form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Land or Bund the address belongs to (its first two digits).
    #[must_use]
    pub fn government_key(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for LeitwegId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// MOD 97-10 check digits of the address without hyphens (`fine` in upper case): append
/// `00`, take the remainder modulo 97, subtract it from 98.
fn check_digits(coarse: &str, fine: &str) -> u8 {
    let mut remainder: u32 = 0;
    let mut push = |digit: u32| remainder = (remainder * 10 + digit) % 97;
    for c in coarse.chars().chain(fine.chars()).chain("00".chars()) {
        // Letters count as two digits, A = 10 … Z = 35.
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 {
            push(value / 10);
        }
        push(value % 10);
    }
    u8::try_from(98 - remainder).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples_are_valid() {
        for id in [
            "04011000-1234512345-06",
            "04011000-900X999-08",
            "992-90009-96",
            "09564000-NUE0001-49",
            "991-33333TEST-33",
            "99000000-18188-18",
        ] {
            let parsed = LeitwegId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(parsed.as_str(), id);
        }
        assert_eq!(
            LeitwegId::parse(" 09564000-nue0001-49 ").unwrap().as_str(),
            "09564000-NUE0001-49"
        );
        assert_eq!(
            LeitwegId::parse("991-33333TEST-33")
                .unwrap()
                .government_key(),
            "99"
        );
    }

    #[test]
    fn wrong_check_digits_say_which_are_right() {
        assert_eq!(
            LeitwegId::parse("04011000-1234512345-07"),
            Err(LeitwegProblem::CheckDigits {
                expected: 6,
                found: 7
            })
        );
        let text = LeitwegId::parse("04011000-1234512345-60")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("angegeben 60") && text.contains("richtig wäre 06"),
            "{text}"
        );
    }

    #[test]
    fn malformed_ids_are_refused_with_a_reason() {
        for (id, problem) in [
            ("", LeitwegProblem::Missing),
            ("   ", LeitwegProblem::Missing),
            (
                "04011000",
                LeitwegProblem::Format(
                    "erwartet Grobadressierung, optional Feinadressierung und Prüfziffer, \
                     getrennt durch Bindestriche",
                ),
            ),
            (
                "0-12",
                LeitwegProblem::Format("die Grobadressierung besteht aus 2 bis 12 Ziffern"),
            ),
            (
                "0401100012345-06",
                LeitwegProblem::Format("die Grobadressierung besteht aus 2 bis 12 Ziffern"),
            ),
            (
                "04011000--06",
                LeitwegProblem::Format(
                    "die Feinadressierung besteht aus 1 bis 30 Buchstaben und Ziffern",
                ),
            ),
            (
                "04011000-12_45-06",
                LeitwegProblem::Format(
                    "die Feinadressierung besteht aus 1 bis 30 Buchstaben und Ziffern",
                ),
            ),
            (
                "04011000-1234-6",
                LeitwegProblem::Format("die Prüfziffer besteht aus 2 Ziffern"),
            ),
            (
                "90000000-03083-72",
                LeitwegProblem::UnknownGovernment("90".into()),
            ),
            (
                "04011000-ÄB-06",
                LeitwegProblem::Format(
                    "die Feinadressierung besteht aus 1 bis 30 Buchstaben und Ziffern",
                ),
            ),
        ] {
            assert_eq!(LeitwegId::parse(id), Err(problem), "{id:?}");
        }
    }

    #[test]
    fn computed_check_digits_always_validate() {
        for (coarse, fine) in [
            ("09", ""),
            ("14523319", "PL001"),
            ("991", "Z9Z9"),
            ("1612", "0"),
        ] {
            let digits = check_digits(coarse, fine);
            let id = if fine.is_empty() {
                format!("{coarse}-{digits:02}")
            } else {
                format!("{coarse}-{fine}-{digits:02}")
            };
            assert!(LeitwegId::parse(&id).is_ok(), "{id}");
        }
    }
}
