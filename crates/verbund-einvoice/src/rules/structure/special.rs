//! The syntax asserts whose tests look at values or carry predicates, written by hand. Each
//! collects small facts while the elements it needs stream past (the element's own text, or
//! flags on the nearest frame that owns the fact) and decides when its context closes.
//! `tests/structure_checks.rs` has one or more cases per id.

use std::borrow::Cow;

use super::checker::{Checker, Family, Frame};
use super::tag::{
    S_AMOUNT, S_PRICE_AMOUNT, S_QUANTITY, S_REFERENCED_DOCUMENT, S_TRADE_TAX, Suffixes, Tag,
};
use crate::xml::Ns;

/// Special asserts with a hand-written check; the other [`super::Test::Special`] entries are
/// listed as not implemented yet in `tests/rule_coverage.rs`.
pub(super) static IMPLEMENTED: &[&str] = &[
    "UBL-CR-002",
    "UBL-CR-665",
    "UBL-CR-666",
    "UBL-CR-673",
    "UBL-DT-01",
    "UBL-DT-18",
    "UBL-SR-04",
    "UBL-SR-12",
    "UBL-SR-13",
    "UBL-SR-18",
    "UBL-SR-19",
    "UBL-SR-20",
    "UBL-SR-21",
    "UBL-SR-29",
    "UBL-SR-43",
    "UBL-SR-44",
    "UBL-SR-47",
    "UBL-SR-53",
    "CII-DT-015",
    "CII-DT-018",
    "CII-DT-021",
    "CII-DT-022",
    "CII-DT-024",
    "CII-DT-033",
    "CII-DT-037",
    "CII-DT-097",
    "CII-SR-046",
    "CII-SR-090",
    "CII-SR-119",
    "CII-SR-457",
    "CII-SR-458",
    "CII-SR-462",
];

/// A context with a predicate, recognised by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Special {
    /// `//ram:*[ends-with(name(), 'Amount') and not (self::ram:TaxTotalAmount)]`.
    CiiAmount,
    /// Contexts whose every assert is checked in this module, so the generic engine leaves
    /// them alone.
    HandledHere,
}

pub(super) fn matcher(xpath: &str) -> Option<Special> {
    Some(match xpath {
        "//ram:*[ends-with(name(), 'Amount') and not (self::ram:TaxTotalAmount)]" => {
            Special::CiiAmount
        }
        "//*[ends-with(name(), 'Amount') and not(ends-with(name(),'PriceAmount')) and not(ancestor::cac:Price/cac:AllowanceCharge)]"
        | "cac:AllowanceCharge[cbc:ChargeIndicator = false()]"
        | "cac:AllowanceCharge[cbc:ChargeIndicator = true()]"
        | "//udt:DateTimeString[@format = '102']" => Special::HandledHere,
        _ => {
            debug_assert!(false, "special context without a matcher: {xpath}");
            return None;
        }
    })
}

pub(super) fn matches(special: Special, ns: Ns, name: &str) -> bool {
    match special {
        Special::CiiAmount => ns == Ns::Ram && name.ends_with("Amount") && name != "TaxTotalAmount",
        Special::HandledHere => false,
    }
}

/// Facts about one open element (which ones depends on the element).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts {
    /// Bit set of `F_*` flags.
    flags: u32,
    /// A count the element's check needs (identifiers, reasons, company ids …).
    count: u32,
    /// A second count.
    other: u32,
}

const F_CODE_130: u32 = 1;
const F_CODE_50: u32 = 1 << 1;
const F_CODE_916: u32 = 1 << 2;
const F_CODE_OTHER: u32 = 1 << 3;
const F_CODE_ANY: u32 = 1 << 4;
const F_ATTACHMENT: u32 = 1 << 5;
const F_DESCRIPTION: u32 = 1 << 6;
const F_SCHEME: u32 = 1 << 7;
const F_VAT: u32 = 1 << 8;
const F_NOT_VAT: u32 = 1 << 9;
const F_SCHEME_ID: u32 = 1 << 10;
const F_TRUE: u32 = 1 << 11;
const F_FALSE: u32 = 1 << 12;
const F_URIID: u32 = 1 << 13;
const F_NAME: u32 = 1 << 14;
const F_BINARY: u32 = 1 << 15;
const F_REFERENCE_TYPE: u32 = 1 << 16;
const F_FIRED: u32 = 1 << 17;
const F_FIRED_2: u32 = 1 << 18;
/// The element's text is needed at its close.
const F_TEXT: u32 = 1 << 19;
/// CII-SR-119, on a line's `ram:SpecifiedLineTradeAgreement`: a gross price allowance or
/// charge has a `ram:ChargeIndicator`, one whose `udt:Indicator` is false, an `ram:ActualAmount`.
const F_PRICE_INDICATOR: u32 = 1 << 20;
const F_PRICE_ALLOWANCE: u32 = 1 << 21;
const F_PRICE_AMOUNT: u32 = 1 << 22;
/// A CII `ram:ApplicableTradeTax` whose `upper-case(ram:TypeCode)` is `VAT` …
const F_VAT_ANY_CASE: u32 = 1 << 23;
/// … and whose `ram:CategoryCode` is `L`, `M` or `O`.
const F_CATEGORY_LMO: u32 = 1 << 24;

/// Facts about the whole document.
#[derive(Debug, Default)]
pub(crate) struct DocumentFacts {
    version_seen: bool,
    version_ok: bool,
    sr04: u32,
    sr12: u32,
    sr13: u32,
    sr18: u32,
    sr29: u32,
    payment_id: Distinct,
    payment_means_code: Distinct,
    due_date_type_code: Distinct,
    /// CII-DT-033: a line's `BilledQuantity` has a `unitCode`; until then, the locations of
    /// the quantities with one.
    billed_unit_code: bool,
    unit_code_locations: Vec<String>,
    /// UBL-SR-19 … -21: the seller's `cac:PartyLegalEntity/cbc:RegistrationName` texts (the
    /// seller comes before the payee in a schema-valid UBL document) and, per payee, its
    /// `cac:PartyName/cbc:Name` texts, identifiers not of scheme SEPA, and company ids.
    seller_registration_names: Vec<String>,
    payee_names: Vec<String>,
    payee_ids: u32,
    payee_company_ids: u32,
}

/// Whether a sequence of values has two different ones (`count(x[not(preceding::x/. = .)])`).
#[derive(Debug, Default)]
struct Distinct {
    first: Option<String>,
    several: bool,
}

impl Distinct {
    fn add(&mut self, value: &str) {
        match &self.first {
            None => self.first = Some(value.to_owned()),
            Some(first) if first != value => self.several = true,
            Some(_) => {}
        }
    }
}

pub(super) fn is(frame: &Frame<'_>, ns: Ns, tag: Tag) -> bool {
    frame.ns == ns && frame.tag == tag
}

/// What the checks test of an element's name.
pub(super) fn shape(frame: &Frame<'_>) -> (Ns, Tag, Suffixes) {
    (frame.ns, frame.tag, frame.suffixes)
}

fn has(attrs: &[(Cow<'_, str>, Cow<'_, str>)], name: &str) -> Option<bool> {
    attrs.iter().find(|(n, _)| n == name).map(|_| true)
}

pub(super) fn attr<'a>(attrs: &'a [(Cow<'_, str>, Cow<'_, str>)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_ref())
}

/// Whether a CII VAT breakdown is the context of the category rules of L, M or O
/// (`ram:ApplicableTradeTax[ram:CategoryCode = 'O'][upper-case(ram:TypeCode) = 'VAT']`),
/// which come before the general breakdown rule in the CEN pattern and so take its place.
pub(super) fn vat_breakdown_lmo(frame: &Frame<'_>) -> bool {
    let both = F_VAT_ANY_CASE | F_CATEGORY_LMO;
    frame.facts.flags & both == both
}

/// XPath `upper-case(text) = 'VAT'` and the like, without allocating.
fn upper_eq(text: &str, upper: &str) -> bool {
    text.chars().flat_map(char::to_uppercase).eq(upper.chars())
}

pub(super) fn open(checker: &mut Checker<'_>, attrs: &[(Cow<'_, str>, Cow<'_, str>)]) {
    let depth = checker.depth - 1;
    let wants_text = match checker.family {
        Family::Ubl => ubl_open(checker, depth, attrs),
        Family::Cii => cii_open(checker, depth, attrs),
    } | super::recorded::open(checker, depth, attrs);
    if wants_text {
        checker.frames[depth].facts.flags |= F_TEXT;
        checker.text.clear();
        checker.text_depth = Some(depth + 1);
    }
}

/// Returns whether the element's text is needed.
fn ubl_open(
    checker: &mut Checker<'_>,
    depth: usize,
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> bool {
    let (ns, tag, suffixes) = shape(&checker.frames[depth]);
    let parent = depth.checked_sub(1).map(|p| shape(&checker.frames[p]));
    let parent_is = |ns, tag| parent.is_some_and(|(n, t, _)| n == ns && t == tag);
    if has(attrs, "name").is_some() && !(ns == Ns::Cbc && tag == Tag::PaymentMeansCode) {
        fire_once(checker, "UBL-DT-18");
    }
    let grandparent_is = |ns, tag| {
        depth
            .checked_sub(2)
            .is_some_and(|g| is(&checker.frames[g], ns, tag))
    };
    match (ns, tag) {
        (Ns::Cbc, Tag::UBLVersionID) if depth == 1 => return true,
        (Ns::Cac, Tag::PayeeParty) => {
            let doc = &mut checker.special;
            doc.payee_names.clear();
            (doc.payee_ids, doc.payee_company_ids) = (0, 0);
        }
        (Ns::Cbc, Tag::RegistrationName) if seller_legal_entity(checker, depth) => return true,
        (Ns::Cbc, Tag::Name)
            if parent_is(Ns::Cac, Tag::PartyName) && grandparent_is(Ns::Cac, Tag::PayeeParty) =>
        {
            return true;
        }
        (Ns::Cbc, Tag::ID)
            if parent_is(Ns::Cac, Tag::PartyIdentification)
                && grandparent_is(Ns::Cac, Tag::PayeeParty)
                // `upper-case(())` is '', so an identifier without a scheme counts too.
                && attr(attrs, "schemeID").is_none_or(|s| !upper_eq(s, "SEPA")) =>
        {
            checker.special.payee_ids += 1;
        }
        (Ns::Cbc, Tag::CompanyID)
            if parent_is(Ns::Cac, Tag::PartyLegalEntity)
                && grandparent_is(Ns::Cac, Tag::PayeeParty) =>
        {
            checker.special.payee_company_ids += 1;
        }
        (Ns::Cbc, Tag::DocumentTypeCode)
            if parent_is(Ns::Cac, Tag::AdditionalDocumentReference) =>
        {
            return true;
        }
        (Ns::Cac, Tag::Attachment) if parent_is(Ns::Cac, Tag::AdditionalDocumentReference) => {
            checker.frames[depth - 1].facts.flags |= F_ATTACHMENT;
        }
        (Ns::Cbc, Tag::DocumentDescription)
            if parent_is(Ns::Cac, Tag::AdditionalDocumentReference) =>
        {
            checker.frames[depth - 1].facts.flags |= F_DESCRIPTION;
        }
        (Ns::Cbc, Tag::ID) if parent_is(Ns::Cac, Tag::AdditionalDocumentReference) => {
            let facts = &mut checker.frames[depth - 1].facts;
            facts.count += 1;
            if has(attrs, "schemeID").is_some() {
                facts.flags |= F_SCHEME;
            }
        }
        (Ns::Cbc, Tag::ID)
            if parent_is(Ns::Cac, Tag::PartyIdentification)
                && attr(attrs, "schemeID").is_some_and(|s| upper_eq(s, "SEPA")) =>
        {
            checker.special.sr29 += 1;
            if checker.special.sr29 == 2 {
                fire_once(checker, "UBL-SR-29");
            }
        }
        (Ns::Cbc, Tag::ID) if parent_is(Ns::Cac, Tag::TaxScheme) => return true,
        (Ns::Cbc, Tag::CompanyID) if parent_is(Ns::Cac, Tag::PartyTaxScheme) => {
            checker.frames[depth - 1].facts.count += 1;
        }
        (Ns::Cbc, Tag::PaymentID | Tag::PaymentMeansCode) => return true,
        (Ns::Cbc, Tag::AllowanceChargeReason) if parent_is(Ns::Cac, Tag::AllowanceCharge) => {
            checker.frames[depth - 1].facts.count += 1;
        }
        (Ns::Cbc, Tag::ChargeIndicator) if parent_is(Ns::Cac, Tag::AllowanceCharge) => return true,
        _ if suffixes & S_AMOUNT != 0
            && suffixes & S_PRICE_AMOUNT == 0
            && !checker.frames[..depth]
                .iter()
                .any(|f| is(f, Ns::Cac, Tag::Price)) =>
        {
            return true;
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
    let (ns, tag, suffixes) = shape(&checker.frames[depth]);
    let parent = depth.checked_sub(1).map(|p| shape(&checker.frames[p]));
    let parent_ends = |suffix| parent.is_some_and(|(n, _, s)| n == Ns::Ram && s & suffix != 0);
    let parent_is = |ns, tag| parent.is_some_and(|(n, t, _)| n == ns && t == tag);
    if ns == Ns::Ram && suffixes & S_QUANTITY != 0 && has(attrs, "unitCode").is_some() {
        let billed = depth == 4
            && tag == Tag::BilledQuantity
            && parent_is(Ns::Ram, Tag::SpecifiedLineTradeDelivery)
            && is(
                &checker.frames[2],
                Ns::Ram,
                Tag::IncludedSupplyChainTradeLineItem,
            )
            && is(
                &checker.frames[1],
                Ns::Rsm,
                Tag::SupplyChainTradeTransaction,
            );
        if billed {
            checker.special.billed_unit_code = true;
            checker.special.unit_code_locations = Vec::new();
        } else if !checker.special.billed_unit_code
            && checker.special.unit_code_locations.len() < 50
        {
            let location = checker.location(depth);
            checker.special.unit_code_locations.push(location);
        }
    }
    match (ns, tag) {
        (Ns::Udt, Tag::DateTimeString) => return attr(attrs, "format") == Some("102"),
        (Ns::Ram, Tag::ChargeIndicator) if gross_price_charge(&checker.frames, depth) => {
            checker.frames[3].facts.flags |= F_PRICE_INDICATOR;
        }
        (Ns::Ram, Tag::ActualAmount) if gross_price_charge(&checker.frames, depth) => {
            checker.frames[3].facts.flags |= F_PRICE_AMOUNT;
        }
        (Ns::Udt, Tag::Indicator)
            if depth == 7
                && is(&checker.frames[6], Ns::Ram, Tag::ChargeIndicator)
                && gross_price_charge(&checker.frames, 6) =>
        {
            return true;
        }
        (Ns::Ram, Tag::TypeCode)
            if parent_ends(S_REFERENCED_DOCUMENT) || parent_ends(S_TRADE_TAX) =>
        {
            return true;
        }
        (Ns::Ram, Tag::DueDateTypeCode | Tag::CategoryCode)
            if parent_is(Ns::Ram, Tag::ApplicableTradeTax) =>
        {
            return true;
        }
        (Ns::Ram, Tag::URIID) if parent_ends(S_REFERENCED_DOCUMENT) => {
            checker.frames[depth - 1].facts.flags |= F_URIID;
        }
        (Ns::Ram, Tag::Name) if parent_ends(S_REFERENCED_DOCUMENT) => {
            checker.frames[depth - 1].facts.flags |= F_NAME;
        }
        (Ns::Ram, Tag::AttachmentBinaryObject) if parent_ends(S_REFERENCED_DOCUMENT) => {
            checker.frames[depth - 1].facts.flags |= F_BINARY;
        }
        (Ns::Ram, Tag::ReferenceTypeCode) if parent_ends(S_REFERENCED_DOCUMENT) => {
            checker.frames[depth - 1].facts.flags |= F_REFERENCE_TYPE;
        }
        (Ns::Ram, Tag::GlobalID) if depth == 4 && line_product(&checker.frames, depth - 1) => {
            let facts = &mut checker.frames[depth - 1].facts;
            facts.flags |= F_CODE_ANY;
            if has(attrs, "schemeID").is_some() {
                facts.flags |= F_SCHEME;
            }
        }
        (Ns::Ram, Tag::OriginTradeCountry)
            if depth == 4 && line_product(&checker.frames, depth - 1) =>
        {
            checker.frames[depth - 1].facts.count += 1;
        }
        (Ns::Ram, Tag::ID)
            if depth == 5
                && parent_is(Ns::Ram, Tag::OriginTradeCountry)
                && line_product(&checker.frames, depth - 2) =>
        {
            checker.frames[depth - 2].facts.other += 1;
        }
        _ => {}
    }
    false
}

/// The element at `depth` is `/*/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/*`.
fn seller_legal_entity(checker: &Checker<'_>, depth: usize) -> bool {
    let f = &checker.frames;
    depth == 4
        && is(&f[3], Ns::Cac, Tag::PartyLegalEntity)
        && is(&f[2], Ns::Cac, Tag::Party)
        && is(&f[1], Ns::Cac, Tag::AccountingSupplierParty)
}

/// UBL-SR-19 … -21 at a closing `cac:PayeeParty`: each bounds a count and requires that some
/// payee name differs from some seller registration name (an XPath `!=` over two sequences,
/// false when either is empty).
fn ubl_payee_party(checker: &mut Checker<'_>, depth: usize) {
    let doc = &checker.special;
    let differs = doc
        .payee_names
        .iter()
        .any(|a| doc.seller_registration_names.iter().any(|b| a != b));
    let counts = [
        ("UBL-SR-19", doc.payee_names.len() > 1),
        ("UBL-SR-20", doc.payee_ids > 1),
        ("UBL-SR-21", doc.payee_company_ids > 1),
    ];
    for (id, too_many) in counts {
        if too_many || !differs {
            checker.fire_id(id, depth);
        }
    }
}

/// The element at `depth` is a child of a line's gross price allowance or charge:
/// `…/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement/
/// ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/*`.
fn gross_price_charge(frames: &[Frame<'_>], depth: usize) -> bool {
    depth == 6
        && is(&frames[5], Ns::Ram, Tag::AppliedTradeAllowanceCharge)
        && is(&frames[4], Ns::Ram, Tag::GrossPriceProductTradePrice)
        && line_agreement(frames, 3)
}

/// `/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeAgreement`.
fn line_agreement(frames: &[Frame<'_>], depth: usize) -> bool {
    depth == 3
        && is(&frames[3], Ns::Ram, Tag::SpecifiedLineTradeAgreement)
        && is(&frames[2], Ns::Ram, Tag::IncludedSupplyChainTradeLineItem)
        && is(&frames[1], Ns::Rsm, Tag::SupplyChainTradeTransaction)
}

/// `/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct`.
fn line_product(frames: &[Frame<'_>], depth: usize) -> bool {
    depth == 3
        && is(&frames[3], Ns::Ram, Tag::SpecifiedTradeProduct)
        && is(&frames[2], Ns::Ram, Tag::IncludedSupplyChainTradeLineItem)
        && is(&frames[1], Ns::Rsm, Tag::SupplyChainTradeTransaction)
}

pub(super) fn close(checker: &mut Checker<'_>) {
    let depth = checker.depth - 1;
    let text = if checker.frames[depth].facts.flags & F_TEXT != 0 {
        std::mem::take(&mut checker.text)
    } else {
        String::new()
    };
    match checker.family {
        Family::Ubl => ubl_close(checker, depth, &text),
        Family::Cii => cii_close(checker, depth, &text),
    }
    super::recorded::close(checker, depth, &text);
    // Give the buffer back so its capacity is reused.
    checker.text = text;
    checker.text.clear();
}

fn ubl_close(checker: &mut Checker<'_>, depth: usize, text: &str) {
    let facts = checker.frames[depth].facts;
    let parent_is = |checker: &Checker<'_>, ns, tag| {
        depth
            .checked_sub(1)
            .is_some_and(|p| is(&checker.frames[p], ns, tag))
    };
    let (ns, tag, suffixes) = shape(&checker.frames[depth]);
    match (ns, tag) {
        (Ns::UblInvoice | Ns::UblCreditNote, _) if depth == 0 => {
            let doc = &checker.special;
            if doc.version_seen && !doc.version_ok {
                fire_once(checker, "UBL-CR-002");
            }
        }
        (Ns::Cbc, Tag::UBLVersionID) if depth == 1 => {
            checker.special.version_seen = true;
            checker.special.version_ok |= text == "2.1";
        }
        (Ns::Cbc, Tag::RegistrationName) if seller_legal_entity(checker, depth) => {
            checker
                .special
                .seller_registration_names
                .push(text.to_owned());
        }
        (Ns::Cbc, Tag::Name)
            if parent_is(checker, Ns::Cac, Tag::PartyName)
                && depth >= 2
                && is(&checker.frames[depth - 2], Ns::Cac, Tag::PayeeParty) =>
        {
            checker.special.payee_names.push(text.to_owned());
        }
        (Ns::Cac, Tag::PayeeParty) => ubl_payee_party(checker, depth),
        (Ns::Cbc, Tag::DocumentTypeCode)
            if parent_is(checker, Ns::Cac, Tag::AdditionalDocumentReference) =>
        {
            let code = match text {
                "130" => F_CODE_130,
                "50" => F_CODE_50 | F_CODE_OTHER,
                _ => F_CODE_OTHER,
            };
            checker.frames[depth - 1].facts.flags |= code | F_CODE_ANY;
        }
        (Ns::Cac, Tag::AdditionalDocumentReference) => {
            ubl_document_reference(checker, depth, facts);
        }
        (Ns::Cbc, Tag::ID) if parent_is(checker, Ns::Cac, Tag::TaxScheme) => {
            let facts = &mut checker.frames[depth - 1].facts;
            facts.flags |= F_SCHEME_ID
                | if upper_eq(text, "VAT") {
                    F_VAT
                } else {
                    F_NOT_VAT
                };
        }
        (Ns::Cac, Tag::TaxScheme) if parent_is(checker, Ns::Cac, Tag::PartyTaxScheme) => {
            // `upper-case(cbc:ID)` of a scheme without an id is '', which is not 'VAT'.
            let own = if facts.flags & F_SCHEME_ID == 0 {
                F_NOT_VAT
            } else {
                facts.flags & (F_VAT | F_NOT_VAT | F_SCHEME_ID)
            };
            checker.frames[depth - 1].facts.flags |= own;
        }
        (Ns::Cac, Tag::PartyTaxScheme) => ubl_party_tax_scheme(checker, depth, facts),
        (Ns::Cbc, Tag::PaymentID) => {
            checker.special.payment_id.add(text);
            if checker.special.payment_id.several {
                fire_once(checker, "UBL-SR-44");
            }
        }
        (Ns::Cbc, Tag::PaymentMeansCode) => {
            checker.special.payment_means_code.add(text);
            if checker.special.payment_means_code.several {
                fire_once(checker, "UBL-SR-47");
            }
        }
        (Ns::Cbc, Tag::ChargeIndicator) if parent_is(checker, Ns::Cac, Tag::AllowanceCharge) => {
            let flag = match crate::lexical::parse_bool(text) {
                Some(true) => F_TRUE,
                Some(false) => F_FALSE,
                None => 0,
            };
            checker.frames[depth - 1].facts.flags |= flag;
        }
        (Ns::Cac, Tag::AllowanceCharge) if facts.count > 1 => {
            // The context `cac:AllowanceCharge[cbc:ChargeIndicator = false()]` comes first.
            if facts.flags & F_FALSE != 0 {
                checker.fire_id("UBL-SR-30", depth);
            } else if facts.flags & F_TRUE != 0 {
                checker.fire_id("UBL-SR-31", depth);
            }
        }
        _ if facts.flags & F_TEXT != 0 && suffixes & S_AMOUNT != 0 => {
            let decimals = text
                .split_once('.')
                .map_or(0, |(_, after)| after.chars().count());
            if decimals > 2 {
                checker.fire_id("UBL-DT-01", depth);
            }
        }
        _ => {}
    }
}

/// UBL-CR-665/666/673, UBL-SR-04 and UBL-SR-43 on one `cac:AdditionalDocumentReference`.
fn ubl_document_reference(checker: &mut Checker<'_>, depth: usize, facts: Facts) {
    let flag = |f| facts.flags & f != 0;
    if flag(F_CODE_130) && flag(F_ATTACHMENT) {
        fire_once(checker, "UBL-CR-666");
    }
    if flag(F_CODE_130) && flag(F_DESCRIPTION) {
        fire_once(checker, "UBL-CR-673");
    }
    if (flag(F_CODE_OTHER) || !flag(F_CODE_ANY)) && flag(F_SCHEME) {
        fire_once(checker, "UBL-CR-665");
    }
    if depth == 1 && flag(F_CODE_130) {
        checker.special.sr04 += facts.count;
        if checker.special.sr04 > 1 {
            fire_once(checker, "UBL-SR-04");
        }
    }
    let allowed = flag(F_CODE_130)
        || (checker.credit_note && flag(F_CODE_50))
        || (!flag(F_SCHEME) && !flag(F_CODE_ANY));
    if !allowed {
        checker.fire_id("UBL-SR-43", depth);
    }
}

/// UBL-SR-53 on every `cac:PartyTaxScheme`; UBL-SR-12/13/18 count the company ids of the
/// seller's and buyer's VAT and other schemes.
fn ubl_party_tax_scheme(checker: &mut Checker<'_>, depth: usize, facts: Facts) {
    if facts.flags & F_SCHEME_ID == 0 || facts.count == 0 {
        checker.fire_id("UBL-SR-53", depth);
    }
    if depth != 3 || !is(&checker.frames[2], Ns::Cac, Tag::Party) {
        return;
    }
    let supplier = is(&checker.frames[1], Ns::Cac, Tag::AccountingSupplierParty);
    let customer = is(&checker.frames[1], Ns::Cac, Tag::AccountingCustomerParty);
    let doc = &mut checker.special;
    let mut due = Vec::new();
    if supplier && facts.flags & F_VAT != 0 {
        doc.sr12 += facts.count;
        if doc.sr12 > 1 {
            due.push("UBL-SR-12");
        }
    }
    if supplier && facts.flags & F_NOT_VAT != 0 {
        doc.sr13 += facts.count;
        if doc.sr13 > 1 {
            due.push("UBL-SR-13");
        }
    }
    if customer && facts.flags & F_VAT != 0 {
        doc.sr18 += facts.count;
        if doc.sr18 > 1 {
            due.push("UBL-SR-18");
        }
    }
    for id in due {
        fire_once(checker, id);
    }
}

fn cii_close(checker: &mut Checker<'_>, depth: usize, text: &str) {
    let facts = checker.frames[depth].facts;
    let flag = |f| facts.flags & f != 0;
    let (ns, tag, suffixes) = shape(&checker.frames[depth]);
    let parent = depth.checked_sub(1).map(|p| shape(&checker.frames[p]));
    let parent_ends = |suffix| parent.is_some_and(|(n, _, s)| n == Ns::Ram && s & suffix != 0);
    match (ns, tag) {
        (Ns::Rsm, Tag::CrossIndustryInvoice) if depth == 0 && !checker.special.billed_unit_code => {
            for location in std::mem::take(&mut checker.special.unit_code_locations) {
                checker.fire_id_at("CII-DT-033", location);
            }
        }
        (Ns::Udt, Tag::DateTimeString) if flag(F_TEXT) && !date_102(text) => {
            checker.fire_id("CII-DT-097", depth);
        }
        // `udt:Indicator = false()` casts the text to xs:boolean.
        (Ns::Udt, Tag::Indicator)
            if flag(F_TEXT) && crate::lexical::parse_bool(text) == Some(false) =>
        {
            checker.frames[3].facts.flags |= F_PRICE_ALLOWANCE;
        }
        (Ns::Ram, Tag::SpecifiedLineTradeAgreement) if line_agreement(&checker.frames, depth) => {
            let allowance = flag(F_PRICE_ALLOWANCE) && flag(F_PRICE_AMOUNT);
            let nothing = !flag(F_PRICE_INDICATOR) && !flag(F_PRICE_AMOUNT);
            if !allowance && !nothing {
                checker.fire_id("CII-SR-119", depth);
            }
        }
        (Ns::Ram, Tag::TypeCode)
            if parent_ends(S_REFERENCED_DOCUMENT) || parent_ends(S_TRADE_TAX) =>
        {
            let code = match text {
                "130" => F_CODE_130,
                "50" => F_CODE_50,
                "916" => F_CODE_916,
                "VAT" => F_VAT,
                _ => 0,
            };
            let any_case = if upper_eq(text, "VAT") {
                F_VAT_ANY_CASE
            } else {
                0
            };
            checker.frames[depth - 1].facts.flags |= code | F_CODE_ANY | any_case;
        }
        (Ns::Ram, Tag::CategoryCode)
            if flag(F_TEXT)
                && matches!(text, "L" | "M" | "O")
                && parent.is_some_and(|(n, t, _)| n == Ns::Ram && t == Tag::ApplicableTradeTax) =>
        {
            checker.frames[depth - 1].facts.flags |= F_CATEGORY_LMO;
        }
        (Ns::Ram, Tag::DueDateTypeCode) if flag(F_TEXT) => {
            checker.special.due_date_type_code.add(text);
        }
        (Ns::Ram, _) if suffixes & S_TRADE_TAX != 0 && flag(F_CODE_ANY) && !flag(F_VAT) => {
            checker.fire_id("CII-DT-037", depth);
        }
        (Ns::Ram, _) if suffixes & S_REFERENCED_DOCUMENT != 0 => {
            cii_referenced_document(checker, depth, facts);
        }
        (Ns::Ram, Tag::SpecifiedTradeProduct) if line_product(&checker.frames, depth) => {
            if flag(F_CODE_ANY) && !flag(F_SCHEME) {
                checker.fire_id("CII-SR-046", depth);
            }
            if facts.count > 0 && facts.other != 1 {
                checker.fire_id("CII-SR-090", depth);
            }
        }
        (Ns::Ram, Tag::ApplicableHeaderTradeSettlement)
            if depth == 2
                && is(
                    &checker.frames[1],
                    Ns::Rsm,
                    Tag::SupplyChainTradeTransaction,
                )
                && checker.special.due_date_type_code.several =>
        {
            checker.fire_id("CII-SR-462", depth);
        }
        _ => {}
    }
}

/// CII-DT-015/018/021/022/024 on `//ram:*[ends-with(name(), 'ReferencedDocument')]`, and
/// CII-SR-457/458 (at most one header `AdditionalReferencedDocument` with type code 50 / 130).
fn cii_referenced_document(checker: &mut Checker<'_>, depth: usize, facts: Facts) {
    let flag = |f| facts.flags & f != 0;
    let additional = checker.frames[depth].tag == Tag::AdditionalReferencedDocument;
    let exempt_916 = additional && flag(F_CODE_916);
    if flag(F_URIID) && !exempt_916 {
        checker.fire_id("CII-DT-015", depth);
    }
    if flag(F_CODE_ANY)
        && !(additional && (flag(F_CODE_50) || flag(F_CODE_130) || flag(F_CODE_916)))
    {
        checker.fire_id("CII-DT-018", depth);
    }
    if flag(F_NAME) && !exempt_916 {
        checker.fire_id("CII-DT-021", depth);
    }
    if flag(F_BINARY) && !exempt_916 {
        checker.fire_id("CII-DT-022", depth);
    }
    if flag(F_REFERENCE_TYPE) && !(additional && flag(F_CODE_130)) {
        checker.fire_id("CII-DT-024", depth);
    }
    let header_agreement = depth == 3
        && additional
        && is(
            &checker.frames[2],
            Ns::Ram,
            Tag::ApplicableHeaderTradeAgreement,
        )
        && is(
            &checker.frames[1],
            Ns::Rsm,
            Tag::SupplyChainTradeTransaction,
        );
    if header_agreement {
        let agreement = &mut checker.frames[2].facts;
        let mut due = Vec::new();
        if flag(F_CODE_50) {
            agreement.count += 1;
            if agreement.count == 2 && agreement.flags & F_FIRED == 0 {
                agreement.flags |= F_FIRED;
                due.push("CII-SR-457");
            }
        }
        if flag(F_CODE_130) {
            agreement.other += 1;
            if agreement.other == 2 && agreement.flags & F_FIRED_2 == 0 {
                agreement.flags |= F_FIRED_2;
                due.push("CII-SR-458");
            }
        }
        for id in due {
            checker.fire_id(id, 2);
        }
    }
}

/// `matches(., '^\s*(\d{4})(1[0-2]|0[1-9]){1}(3[01]|[12][0-9]|0[1-9]){1}\s*$')`.
fn date_102(text: &str) -> bool {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let digits = text.trim_matches(is_space).as_bytes();
    let [y1, y2, y3, y4, m1, m2, d1, d2] = digits else {
        return false;
    };
    let two = |a: u8, b: u8| (a - b'0') * 10 + (b - b'0');
    [y1, y2, y3, y4, m1, m2, d1, d2]
        .iter()
        .all(|b| b.is_ascii_digit())
        && (1..=12).contains(&two(*m1, *m2))
        && (1..=31).contains(&two(*d1, *d2))
}

/// Fires a document-level assert (context: the root) at most once.
fn fire_once(checker: &mut Checker<'_>, id: &str) {
    if !checker.findings.iter().any(|f| f.rule.id == id) {
        checker.fire_id(id, 0);
    }
}
