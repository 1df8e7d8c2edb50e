//! Lexical forms of typed values in UBL and CII: `xs:decimal`, `xs:boolean`, dates.
//!
//! XML Schema collapses whitespace around these values, so they are trimmed first; anything else
//! in the text is an error, as it is for the official schema validation step.

use rust_decimal::Decimal;

/// XML whitespace (`#x20 | #x9 | #xD | #xA`), which is narrower than Unicode whitespace.
pub(crate) fn trim_xml(text: &str) -> &str {
    // On bytes: the whitespace is ASCII, so both cuts fall on character boundaries, and no
    // character needs decoding (this runs on every text node).
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |last| last + 1);
    &text[start..end]
}

/// Parses an `xs:decimal`: optional sign, digits with at most one `.`, no exponent, no
/// separators. `None` if the lexical form is wrong or the value needs more than the 28
/// significant digits `rust_decimal` holds.
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    let text = trim_xml(text);
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    // rust_decimal rejects a leading '+' and a bare trailing '.', which xs:decimal allows.
    let normalised = text.strip_prefix('+').unwrap_or(text).trim_end_matches('.');
    let normalised = if normalised.starts_with('.') || normalised.starts_with("-.") {
        normalised.replacen('.', "0.", 1)
    } else {
        normalised.to_owned()
    };
    // Exact only: rounding a 29th digit away would change the amount the sender wrote.
    Decimal::from_str_exact(&normalised).ok()
}

/// Parses an `xs:boolean` (`true`, `false`, `1`, `0`).
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match trim_xml(text) {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_bool, parse_decimal, trim_xml};
    use rust_decimal::Decimal;

    #[test]
    fn only_xml_whitespace_is_trimmed() {
        assert_eq!(trim_xml(" \t\r\n a b \n"), "a b");
        assert_eq!(trim_xml("  "), "");
        assert_eq!(trim_xml(""), "");
        assert_eq!(trim_xml("\u{a0}ä\u{a0}"), "\u{a0}ä\u{a0}");
        assert_eq!(trim_xml(" Grüße "), "Grüße");
    }

    fn dec(text: &str) -> Option<String> {
        parse_decimal(text).map(|d: Decimal| d.to_string())
    }

    #[test]
    fn decimals_follow_xs_decimal() {
        assert_eq!(dec("12829.69").as_deref(), Some("12829.69"));
        assert_eq!(dec(" 10 ").as_deref(), Some("10"));
        assert_eq!(dec("+1.50").as_deref(), Some("1.50"));
        assert_eq!(dec("-0.5").as_deref(), Some("-0.5"));
        assert_eq!(dec(".5").as_deref(), Some("0.5"));
        assert_eq!(dec("5.").as_deref(), Some("5"));
        assert_eq!(
            dec("10.000000000000000000").as_deref(),
            Some("10.000000000000000000")
        );
        for bad in [
            "", ".", "-", "1,5", "1e3", "1_000", "NaN", "1.2.3", "١٢", "--1",
        ] {
            assert_eq!(dec(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn booleans_follow_xs_boolean() {
        assert_eq!(parse_bool(" true"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("TRUE"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_not_without_panic(text in "\\PC{0,40}") {
            let _ = parse_decimal(&text);
            let _ = parse_bool(&text);
        }

        #[test]
        fn decimals_round_trip(value in proptest::num::i64::ANY, scale in 0_u32..10) {
            let decimal = Decimal::new(value, scale);
            proptest::prop_assert_eq!(parse_decimal(&decimal.to_string()), Some(decimal));
        }
    }
}
