//! What the UBL and CII mappings share: typed value reading that records the first bad value
//! instead of stopping, and the result they hand back.

use rust_decimal::Decimal;

use crate::date::Date;
use crate::error::EinvoiceError;
use crate::facts::SyntaxFacts;
use crate::lexical;
use crate::model::{CurrencyAmount, Identifier, Invoice, Quantity};
use crate::xml::fragment::Element;

/// What a syntax mapping produced from a well-formed document.
#[derive(Debug)]
pub(crate) struct Mapped {
    pub(crate) invoice: Invoice,
    /// What the syntax says beyond the model.
    pub(crate) facts: SyntaxFacts,
    /// Every value at the scenario match path (normally one), for [`crate::scenario_select`].
    pub(crate) specification_ids: Vec<String>,
    /// The first typed value that could not be read. Reported only after scenario selection,
    /// so that a foreign document is told "no scenario" rather than "bad date".
    pub(crate) first_error: Option<EinvoiceError>,
}

/// `value` with the scale the rules count as its decimals. The BR-DEC rules count characters,
/// `string-length(substring-after(., '.'))`, so whitespace after a fraction counts too:
/// `"0.01 "` has three. The value stays the same (`0.010 = 0.01`); only its scale, which the
/// model keeps as the decimals written, grows by the trailing whitespace.
fn with_written_decimals(value: Decimal, text: &str) -> Decimal {
    let trimmed = text.trim_end_matches([' ', '\t', '\r', '\n']);
    let trailing = u32::try_from(text.len() - trimmed.len()).unwrap_or(u32::MAX);
    if trailing == 0 || !trimmed.contains('.') {
        return value;
    }
    let mut written = value;
    written.rescale(value.scale().saturating_add(trailing));
    // `rescale` stops at the 28 digits a `Decimal` holds; more decimals than that fail
    // BR-DEC all the same.
    written
}

/// Reads typed values from fragments, keeping the first error.
#[derive(Debug, Default)]
pub(crate) struct Values {
    pub(crate) first_error: Option<EinvoiceError>,
}

impl Values {
    pub(crate) fn decimal(
        &mut self,
        element: Option<Element<'_, '_>>,
        term: &'static str,
    ) -> Option<Decimal> {
        let text = &element?.value();
        let value = lexical::parse_decimal(text);
        if value.is_none() {
            self.fail(term, text, "Dezimalzahl");
        }
        value.map(|v| with_written_decimals(v, text))
    }

    pub(crate) fn bool(
        &mut self,
        element: Option<Element<'_, '_>>,
        term: &'static str,
    ) -> Option<bool> {
        let text = &element?.value();
        let value = lexical::parse_bool(text);
        if value.is_none() {
            self.fail(term, text, "Wahrheitswert (true/false)");
        }
        value
    }

    /// An `xs:date` as UBL writes it.
    pub(crate) fn date_iso(
        &mut self,
        element: Option<Element<'_, '_>>,
        term: &'static str,
    ) -> Option<Date> {
        let text = &element?.value();
        let value = Date::parse_iso(lexical::trim_xml(text));
        if value.is_none() {
            self.fail(term, text, "Datum (JJJJ-MM-TT)");
        }
        value
    }

    /// A CII `udt:DateTimeString`/`udt:DateString`/`qdt:DateTimeString`: EN 16931 allows
    /// only format 102 (`YYYYMMDD`). A date in another format, or without one, is valid
    /// against the schema but is no date to the rules, which select
    /// `udt:DateTimeString[@format = '102']`: it reads as absent (BR-03 then names a missing
    /// issue date, as in the reference).
    pub(crate) fn date_102(
        &mut self,
        element: Option<Element<'_, '_>>,
        term: &'static str,
    ) -> Option<Date> {
        let element = element?;
        if element.attr("format").map(lexical::trim_xml) != Some("102") {
            return None;
        }
        let value = Date::parse_format_102(lexical::trim_xml(element.value()));
        if value.is_none() {
            self.fail(term, element.value(), "Datum im Format 102 (JJJJMMTT)");
        }
        value
    }

    pub(crate) fn quantity(
        &mut self,
        element: Option<Element<'_, '_>>,
        term: &'static str,
    ) -> Option<Quantity> {
        let element = element?;
        Some(Quantity {
            value: self.decimal(Some(element), term)?,
            unit_code: element.attr("unitCode").map(str::to_owned),
        })
    }

    fn fail(&mut self, term: &'static str, value: &str, expected: &'static str) {
        if self.first_error.is_none() {
            self.first_error = Some(EinvoiceError::InvalidValue {
                term,
                value: value.chars().take(80).collect(),
                expected,
            });
        }
    }
}

/// An identifier with its `schemeID`.
pub(crate) fn identifier(element: Option<Element<'_, '_>>) -> Option<Identifier> {
    let element = element?;
    Some(Identifier {
        value: element.value().to_owned(),
        scheme_id: element.attr("schemeID").map(str::to_owned),
    })
}

/// Sorts the document-level VAT total amounts (with their `currencyID`) into BT-110 and
/// BT-111: an amount in the accounting currency BT-6, when that differs from BT-5, is BT-111;
/// any other is BT-110. The first one for each wins; a surplus one is a rule finding, not a
/// parse error.
pub(crate) fn assign_vat_totals(invoice: &mut Invoice, amounts: Vec<(Decimal, Option<String>)>) {
    for (amount, currency) in &amounts {
        let accounting = currency.is_some()
            && *currency == invoice.vat_accounting_currency_code
            && *currency != invoice.currency_code;
        let slot = if accounting {
            &mut invoice.totals.vat_total_accounting_currency
        } else {
            &mut invoice.totals.vat_total
        };
        slot.get_or_insert(*amount);
    }
    invoice.vat_total_amounts = amounts
        .into_iter()
        .map(|(value, currency)| CurrencyAmount { value, currency })
        .collect();
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::with_written_decimals;

    #[test]
    fn trailing_whitespace_after_a_fraction_counts_as_decimals() {
        let read = |text: &str| {
            let value = crate::lexical::parse_decimal(text).expect("a decimal");
            with_written_decimals(value, text)
        };
        let padded = read("0.01 \n");
        assert_eq!(padded, Decimal::new(1, 2));
        assert_eq!(padded.scale(), 4);
        assert_eq!(read(" 0.01").scale(), 2);
        assert_eq!(read("100 ").scale(), 0);
        assert_eq!(read("100.").scale(), 0);
    }
}
