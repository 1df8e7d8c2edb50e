//! A human-readable view of an invoice: a self-contained, printable German HTML page.
//!
//! Every business group of the model is shown with German labels and its BT/BG id, as the
//! official KoSIT visualization does, together with the validation verdict and its findings.
//! Terms the document does not carry are left out. The page has its CSS inline and loads
//! nothing (no scripts, fonts or images), so it can be saved, mailed, archived and printed as
//! it is. askama escapes every value taken from the document.
//!
//! [`invoice_html`] is the one entry point; the web UI serves the same page, the CLI writes it
//! with `verbund einvoice show --html`. Pure like the rest of the crate: values in, a string
//! out.

mod sections;

use askama::Template;
use rust_decimal::Decimal;

use crate::date::Date;
use crate::document::ParsedInvoice;
use crate::report::{Report, Verdict};
use crate::scenario::Level;

/// One labelled value: `Rechnungsnummer (BT-1)` → `R-2024-001`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// German label.
    pub label: &'static str,
    /// The EN 16931 term id (`BT-1`), or an extension's (`BT-DEX-001`).
    pub term: &'static str,
    /// The value as shown (dates and numbers in German notation).
    pub value: String,
}

/// A group of fields under an optional heading, shown as one description list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    /// Heading of the block (`Position 1`); `None` for the section's own fields.
    pub heading: Option<String>,
    /// The fields, in EN 16931 order; never empty when rendered.
    pub fields: Vec<Field>,
}

/// One section of the page (seller, buyer, totals …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// HTML id of the heading, for the table of contents.
    pub anchor: &'static str,
    /// German heading.
    pub heading: &'static str,
    /// The group's id (`BG-4`).
    pub term: &'static str,
    /// Its blocks; sections without a field are not built.
    pub blocks: Vec<Block>,
}

/// One finding as shown.
struct FindingView<'a> {
    id: &'a str,
    level: &'static str,
    message: &'a str,
    location: &'a str,
}

#[derive(Template)]
#[template(path = "einvoice/invoice.html")]
struct InvoicePage<'a> {
    title: String,
    file_name: &'a str,
    verdict_text: &'static str,
    verdict_class: &'static str,
    scenario: Option<&'static str>,
    findings: Vec<FindingView<'a>>,
    sections: Vec<Section>,
}

/// The page for one document: the verdict with its findings, then the invoice if it could be
/// read (`parsed` is `None` for a document that is not an invoice; the page then shows only
/// why).
#[must_use]
pub fn invoice_html(file_name: &str, parsed: Option<&ParsedInvoice>, report: &Report) -> String {
    let number = parsed.and_then(|p| p.invoice.number.as_deref());
    let title = match number {
        Some(n) => format!("Rechnung {n}"),
        None => "Rechnung".to_owned(),
    };
    let (verdict_text, verdict_class) = match report.verdict {
        Verdict::Accept => ("Gültig: die Rechnung wird angenommen", "accept"),
        Verdict::Reject => ("Ungültig: die Rechnung wird abgelehnt", "reject"),
        Verdict::Undefined => (
            "Kein Prüfergebnis: die Prüfung war nicht möglich",
            "undefined",
        ),
    };
    let page = InvoicePage {
        title,
        file_name,
        verdict_text,
        verdict_class,
        scenario: report.scenario.map(|s| s.name),
        findings: report
            .findings
            .iter()
            .map(|f| FindingView {
                id: &f.id,
                level: level_de(f.level),
                message: f.message.trim(),
                location: &f.location,
            })
            .collect(),
        sections: parsed.map_or_else(Vec::new, |p| sections::build(&p.invoice)),
    };
    // Rendering writes into a String; the template has no fallible filters.
    page.render()
        .unwrap_or_else(|e| unreachable!("invoice template failed: {e}"))
}

fn level_de(level: Level) -> &'static str {
    match level {
        Level::Error => "Fehler",
        Level::Warning => "Warnung",
        Level::Information => "Hinweis",
    }
}

/// `2024-01-31` as `31.01.2024`.
#[must_use]
pub fn date_de(date: Date) -> String {
    format!("{:02}.{:02}.{:04}", date.day(), date.month(), date.year())
}

/// A decimal in German notation with its scale as written: `-1234.50` → `-1.234,50`.
#[must_use]
pub fn decimal_de(value: Decimal) -> String {
    let plain = value.to_string();
    let (sign, digits) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |rest| ("-", rest));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::with_capacity(plain.len() + int.len() / 3 + 1);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_written_the_german_way() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(decimal_de(d("0")), "0");
        assert_eq!(decimal_de(d("19.00")), "19,00");
        assert_eq!(decimal_de(d("-1234.5")), "-1.234,5");
        assert_eq!(decimal_de(d("1234567.891")), "1.234.567,891");
        assert_eq!(decimal_de(d("123456")), "123.456");
    }

    #[test]
    fn dates_are_written_the_german_way() {
        assert_eq!(date_de(Date::new(2024, 1, 31).unwrap()), "31.01.2024");
    }
}
