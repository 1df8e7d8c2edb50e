//! Lexical spaces of the built-in types and the length facets (XSD 1.0 Part 2).

use std::borrow::Cow;

use super::{Builtin, SimpleType};
use crate::xml::fragment::count_where;

impl Builtin {
    /// The `xs:` name, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::String => "xs:string",
            Self::NormalizedString => "xs:normalizedString",
            Self::Token => "xs:token",
            Self::Language => "xs:language",
            Self::AnyUri => "xs:anyURI",
            Self::Decimal => "xs:decimal",
            Self::Boolean => "xs:boolean",
            Self::Date => "xs:date",
            Self::Time => "xs:time",
            Self::DateTime => "xs:dateTime",
            Self::Base64Binary => "xs:base64Binary",
        }
    }

    /// What a valid value looks like, in German.
    fn expected(self) -> &'static str {
        match self {
            Self::Decimal => "eine Dezimalzahl wie 1234.50",
            Self::Boolean => "true, false, 1 oder 0",
            Self::Date => "ein Datum JJJJ-MM-TT",
            Self::Time => "eine Uhrzeit hh:mm:ss",
            Self::DateTime => "ein Zeitpunkt JJJJ-MM-TTThh:mm:ss",
            Self::Language => "ein Sprachcode wie de oder de-DE",
            Self::Base64Binary => "Base64-kodierte Daten",
            Self::String | Self::NormalizedString | Self::Token | Self::AnyUri => "Text",
        }
    }
}

/// Why a value is not of its simple type, in German; `None` if it is.
pub(crate) fn check(ty: &SimpleType, raw: &str) -> Option<String> {
    if ty.base == Builtin::Base64Binary {
        return (!base64(raw)).then(|| invalid(ty, raw));
    }
    let value = match ty.base {
        // `replace` only turns tabs and line ends into spaces: the length stays the same.
        // XSD 1.0 collapses the whitespace of dates and times, but libxml2, the schema
        // validator of the reference, does not: ` 2021-01-25 ` is no xs:date there, and an
        // xs:time may have blanks before it but not after it.
        Builtin::String | Builtin::NormalizedString | Builtin::Date | Builtin::DateTime => {
            Cow::Borrowed(raw)
        }
        Builtin::Time => Cow::Borrowed(raw.trim_start_matches([' ', '\t', '\n', '\r'])),
        _ => collapse(raw),
    };
    let value = value.as_ref();
    let lexical_ok = match ty.base {
        Builtin::String | Builtin::NormalizedString | Builtin::Token | Builtin::AnyUri => true,
        Builtin::Base64Binary => base64(value),
        Builtin::Language => language(value),
        Builtin::Decimal => decimal(value),
        Builtin::Boolean => matches!(value, "true" | "false" | "1" | "0"),
        Builtin::Date => date(value).is_some_and(zone),
        Builtin::Time => time(value).is_some_and(zone),
        Builtin::DateTime => value
            .split_once('T')
            .and_then(|(d, t)| date(d).filter(|rest| rest.is_empty()).and(time(t)))
            .is_some_and(zone),
    };
    if !lexical_ok {
        return Some(invalid(ty, raw));
    }
    let length = value.chars().count();
    let length_u32 = u32::try_from(length).unwrap_or(u32::MAX);
    if let Some(min) = ty.min_length
        && length_u32 < min
    {
        return Some(format!(
            "„{}“ ist zu kurz: mindestens {min} Zeichen, gefunden {length}",
            cut(raw)
        ));
    }
    if let Some(max) = ty.max_length
        && length_u32 > max
    {
        return Some(format!(
            "„{}“ ist zu lang: höchstens {max} Zeichen, gefunden {length}",
            cut(raw)
        ));
    }
    None
}

fn invalid(ty: &SimpleType, raw: &str) -> String {
    format!(
        "„{}“ ist kein gültiger Wert vom Typ {}; erwartet ist {}",
        cut(raw),
        ty.base.name(),
        ty.base.expected()
    )
}

/// An `xs:base64Binary` value checked as it streams past, never copied: attachments run to
/// megabytes. Whitespace may stand anywhere; the symbols come in groups of four; `=` padding
/// only at the very end, at most two, and the bits it hides must be zero (XSD's grammar).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Base64Check {
    symbols: usize,
    padding: usize,
    /// The last alphabet character before any padding.
    last: u8,
    invalid: bool,
}

impl Base64Check {
    pub(crate) fn feed(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Branch-free counts vectorise; in XML text every byte up to the space is white space.
        // `|` on the comparisons, not `||`: no branches, so the loop vectorises (measured: the
        // lazy form made this loop half of all validation time on invoices with attachments).
        #[expect(
            clippy::needless_bitwise_bool,
            reason = "branch-free on purpose, see above"
        )]
        let foreign = count_where(bytes, |b| {
            let letter = (b | 0x20).wrapping_sub(b'a') < 26;
            let digit = b.wrapping_sub(b'0') < 10;
            !(letter | digit | (b == b'+') | (b == b'/') | (b == b'=') | (b <= b' '))
        });
        if foreign > 0 {
            self.invalid = true;
            return;
        }
        // Before the first `=` in bulk; from there (the last few bytes) one by one.
        let tail = if self.padding == 0 {
            let end = memchr::memchr(b'=', bytes).unwrap_or(bytes.len());
            let (body, tail) = bytes.split_at(end);
            self.symbols += count_where(body, |b| b > b' ');
            if let Some(&last) = body.iter().rev().find(|&&b| b > b' ') {
                self.last = last;
            }
            tail
        } else {
            bytes
        };
        for &b in tail {
            match b {
                _ if b <= b' ' => {}
                b'=' => {
                    self.padding += 1;
                    self.symbols += 1;
                }
                _ if self.padding > 0 => self.invalid = true,
                _ => {
                    self.last = b;
                    self.symbols += 1;
                }
            }
        }
    }

    pub(crate) fn valid(self) -> bool {
        let value = match self.last {
            b'A'..=b'Z' => self.last - b'A',
            b'a'..=b'z' => self.last - b'a' + 26,
            b'0'..=b'9' => self.last - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        let hidden_zero = match self.padding {
            0 => true,
            1 => value.trailing_zeros() >= 2,
            2 => value.trailing_zeros() >= 4,
            _ => false,
        };
        !self.invalid && self.symbols.is_multiple_of(4) && hidden_zero
    }
}

fn base64(raw: &str) -> bool {
    let mut check = Base64Check::default();
    check.feed(raw);
    check.valid()
}

/// The value after `whiteSpace="collapse"`, the form `fixed` values are compared in for
/// every type but `xs:string` and `xs:normalizedString`.
pub(crate) fn normalised<'a>(ty: &SimpleType, raw: &'a str) -> Cow<'a, str> {
    match ty.base {
        Builtin::String => Cow::Borrowed(raw),
        Builtin::NormalizedString => Cow::Owned(raw.replace(['\t', '\n', '\r'], " ")),
        _ => collapse(raw),
    }
}

/// `whiteSpace="collapse"`; most values are collapsed already and stay borrowed.
fn collapse(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    let collapsed = !bytes.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r'))
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !raw.contains("  ");
    if collapsed {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    for part in raw.split([' ', '\t', '\n', '\r']).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    Cow::Owned(out)
}

fn cut(raw: &str) -> String {
    let mut cut: String = raw.chars().take(60).collect();
    if cut.len() < raw.len() {
        cut.push('…');
    }
    cut
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn number(s: &str) -> Option<u32> {
    if digits(s) { s.parse().ok() } else { None }
}

/// `[+-]?(\d+(\.\d*)?|\.\d+)`
fn decimal(value: &str) -> bool {
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty()) && all(int) && all(frac)
}

/// `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`
fn language(value: &str) -> bool {
    let mut parts = value.split('-');
    let first = parts.next().unwrap_or_default();
    let ok = |s: &str, alpha_only: bool| {
        (1..=8).contains(&s.len())
            && s.bytes().all(|b| {
                if alpha_only {
                    b.is_ascii_alphabetic()
                } else {
                    b.is_ascii_alphanumeric()
                }
            })
    };
    ok(first, true) && parts.all(|p| ok(p, false))
}

/// `-?YYYY-MM-DD` with a real day of the month; returns what follows.
fn date(value: &str) -> Option<&str> {
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (year, rest) = unsigned.split_once('-')?;
    // Four digits at least; more only without a leading zero.
    if year.len() < 4 || !digits(year) || (year.len() > 4 && year.starts_with('0')) {
        return None;
    }
    if rest.len() < 5 || !rest.is_char_boundary(5) {
        return None;
    }
    let (month_day, tail) = rest.split_at(5);
    let (month, day) = month_day.split_once('-')?;
    let (month, day) = (number(month)?, number(day)?);
    let year_value: u64 = year.parse().ok()?;
    // The calendar repeats every 400 years: check the day in the equivalent year 400..=799.
    let equivalent = u16::try_from(year_value % 400).ok()? + 400;
    let real = crate::date::Date::new(
        equivalent,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    );
    (year_value != 0 && real.is_some()).then_some(tail)
}

/// `hh:mm:ss(.s+)?`, hours 00–23 or the end of day 24:00:00; returns what follows.
fn time(value: &str) -> Option<&str> {
    if value.len() < 8 || !value.is_char_boundary(8) {
        return None;
    }
    let (hms, mut rest) = value.split_at(8);
    let b = hms.as_bytes();
    if !hms.is_ascii() || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (
        number(&hms[0..2])?,
        number(&hms[3..5])?,
        number(&hms[6..8])?,
    );
    let mut fraction_zero = true;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let end = after_dot
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after_dot.len());
        if end == 0 {
            return None;
        }
        fraction_zero = after_dot[..end].bytes().all(|b| b == b'0');
        rest = &after_dot[end..];
    }
    let valid = (h < 24 && m < 60 && s < 60) || (h == 24 && m == 0 && s == 0 && fraction_zero);
    valid.then_some(rest)
}

/// Empty, `Z` or `±hh:mm` up to ±14:00.
fn zone(rest: &str) -> bool {
    if rest.is_empty() || rest == "Z" {
        return true;
    }
    let b = rest.as_bytes();
    if b.len() != 6 || !rest.is_ascii() || !matches!(b[0], b'+' | b'-') || b[3] != b':' {
        return false;
    }
    match (number(&rest[1..3]), number(&rest[4..6])) {
        (Some(h), Some(m)) => m < 60 && (h < 14 || (h == 14 && m == 0)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{check, collapse};

    #[test]
    fn collapse_borrows_what_is_collapsed_already() {
        assert!(matches!(collapse("a b"), Cow::Borrowed("a b")));
        assert_eq!(collapse(" a\t\n b  c "), "a b c");
        assert_eq!(collapse("a  b"), "a b");
        assert_eq!(collapse("\r"), "");
    }
    use crate::xsd::{Builtin, SimpleType};

    fn ok(base: Builtin, value: &str) -> bool {
        let ty = SimpleType {
            base,
            min_length: None,
            max_length: None,
        };
        check(&ty, value).is_none()
    }

    #[test]
    fn built_in_lexical_spaces() {
        for good in ["1", "-1.50", "+.5", "5.", " 12 ", "007"] {
            assert!(ok(Builtin::Decimal, good), "{good}");
        }
        for bad in ["", ".", "1e3", "1,5", "1 000", "--1", "NaN"] {
            assert!(!ok(Builtin::Decimal, bad), "{bad}");
        }
        for good in [
            "2024-02-29",
            "2023-12-31Z",
            "2023-01-01+01:00",
            "12024-01-01",
            "-0044-03-15",
        ] {
            assert!(ok(Builtin::Date, good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-1-01",
            "20230101",
            "2023-01-01T00:00:00",
            "0000-01-01",
            "02023-01-01",
            "2023-01-01+15:00",
            // As libxml2 (the reference) has it: no whitespace around a date.
            " 2023-01-01",
            "2023-01-01\n",
        ] {
            assert!(!ok(Builtin::Date, bad), "{bad}");
        }
        // libxml2 (the reference) allows blanks before a time, not after it.
        for good in [
            "10:30:00",
            "23:59:59.999",
            "24:00:00",
            "00:00:00Z",
            " 10:30:00",
        ] {
            assert!(ok(Builtin::Time, good), "{good}");
        }
        for bad in [
            "24:00:01",
            "10:60:00",
            "10:30",
            "10:30:00.",
            "1:30:00",
            "10:30:00 ",
        ] {
            assert!(!ok(Builtin::Time, bad), "{bad}");
        }
        assert!(ok(Builtin::DateTime, "2023-01-01T10:30:00+02:00"));
        assert!(!ok(Builtin::DateTime, "2023-01-01 10:30:00"));
        assert!(!ok(Builtin::DateTime, "2023-01-01"));
        assert!(!ok(Builtin::DateTime, " 2023-01-01T10:30:00"));
        for good in ["true", "0", " false "] {
            assert!(ok(Builtin::Boolean, good), "{good}");
        }
        assert!(!ok(Builtin::Boolean, "TRUE"));
        assert!(ok(Builtin::Language, "de-DE"));
        assert!(!ok(Builtin::Language, "deutschland"));
        assert!(!ok(Builtin::Language, "1de"));
        assert!(ok(Builtin::Token, "  anything goes \n"));
        for good in ["", "QUJD", "QUI=", "QQ==", " QU\nJD "] {
            assert!(ok(Builtin::Base64Binary, good), "{good:?}");
        }
        for bad in ["QUJ", "QU=D", "QR==", "QUJD=", "QU*D"] {
            assert!(!ok(Builtin::Base64Binary, bad), "{bad:?}");
        }
    }

    #[test]
    fn length_facets_count_characters_of_the_collapsed_value() {
        let ty = SimpleType {
            base: Builtin::Token,
            min_length: Some(1),
            max_length: Some(3),
        };
        assert!(check(&ty, " ÄÖÜ ").is_none());
        assert!(check(&ty, "ABCD").is_some());
        assert!(check(&ty, "   ").is_some());
    }
}
