//! The model rules whose context nodes the model does not keep, tested as the elements stream
//! past; each failure is recorded with its XPath (`SyntaxFacts::recorded`) and reported by the
//! model rule of the same id (`rules/codes.rs`, `rules/extension.rs`):
//!
//! - BR-CL-03 (the `currencyID` of every amount), BR-CL-07 (the scheme of an object
//!   identifier), BR-CL-08 (the subject code of a note), BR-CL-11 (the scheme of a
//!   registration identifier), BR-CL-16 (the code of every payment means);
//! - the XRechnung Extension's scheme and MIME lists (BR-DEX-01, -04 … -08), its sub-line sums
//!   and VAT categories (BR-DEX-02, -03) and CII sub-lines (`ram:ParentLineID`, BR-DEX-15),
//!   recorded for every document and reported only for an Extension invoice;
//! - CII BR-29, BR-30, BR-CO-19 and BR-CO-20 (the dates of a period as written: the
//!   reference compares the `udt:DateTimeString[@format = '102']` texts as strings and tests
//!   the date elements for existence, whatever their format);
//! - BR-TMP-2 (an external document location that is no absolute URL) and CII BR-TMP-3 (the
//!   gross and net price base quantities as written).

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::checker::{Checker, Family};
use super::special::{attr, is, shape};
use super::tag::Tag;
use crate::lexical::{parse_decimal, trim_xml};
use crate::rules::codes::{listed, lists};
use crate::xml::Ns;

/// UBL amounts whose `currencyID` BR-CL-03 tests (its context, at any depth).
const UBL_AMOUNTS: [Tag; 13] = [
    Tag::Amount,
    Tag::BaseAmount,
    Tag::PriceAmount,
    Tag::TaxAmount,
    Tag::TaxableAmount,
    Tag::LineExtensionAmount,
    Tag::TaxExclusiveAmount,
    Tag::TaxInclusiveAmount,
    Tag::AllowanceTotalAmount,
    Tag::ChargeTotalAmount,
    Tag::PrepaidAmount,
    Tag::PayableRoundingAmount,
    Tag::PayableAmount,
];

/// BR-DEX-01: the MIME codes of an Extension attachment, compared as written.
const EXTENSION_MIME: [&str; 7] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/xml",
];

/// The Extension's scheme lists (`$ISO-6523-ICD-EXT-CODES`, `$CEF-EAS-EXT-CODES`) are the CEN
/// list after `' XR01 XR02 XR03 '`. Concatenated, the two literals hold a double blank, so an
/// empty scheme (`concat(' ', '', ' ')`) is found too, as in the reference.
fn listed_extension(list: &[&str], value: &str) -> bool {
    let value = trim_xml(value);
    value.is_empty() || matches!(value, "XR01" | "XR02" | "XR03") || listed(list, value)
}

/// `matches(., '^([a-zA-Z])([a-zA-Z0-9+.-])+:.*')` (`$XR-URL-REGEX`, BR-TMP-2): a scheme of at
/// least two characters, then a colon.
fn url_like(text: &str) -> bool {
    let mut bytes = text.bytes();
    if !bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let scheme = bytes
        .clone()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        .count();
    scheme >= 1 && bytes.nth(scheme) == Some(b':')
}

/// What the checks keep between an element's start and a later close.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// UBL BR-CL-07: identifiers with an unlisted scheme, by the depth of their document
    /// reference, whose `cbc:DocumentTypeCode` (written after the identifier) decides.
    scheme_ids: Vec<(usize, String)>,
    /// Depths of the open document references whose type code is `130`.
    objects: Vec<usize>,
    /// UBL BR-TMP-2: the open `cac:ExternalReference` of an attachment has a URL.
    external_reference_url: Option<bool>,
    /// CII BR-TMP-2: the open header `ram:AdditionalReferencedDocument`.
    reference: Option<Reference>,
    /// UBL BR-DEX-03: the `cac:ClassifiedTaxCategory` elements of the open sub-line item.
    sub_item_categories: Option<u32>,
    /// UBL BR-DEX-02: the open invoice lines and sub-lines, outermost first.
    line_sums: Vec<LineSum>,
    /// CII BR-TMP-3: the open line's gross and net price base quantities (text, unit code).
    gross_quantity: Option<(String, Option<String>)>,
    net_quantity: Option<(String, Option<String>)>,
    /// CII BR-29, BR-30, BR-CO-19, BR-CO-20: the open `ram:BillingSpecifiedPeriod`.
    period: Option<PeriodDates>,
}

/// The dates of one CII period as the reference reads them.
#[derive(Debug)]
struct PeriodDates {
    /// The rules of its kind: the invoicing period's (BR-29, BR-CO-19) or a line's (BR-30,
    /// BR-CO-20).
    rules: (&'static str, &'static str),
    /// `ram:StartDateTime` and `ram:EndDateTime` exist.
    start: bool,
    end: bool,
    /// The texts of their `udt:DateTimeString[@format = '102']`.
    starts: Vec<String>,
    ends: Vec<String>,
    /// The open date string has the format `102`.
    in_102: bool,
}

impl PeriodDates {
    /// The failures at its close: `(End/DTS[@format='102']) >= (Start/DTS[@format='102']) or
    /// not(End) or not(Start)` (a general comparison of untyped values compares strings), and
    /// `Start or End`.
    fn failures(&self) -> impl Iterator<Item = &'static str> {
        let ordered = !self.start
            || !self.end
            || self
                .ends
                .iter()
                .any(|e| self.starts.iter().any(|s| e.as_str() >= s.as_str()));
        let (order, filled) = self.rules;
        [
            (!ordered).then_some(order),
            (!self.start && !self.end).then_some(filled),
        ]
        .into_iter()
        .flatten()
    }
}

/// CII BR-TMP-2 facts of one `ram:AdditionalReferencedDocument`.
#[derive(Debug, Default)]
struct Reference {
    /// `ram:URIID` exists; whether it is a URL.
    url: Option<bool>,
    /// `ram:TypeCode = '916'`.
    attachment: bool,
}

/// BR-DEX-02 facts of one open (sub-)line.
#[derive(Debug)]
struct LineSum {
    depth: usize,
    /// `xs:decimal(cbc:LineExtensionAmount)`.
    amount: Option<Decimal>,
    /// The sum over its direct sub-lines.
    sub_lines: Decimal,
    has_sub_lines: bool,
}

/// The parent of the element at `depth` is `cac:AdditionalDocumentReference` or
/// `cac:DocumentReference`.
fn in_document_reference(checker: &Checker<'_>, depth: usize) -> bool {
    depth.checked_sub(1).is_some_and(|p| {
        let parent = &checker.frames[p];
        is(parent, Ns::Cac, Tag::AdditionalDocumentReference)
            || is(parent, Ns::Cac, Tag::DocumentReference)
    })
}

/// The element at `depth` has these names from its parent upwards.
fn under(checker: &Checker<'_>, depth: usize, ancestors: &[(Ns, Tag)]) -> bool {
    depth >= ancestors.len()
        && ancestors
            .iter()
            .enumerate()
            .all(|(k, &(ns, tag))| is(&checker.frames[depth - 1 - k], ns, tag))
}

fn ancestor(checker: &Checker<'_>, depth: usize, ns: Ns, tag: Tag) -> bool {
    checker.frames[..depth].iter().any(|f| is(f, ns, tag))
}

/// Runs the checks on the element just opened at `depth`; returns whether its text is needed.
pub(super) fn open(
    checker: &mut Checker<'_>,
    depth: usize,
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> bool {
    match checker.family {
        Family::Ubl => ubl_open(checker, depth, attrs),
        Family::Cii => cii_open(checker, depth, attrs),
    }
}

fn ubl_open(
    checker: &mut Checker<'_>,
    depth: usize,
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> bool {
    let (ns, tag, _) = shape(&checker.frames[depth]);
    let parent_is = |ns, tag| under(checker, depth, &[(ns, tag)]);
    let scheme = attr(attrs, "schemeID");
    let mut failed: [Option<&'static str>; 2] = [None, None];
    match (ns, tag) {
        // A missing `currencyID` is '' to the test, which no list entry matches.
        (Ns::Cbc, tag) if UBL_AMOUNTS.contains(&tag) => {
            let currency = attr(attrs, "currencyID").unwrap_or_default();
            if !listed(&lists::UBL_CURRENCY, currency) {
                checker.record("BR-CL-03", depth);
            }
            // BR-DEX-02 sums the amount of a (sub-)line at its close.
            return tag == Tag::LineExtensionAmount
                && checker
                    .pending
                    .line_sums
                    .last()
                    .is_some_and(|l| l.depth + 1 == depth);
        }
        (Ns::Cbc, Tag::CompanyID) if parent_is(Ns::Cac, Tag::PartyLegalEntity) => {
            if let Some(scheme) = scheme {
                if !listed(&lists::ICD, scheme) {
                    failed[0] = Some("BR-CL-11");
                }
                if !listed_extension(&lists::ICD, scheme) {
                    failed[1] = Some("BR-DEX-05");
                }
            }
        }
        (Ns::Cbc, Tag::ID)
            if in_document_reference(checker, depth)
                && scheme.is_some_and(|s| !listed(&lists::REFERENCE_SCHEME, s)) =>
        {
            // Whether the reference is an object identifier is known at its close.
            let location = checker.location(depth);
            checker.pending.scheme_ids.push((depth - 1, location));
        }
        (Ns::Cbc, Tag::ID) if parent_is(Ns::Cac, Tag::PartyIdentification) => {
            let sepa = |s: &str| {
                trim_xml(s) == "SEPA"
                    && (ancestor(checker, depth, Ns::Cac, Tag::AccountingSupplierParty)
                        || ancestor(checker, depth, Ns::Cac, Tag::PayeeParty))
            };
            if scheme.is_some_and(|s| !listed_extension(&lists::ICD, s) && !sepa(s)) {
                failed[0] = Some("BR-DEX-04");
            }
        }
        (Ns::Cbc, Tag::ID)
            if parent_is(Ns::Cac, Tag::StandardItemIdentification)
                && scheme.is_some_and(|s| !listed_extension(&lists::ICD, s)) =>
        {
            failed[0] = Some("BR-DEX-06");
        }
        (Ns::Cbc, Tag::ID)
            if parent_is(Ns::Cac, Tag::DeliveryLocation)
                && scheme.is_some_and(|s| !listed_extension(&lists::ICD, s)) =>
        {
            failed[0] = Some("BR-DEX-08");
        }
        (Ns::Cbc, Tag::EndpointID) if scheme.is_some_and(|s| !listed_extension(&lists::EAS, s)) => {
            failed[0] = Some("BR-DEX-07");
        }
        (Ns::Cbc, Tag::EmbeddedDocumentBinaryObject)
            if attr(attrs, "mimeCode").is_none_or(|m| !EXTENSION_MIME.contains(&m)) =>
        {
            failed[0] = Some("BR-DEX-01");
        }
        (Ns::Cbc, Tag::DocumentTypeCode) if in_document_reference(checker, depth) => return true,
        (Ns::Cbc, Tag::PaymentMeansCode) => return parent_is(Ns::Cac, Tag::PaymentMeans),
        (Ns::Cbc, Tag::Note) => return depth == 1,
        _ => return ubl_track(checker, depth),
    }
    for rule in failed.into_iter().flatten() {
        checker.record(rule, depth);
    }
    false
}

/// The bookkeeping for checks decided at a later close: BT-124's URI (BR-TMP-2), a sub-line
/// item's tax categories (BR-DEX-03), the line sums (BR-DEX-02). True if the text is needed.
fn ubl_track(checker: &mut Checker<'_>, depth: usize) -> bool {
    let (ns, tag, _) = shape(&checker.frames[depth]);
    let parent_is = |ns, tag| under(checker, depth, &[(ns, tag)]);
    match (ns, tag) {
        (Ns::Cac, Tag::ExternalReference)
            if depth == 3
                && under(
                    checker,
                    depth,
                    &[
                        (Ns::Cac, Tag::Attachment),
                        (Ns::Cac, Tag::AdditionalDocumentReference),
                    ],
                ) =>
        {
            checker.pending.external_reference_url = Some(false);
        }
        (Ns::Cbc, Tag::URI) if depth == 4 && checker.pending.external_reference_url.is_some() => {
            return parent_is(Ns::Cac, Tag::ExternalReference);
        }
        (Ns::Cac, Tag::Item) if parent_is(Ns::Cac, Tag::SubInvoiceLine) => {
            checker.pending.sub_item_categories = Some(0);
        }
        (Ns::Cac, Tag::ClassifiedTaxCategory)
            if under(
                checker,
                depth,
                &[(Ns::Cac, Tag::Item), (Ns::Cac, Tag::SubInvoiceLine)],
            ) =>
        {
            if let Some(count) = &mut checker.pending.sub_item_categories {
                *count += 1;
            }
        }
        (Ns::Cac, Tag::InvoiceLine | Tag::SubInvoiceLine)
            if !checker.credit_note
                && (depth == 1
                    || checker
                        .pending
                        .line_sums
                        .last()
                        .is_some_and(|l| l.depth + 1 == depth)) =>
        {
            checker.pending.line_sums.push(LineSum {
                depth,
                amount: None,
                sub_lines: Decimal::ZERO,
                has_sub_lines: false,
            });
        }
        _ => {}
    }
    false
}

fn cii_open(
    checker: &mut Checker<'_>,
    depth: usize,
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> bool {
    let (ns, tag, _) = shape(&checker.frames[depth]);
    if let Some(wants_text) = cii_period_open(checker, depth, attrs) {
        return wants_text;
    }
    if ns != Ns::Ram {
        return false;
    }
    let parent_is = |tag| under(checker, depth, &[(Ns::Ram, tag)]);
    let scheme = attr(attrs, "schemeID");
    let mut failed: [Option<&'static str>; 2] = [None, None];
    match tag {
        Tag::TaxTotalAmount
            if attr(attrs, "currencyID").is_some_and(|c| !listed(&lists::CII_CURRENCY, c)) =>
        {
            failed[0] = Some("BR-CL-03");
        }
        Tag::ID => {
            if let Some(scheme) = scheme
                && !ancestor(checker, depth, Ns::Ram, Tag::SpecifiedTaxRegistration)
            {
                if !listed(&lists::ICD, scheme) {
                    failed[0] = Some("BR-CL-11");
                }
                if !listed_extension(&lists::ICD, scheme) {
                    failed[1] = Some("BR-DEX-05");
                }
            }
        }
        Tag::GlobalID if scheme.is_some_and(|s| !listed_extension(&lists::ICD, s)) => {
            let product = ancestor(checker, depth, Ns::Ram, Tag::SpecifiedTradeProduct);
            let ship_to = ancestor(checker, depth, Ns::Ram, Tag::ShipToTradeParty);
            failed[0] = if !product && !ship_to {
                Some("BR-DEX-04")
            } else if parent_is(Tag::SpecifiedTradeProduct) {
                Some("BR-DEX-06")
            } else if under(
                checker,
                depth,
                &[
                    (Ns::Ram, Tag::ShipToTradeParty),
                    (Ns::Ram, Tag::ApplicableHeaderTradeDelivery),
                ],
            ) {
                Some("BR-DEX-08")
            } else {
                None
            };
        }
        Tag::URIID
            if parent_is(Tag::URIUniversalCommunication)
                && scheme.is_some_and(|s| !listed_extension(&lists::EAS, s)) =>
        {
            failed[0] = Some("BR-DEX-07");
        }
        Tag::AttachmentBinaryObject
            if attr(attrs, "mimeCode").is_none_or(|m| !EXTENSION_MIME.contains(&m)) =>
        {
            failed[0] = Some("BR-DEX-01");
        }
        // Marks the document as one with sub-lines; BR-DEX-15 reports at every line.
        Tag::ParentLineID => failed[0] = Some("BR-DEX-15"),
        Tag::ReferenceTypeCode | Tag::SubjectCode => return true,
        Tag::TypeCode if parent_is(Tag::SpecifiedTradeSettlementPaymentMeans) => return true,
        Tag::AdditionalReferencedDocument if header_agreement(checker, depth) => {
            checker.pending.reference = Some(Reference::default());
        }
        Tag::URIID | Tag::TypeCode
            if depth == 4
                && checker.pending.reference.is_some()
                && parent_is(Tag::AdditionalReferencedDocument) =>
        {
            return true;
        }
        Tag::IncludedSupplyChainTradeLineItem if depth == 2 => {
            checker.pending.gross_quantity = None;
            checker.pending.net_quantity = None;
        }
        Tag::BasisQuantity if depth == 5 && line_price(checker, depth).is_some() => {
            let unit = attr(attrs, "unitCode").map(str::to_owned);
            let slot = if line_price(checker, depth) == Some(true) {
                &mut checker.pending.gross_quantity
            } else {
                &mut checker.pending.net_quantity
            };
            if slot.is_none() {
                *slot = Some((String::new(), unit));
                return true;
            }
        }
        _ => {}
    }
    for rule in failed.into_iter().flatten() {
        checker.record(rule, depth);
    }
    false
}

/// The period checks of an element just opened (`None` if it is none of theirs): a
/// `ram:BillingSpecifiedPeriod`, its dates, their date strings (whose text is needed).
fn cii_period_open(
    checker: &mut Checker<'_>,
    depth: usize,
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Option<bool> {
    let (ns, tag, _) = shape(&checker.frames[depth]);
    let parent_is = |tag| under(checker, depth, &[(Ns::Ram, tag)]);
    match (ns, tag) {
        (Ns::Udt, Tag::DateTimeString) => {
            let date = period_date(checker, depth).is_some();
            let period = checker.pending.period.as_mut().filter(|_| date)?;
            // `@format = '102'` compares the attribute as written.
            period.in_102 = attr(attrs, "format") == Some("102");
            Some(period.in_102)
        }
        (Ns::Ram, Tag::BillingSpecifiedPeriod) => {
            let header = parent_is(Tag::ApplicableHeaderTradeSettlement);
            if header || parent_is(Tag::SpecifiedLineTradeSettlement) {
                checker.pending.period = Some(PeriodDates {
                    rules: if header {
                        ("BR-29", "BR-CO-19")
                    } else {
                        ("BR-30", "BR-CO-20")
                    },
                    start: false,
                    end: false,
                    starts: Vec::new(),
                    ends: Vec::new(),
                    in_102: false,
                });
            }
            Some(false)
        }
        (Ns::Ram, Tag::StartDateTime | Tag::EndDateTime)
            if parent_is(Tag::BillingSpecifiedPeriod) =>
        {
            let period = checker.pending.period.as_mut()?;
            if tag == Tag::StartDateTime {
                period.start = true;
            } else {
                period.end = true;
            }
            Some(false)
        }
        _ => None,
    }
}

/// For a date string of the open period: whether it is the start's (`Some(true)`) or the
/// end's (`Some(false)`); `ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString`.
fn period_date(checker: &Checker<'_>, depth: usize) -> Option<bool> {
    if depth < 2
        || !is(
            &checker.frames[depth - 2],
            Ns::Ram,
            Tag::BillingSpecifiedPeriod,
        )
    {
        return None;
    }
    let parent = &checker.frames[depth - 1];
    match () {
        () if is(parent, Ns::Ram, Tag::StartDateTime) => Some(true),
        () if is(parent, Ns::Ram, Tag::EndDateTime) => Some(false),
        () => None,
    }
}

/// The element at `depth` is `/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/
/// ram:ApplicableHeaderTradeAgreement/*`.
fn header_agreement(checker: &Checker<'_>, depth: usize) -> bool {
    depth == 3
        && under(
            checker,
            depth,
            &[
                (Ns::Ram, Tag::ApplicableHeaderTradeAgreement),
                (Ns::Rsm, Tag::SupplyChainTradeTransaction),
            ],
        )
}

/// For a child of a line's gross (`Some(true)`) or net (`Some(false)`) price:
/// `…/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement/ram:*PriceProductTradePrice/*`.
fn line_price(checker: &Checker<'_>, depth: usize) -> Option<bool> {
    let line = under(
        checker,
        depth - 1,
        &[
            (Ns::Ram, Tag::SpecifiedLineTradeAgreement),
            (Ns::Ram, Tag::IncludedSupplyChainTradeLineItem),
            (Ns::Rsm, Tag::SupplyChainTradeTransaction),
        ],
    );
    let price = &checker.frames[depth - 1];
    match () {
        () if line && is(price, Ns::Ram, Tag::GrossPriceProductTradePrice) => Some(true),
        () if line && is(price, Ns::Ram, Tag::NetPriceProductTradePrice) => Some(false),
        () => None,
    }
}

/// Runs the checks on the element at `depth` as it closes; `text` is its text if [`open`] (or
/// another check) asked for it.
pub(super) fn close(checker: &mut Checker<'_>, depth: usize, text: &str) {
    match checker.family {
        Family::Ubl => ubl_close(checker, depth, text),
        Family::Cii => cii_close(checker, depth, text),
    }
}

fn ubl_close(checker: &mut Checker<'_>, depth: usize, text: &str) {
    let (ns, tag, _) = shape(&checker.frames[depth]);
    let in_reference = in_document_reference(checker, depth);
    let pending = &mut checker.pending;
    match (ns, tag) {
        // `cbc:DocumentTypeCode = '130'` compares the text as written.
        (Ns::Cbc, Tag::DocumentTypeCode) if text == "130" && in_reference => {
            pending.objects.push(depth - 1);
        }
        (Ns::Cac, Tag::AdditionalDocumentReference | Tag::DocumentReference) => {
            let object = pending.objects.contains(&depth);
            pending.objects.retain(|&d| d != depth);
            let (due, kept) = std::mem::take(&mut pending.scheme_ids)
                .into_iter()
                .partition(|(d, _)| *d == depth);
            pending.scheme_ids = kept;
            if object {
                for (_, location) in due {
                    checker.record_at("BR-CL-07", location);
                }
            }
        }
        // Every payment means, not only the first the model keeps.
        (Ns::Cbc, Tag::PaymentMeansCode) if !listed(&lists::UBL_PAYMENT_MEANS, text) => {
            checker.record("BR-CL-16", depth);
        }
        (Ns::Cbc, Tag::Note) if depth == 1 && ubl_note_subject_unlisted(text) => {
            checker.record("BR-CL-08", depth);
        }
        (Ns::Cbc, Tag::URI) if depth == 4 && pending.external_reference_url == Some(false) => {
            pending.external_reference_url = Some(url_like(text));
        }
        // Each guard takes the pending state, so it is reset whatever it held.
        (Ns::Cac, Tag::ExternalReference)
            if depth == 3 && pending.external_reference_url.take() == Some(false) =>
        {
            checker.record("BR-TMP-2", depth);
        }
        (Ns::Cac, Tag::Item) if pending.sub_item_categories.take().is_some_and(|n| n != 1) => {
            checker.record("BR-DEX-03", depth);
        }
        (Ns::Cbc, Tag::LineExtensionAmount) => {
            if let Some(line) = pending.line_sums.last_mut()
                && line.depth + 1 == depth
                && line.amount.is_none()
            {
                line.amount = parse_decimal(text);
            }
        }
        (Ns::Cac, Tag::InvoiceLine | Tag::SubInvoiceLine)
            if pending.line_sums.last().is_some_and(|l| l.depth == depth) =>
        {
            let Some(line) = pending.line_sums.pop() else {
                return;
            };
            if let Some(parent) = pending.line_sums.last_mut() {
                parent.has_sub_lines = true;
                parent.sub_lines += line.amount.unwrap_or_default();
            }
            if line.has_sub_lines && line.amount != Some(line.sub_lines) {
                checker.record("BR-DEX-02", depth);
            }
        }
        _ => {}
    }
}

fn cii_close(checker: &mut Checker<'_>, depth: usize, text: &str) {
    let (ns, tag, _) = shape(&checker.frames[depth]);
    if ns == Ns::Udt {
        if tag == Tag::DateTimeString
            && let Some(start) = period_date(checker, depth)
            && let Some(period) = &mut checker.pending.period
            && std::mem::take(&mut period.in_102)
        {
            let dates = if start {
                &mut period.starts
            } else {
                &mut period.ends
            };
            dates.push(text.to_owned());
        }
        return;
    }
    if ns != Ns::Ram {
        return;
    }
    let payment_means = under(
        checker,
        depth,
        &[(Ns::Ram, Tag::SpecifiedTradeSettlementPaymentMeans)],
    );
    let pending = &mut checker.pending;
    match tag {
        Tag::ReferenceTypeCode if !listed(&lists::REFERENCE_SCHEME, text) => {
            checker.record("BR-CL-07", depth);
        }
        Tag::SubjectCode if !listed(&lists::CII_NOTE_SUBJECT, text) => {
            checker.record("BR-CL-08", depth);
        }
        Tag::TypeCode if payment_means && !listed(&lists::CII_PAYMENT_MEANS, text) => {
            checker.record("BR-CL-16", depth);
        }
        Tag::URIID | Tag::TypeCode if depth == 4 => {
            if let Some(reference) = &mut pending.reference {
                if tag == Tag::URIID {
                    reference.url.get_or_insert(url_like(text));
                } else {
                    // `ram:TypeCode = '916'` compares the text as written.
                    reference.attachment |= text == "916";
                }
            }
        }
        Tag::BillingSpecifiedPeriod => {
            if let Some(period) = pending.period.take() {
                for rule in period.failures() {
                    checker.record(rule, depth);
                }
            }
        }
        Tag::AdditionalReferencedDocument if depth == 3 => {
            if let Some(reference) = pending.reference.take()
                && reference.attachment
                && reference.url == Some(false)
            {
                checker.record("BR-TMP-2", depth);
            }
        }
        Tag::BasisQuantity if depth == 5 => {
            let slot = match line_price(checker, depth) {
                Some(true) => &mut checker.pending.gross_quantity,
                Some(false) => &mut checker.pending.net_quantity,
                None => return,
            };
            if let Some((written, _)) = slot
                && written.is_empty()
            {
                text.clone_into(written);
            }
        }
        Tag::IncludedSupplyChainTradeLineItem if depth == 2 => {
            let (gross, net) = (pending.gross_quantity.take(), pending.net_quantity.take());
            if let (Some((gross, gross_unit)), Some((net, net_unit))) = (gross, net) {
                // Untyped values compare as strings: `1` and `1.0` differ.
                let units_agree = match (gross_unit, net_unit) {
                    (Some(g), Some(n)) => g == n,
                    _ => true,
                };
                if gross != net || !units_agree {
                    checker.record("BR-TMP-3", depth);
                }
            }
        }
        _ => {}
    }
}

/// UBL BR-CL-08 fails on a note whose text between its first two `#` has three characters
/// that do not occur in the list string (a substring test, not a token test).
fn ubl_note_subject_unlisted(note: &str) -> bool {
    let Some((_, after)) = note.split_once('#') else {
        return false;
    };
    let Some((code, _)) = after.split_once('#') else {
        return false;
    };
    code.chars().count() == 3 && !lists::UBL_NOTE_SUBJECTS.contains(code)
}

#[cfg(test)]
mod tests {
    use super::{listed_extension, ubl_note_subject_unlisted, url_like};
    use crate::rules::codes::lists;

    #[test]
    fn urls_need_a_scheme_of_two_characters_and_a_colon() {
        assert!(url_like("https://example.org/a.pdf"));
        assert!(url_like("ftp:x"));
        assert!(url_like("x-y+z.w:"));
        assert!(!url_like("h:x"));
        assert!(!url_like("www.example.org"));
        assert!(!url_like(" https://example.org"));
        assert!(!url_like("1a://x"));
        assert!(!url_like(""));
    }

    #[test]
    fn extension_lists_add_the_diga_codes_and_the_empty_scheme() {
        assert!(listed_extension(&lists::ICD, "XR01"));
        assert!(listed_extension(&lists::ICD, " 0088 "));
        assert!(listed_extension(&lists::ICD, ""));
        assert!(!listed_extension(&lists::ICD, "0244"));
        assert!(!listed_extension(&lists::ICD, "XR04"));
    }

    #[test]
    fn ubl_note_subject_is_a_substring_test() {
        assert!(!ubl_note_subject_unlisted("no code"));
        assert!(!ubl_note_subject_unlisted("#AAI#Text"));
        assert!(ubl_note_subject_unlisted("#XYZ#Text"));
        // Not three characters between the first two `#`: the test passes.
        assert!(!ubl_note_subject_unlisted("#XYZW#Text"));
        assert!(!ubl_note_subject_unlisted("#XYZ"));
        // "A A" is no code, but it occurs in " AAA AAB …".
        assert!(!ubl_note_subject_unlisted("#A A#Text"));
        assert!(ubl_note_subject_unlisted("#ÄÖÜ#Text"));
    }
}
