//! The rules for text that people type into names, addresses and e-mail fields: one place,
//! applied alike by the API and the UI (the review found the UI storing control characters,
//! ANSI escapes, NUL and CRLF that the API refused).
//!
//! Besides control characters, the characters that make a text look other than it is are
//! refused: bidirectional overrides, embeddings, isolates and marks (a name that reads
//! "Rechnung" but is stored reversed), and invisible zero-width characters (two names that
//! look the same but differ).

use std::fmt;

/// Why a text was refused. `Display` is English (API); the UI words its own German message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Nothing but whitespace.
    Empty,
    /// More than `max` characters.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A control, bidirectional-formatting or zero-width character.
    Forbidden(char),
    /// Not of the form `local@domain`.
    NotAnEmail,
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooLong { max } => write!(f, "must be at most {max} characters"),
            Self::Forbidden(c) => write!(
                f,
                "must not contain control, bidirectional-formatting or zero-width characters \
                 (found U+{:04X})",
                u32::from(*c)
            ),
            Self::NotAnEmail => f.write_str("must be an e-mail address (name@domain)"),
        }
    }
}

/// Whether `c` may not appear in a name or address.
#[must_use]
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidirectional marks, embeddings, overrides and isolates.
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Zero-width space, joiners, word joiner, invisible operators, BOM.
            | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            // Line and paragraph separators.
            | '\u{2028}' | '\u{2029}'
        )
}

/// A name, title or address line: trimmed, 1 to `max` characters, nothing forbidden.
pub fn name(value: &str, max: usize) -> Result<String, TextProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(TextProblem::Empty);
    }
    if let Some(c) = v.chars().find(|c| is_forbidden(*c)) {
        return Err(TextProblem::Forbidden(c));
    }
    if v.chars().count() > max {
        return Err(TextProblem::TooLong { max });
    }
    Ok(v.to_owned())
}

/// An e-mail address: a [`name`] of at most 254 characters, without whitespace, with exactly
/// one `@` between a non-empty local part and a domain that has a dot inside it.
pub fn email(value: &str) -> Result<String, TextProblem> {
    let v = name(value, 254)?;
    let (local, domain) = v.split_once('@').ok_or(TextProblem::NotAnEmail)?;
    let domain_ok = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.');
    if local.is_empty() || !domain_ok || domain.contains('@') || v.chars().any(char::is_whitespace)
    {
        return Err(TextProblem::NotAnEmail);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_what_hides_or_breaks_text() {
        assert_eq!(name("  Stadt Hof ", 20).as_deref(), Ok("Stadt Hof"));
        assert_eq!(
            name("Müller-Lüdenscheidt", 40).as_deref(),
            Ok("Müller-Lüdenscheidt")
        );
        for bad in [
            "a\u{0}b",
            "a\r\nb",
            "\u{1b}[31mrot",
            "abc\u{202E}gnunhceR",
            "pay\u{200B}pal",
            "x\u{2066}y",
            "a\u{FEFF}",
        ] {
            assert!(
                matches!(name(bad, 100), Err(TextProblem::Forbidden(_))),
                "{bad:?}"
            );
        }
        assert_eq!(name("   ", 10), Err(TextProblem::Empty));
        assert_eq!(name("ääää", 3), Err(TextProblem::TooLong { max: 3 }));
    }

    #[test]
    fn emails_have_one_at_and_a_domain() {
        assert_eq!(
            email(" erika@sachsen.de ").as_deref(),
            Ok("erika@sachsen.de")
        );
        for bad in [
            "erika",
            "@sachsen.de",
            "erika@",
            "erika@localhost",
            "a@b@c.de",
            "a b@c.de",
            "a@.de",
            "a@c.de.",
        ] {
            assert_eq!(email(bad), Err(TextProblem::NotAnEmail), "{bad}");
        }
        assert!(matches!(
            email("erika\u{200B}@sachsen.de"),
            Err(TextProblem::Forbidden(_))
        ));
    }
}
