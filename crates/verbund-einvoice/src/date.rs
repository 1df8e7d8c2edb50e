//! A calendar date, the only time type the EN 16931 model needs.

use std::fmt;

/// A calendar date without time zone, as an invoice writes it.
///
/// Invoices carry dates, not instants; a time zone on a UBL date (`2024-01-31Z`) is accepted
/// and dropped, as the EN 16931 rules compare dates only. A UBL date (`xs:date`) always
/// exists; a CII date in format 102 is checked for its shape only (month 01–12, day 01–31),
/// as the reference's CII-DT-097 does, so `20160230` is a `Date` as written. Dates order as
/// their digits do, which is how the rules compare CII dates (as strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, or `None` if it does not exist (month 13, 30 February, year 0).
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let valid =
            year >= 1 && (1..=12).contains(&month) && day >= 1 && day <= days_in(year, month);
        valid.then_some(Self { year, month, day })
    }

    /// The year (0..=9999; 0 only in a CII date as written).
    #[must_use]
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month (1..=12).
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month (1..=31).
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD` with an optional `Z` or `±hh:mm` zone (the `xs:date` form UBL uses).
    #[must_use]
    pub fn parse_iso(text: &str) -> Option<Self> {
        // ASCII first: the byte offsets below must be character boundaries.
        let bytes = text.as_bytes();
        if !text.is_ascii() || bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let zone = &text[10..];
        let zone_ok = zone.is_empty()
            || zone == "Z"
            || (zone.len() == 6
                && matches!(zone.as_bytes()[0], b'+' | b'-')
                && zone.as_bytes()[3] == b':'
                && digits(&zone[1..3]).is_some_and(|h| h <= 14)
                && digits(&zone[4..6]).is_some_and(|m| m <= 59));
        if !zone_ok {
            return None;
        }
        Self::from_parts(&text[0..4], &text[5..7], &text[8..10])
    }

    /// Parses `YYYYMMDD`, UN/CEFACT date format code 102 as CII uses it: the shape of
    /// CII-DT-097's pattern (any year, month 01–12, day 01–31), not the calendar, so a day the
    /// month lacks is kept as written, as in the reference.
    #[must_use]
    pub fn parse_format_102(text: &str) -> Option<Self> {
        if text.len() != 8 || !text.is_ascii() {
            return None;
        }
        let year = u16::try_from(digits(&text[0..4])?).ok()?;
        let month = u8::try_from(digits(&text[4..6])?).ok()?;
        let day = u8::try_from(digits(&text[6..8])?).ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Self { year, month, day })
    }

    fn from_parts(year: &str, month: &str, day: &str) -> Option<Self> {
        let year = u16::try_from(digits(year)?).ok()?;
        let month = u8::try_from(digits(month)?).ok()?;
        let day = u8::try_from(digits(day)?).ok()?;
        Self::new(year, month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Value of a string made of ASCII digits only; `None` for anything else, including signs.
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn iso_dates_parse_and_reject_impossible_days() {
        assert_eq!(
            Date::parse_iso("2024-02-29")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(Date::parse_iso("2024-02-29Z"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse_iso("2024-02-29+01:00"), Date::new(2024, 2, 29));
        assert_eq!(Date::parse_iso("2023-02-29"), None);
        assert_eq!(Date::parse_iso("1900-02-29"), None);
        assert_eq!(Date::parse_iso("2000-02-29"), Date::new(2000, 2, 29));
        assert_eq!(Date::parse_iso("2024-13-01"), None);
        assert_eq!(Date::parse_iso("2024-1-01"), None);
        assert_eq!(Date::parse_iso("+024-01-01"), None);
        assert_eq!(Date::parse_iso("2024-01-01T10:00"), None);
        assert_eq!(Date::parse_iso("2024-01-0ä"), None);
    }

    #[test]
    fn format_102_dates_parse() {
        assert_eq!(Date::parse_format_102("20180413"), Date::new(2018, 4, 13));
        assert_eq!(Date::parse_format_102("2018-04-13"), None);
        // The shape is checked, not the calendar (CII-DT-097's pattern, as the reference).
        assert_eq!(
            Date::parse_format_102("20160230")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2016-02-30")
        );
        assert_eq!(Date::parse_format_102("20180432"), None);
        assert_eq!(Date::parse_format_102("20181301"), None);
        assert_eq!(Date::parse_format_102("20180400"), None);
        assert_eq!(Date::parse_format_102("2018041ä"), None);
    }

    proptest::proptest! {
        #[test]
        fn parsing_any_text_never_panics_and_round_trips(text in "\\PC{0,16}") {
            if let Some(date) = Date::parse_iso(&text) {
                proptest::prop_assert_eq!(Date::parse_iso(&date.to_string()), Some(date));
            }
            let _ = Date::parse_format_102(&text);
        }
    }
}
