//! Syntax facts: what a document says in its syntax that the EN 16931 model drops.
//!
//! The Peppol rules that XRechnung keeps (PEPPOL-EN16931-R*) test the XML as written, not the
//! business terms: how a `ChargeIndicator` is spelled (`true` vs `1`), how many `cac:TaxTotal`
//! carry subtotals, whether an element is empty, whether a party element exists at all. The
//! mappings record those facts here in the same streaming pass that fills the model, so the
//! rules in `rules/peppol.rs` need neither a tree nor a second pass. Lines are indexed like
//! [`crate::model::Invoice::lines`] (UBL sub-lines included).

use rust_decimal::Decimal;

use crate::rules::Where;

/// The syntax facts of one document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyntaxFacts {
    /// Failures of rules whose context the model does not keep, found by the structure
    /// checker as the elements streamed past, in document order: empty elements
    /// (PEPPOL-R008) and code list values of attributes and notes (BR-CL-03, -07, -08, -11).
    /// At most [`RECORDED_PER_RULE`] per rule, which keeps the verdict.
    pub(crate) recorded: Vec<Recorded>,
    /// The seller party element exists (UBL `cac:AccountingSupplierParty/cac:Party`, CII
    /// `ram:SellerTradeParty`): the context of PEPPOL-R020.
    pub(crate) seller_party: bool,
    /// The buyer party element exists: the context of PEPPOL-R010.
    pub(crate) buyer_party: bool,
    /// CII: `ram:SpecifiedTradeSettlementHeaderMonetarySummation` exists, the context of the
    /// totals rules ([`crate::rules::CII_TOTALS_RULES`]); its schema allows it to be missing.
    pub(crate) totals: bool,
    /// CII: the parties ([`Where::Seller`], [`Where::Buyer`]) whose first
    /// `ram:URIUniversalCommunication` has no scheme (BR-62, BR-63; the model keeps no
    /// electronic address without `ram:URIID`).
    pub(crate) unschemed_addresses: Vec<Where>,
    /// CII: the `ram:SpecifiedTradePaymentTerms` with a `ram:DueDateDateTime` or a
    /// `ram:Description` element, whatever its content (BR-CO-25 tests the elements; the
    /// model holds only a due date in format 102 and the first terms).
    pub(crate) payment_terms_with_due_date_or_text: usize,
    /// UBL: each `cac:TaxTotal` with a `cac:TaxSubtotal`: its `cbc:TaxAmount` and the sum of
    /// its subtotals' (PEPPOL-R053 counts them; BR-CO-14 compares per `cac:TaxTotal`).
    pub(crate) tax_totals_with_subtotals: Vec<(Option<Decimal>, Decimal)>,
    /// UBL: `cac:TaxTotal` elements without one (PEPPOL-R054).
    pub(crate) tax_totals_without_subtotals: usize,
    /// Document and line allowances and charges whose `ChargeIndicator` is not written
    /// `true` or `false` (XML Schema also allows `1` and `0`), as [`Where::Allowance`],
    /// [`Where::Charge`], [`Where::LineAllowance`] or [`Where::LineCharge`] with the line's
    /// index in the model. PEPPOL-R043 rejects them; the line sums of PEPPOL-R120 skip them.
    pub(crate) indicators_not_literal: Vec<Where>,
    /// CII allowances and charges without `ram:ChargeIndicator` (its schema allows that): no
    /// rule that selects allowances or charges by their indicator sees them, so the model has
    /// them in neither list, but PEPPOL-R040 … R043-1 test every allowance-charge element.
    pub(crate) unclassified_charges: Vec<UnclassifiedCharge>,
    /// UBL: per `cac:PaymentMeans`, in order, whether it has `cac:PaymentMandate/cbc:ID`
    /// (PEPPOL-R061).
    pub(crate) mandate_ids: Vec<bool>,
    /// Per model line, the facts of the line; empty for a line that has none.
    pub(crate) lines: Vec<LineFacts>,
    /// The seller's party identifiers as written, scheme `SEPA` included (UBL
    /// `cac:PartyIdentification/cbc:ID`, CII `ram:ID`): BR-17 compares them with the payee's.
    pub(crate) seller_party_ids: Vec<String>,
    /// The payee's party identifiers as written.
    pub(crate) payee_party_ids: Vec<String>,
    /// UBL: `cac:BillingReference` elements without `cac:InvoiceDocumentReference/cbc:ID`
    /// (BR-55; CII reads the model's preceding invoice reference instead).
    pub(crate) billing_references_without_id: usize,
}

/// An allowance or charge without an indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnclassifiedCharge {
    /// The model index of its line, `None` at document level.
    pub(crate) line: Option<usize>,
    /// `ram:ActualAmount`.
    pub(crate) amount: Option<Decimal>,
    /// `ram:BasisAmount`.
    pub(crate) base_amount: Option<Decimal>,
    /// `ram:CalculationPercent`.
    pub(crate) percentage: Option<Decimal>,
}

/// At most this many failures are recorded per rule and document.
pub(crate) const RECORDED_PER_RULE: usize = 50;

/// One failure the structure checker recorded for a model rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    /// The rule id (`BR-CL-03`).
    pub(crate) rule: &'static str,
    /// XPath of the failing context node.
    pub(crate) location: String,
}

/// The syntax facts of one invoice line.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct LineFacts {
    /// The line has a document reference (UBL `cac:DocumentReference`, CII
    /// `ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument`) and none of them
    /// has the type code `130` as written (PEPPOL-R101).
    pub(crate) reference_not_object: bool,
    /// Price-level allowances and charges in document order (PEPPOL-R043, -R044, -R046).
    pub(crate) price_charges: Vec<PriceCharge>,
    /// Price base quantities in document order: UBL `cac:Price/cbc:BaseQuantity`; CII the net
    /// price's, then the gross price's `ram:BasisQuantity` (PEPPOL-R120, -R121, -R130).
    pub(crate) base_quantities: Vec<BaseQuantity>,
    /// Item attributes without a name or a value element (BR-54; the model keeps both as
    /// text and cannot tell an empty one from a missing one).
    pub(crate) incomplete_attributes: usize,
}

impl LineFacts {
    /// True if nothing was recorded, so the line needs no entry of its own.
    pub(crate) fn is_empty(&self) -> bool {
        !self.reference_not_object
            && self.price_charges.is_empty()
            && self.base_quantities.is_empty()
            && self.incomplete_attributes == 0
    }
}

/// Which price of a line an element belongs to (CII has two; UBL only the net price).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PriceKind {
    /// UBL `cac:Price`, CII `ram:NetPriceProductTradePrice`.
    Net,
    /// CII `ram:GrossPriceProductTradePrice`.
    Gross,
}

/// One price-level allowance or charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PriceCharge {
    /// The price it belongs to.
    pub(crate) price: PriceKind,
    /// The `ChargeIndicator` text as written (`None` if the element is missing).
    pub(crate) indicator: Option<String>,
    /// UBL `cbc:BaseAmount`.
    pub(crate) base_amount: Option<Decimal>,
    /// UBL `cbc:Amount`, CII `ram:ActualAmount`.
    pub(crate) amount: Option<Decimal>,
}

/// One price base quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseQuantity {
    /// The price it belongs to.
    pub(crate) price: PriceKind,
    /// Its value.
    pub(crate) value: Decimal,
    /// Its `unitCode` as written.
    pub(crate) unit_code: Option<String>,
}

impl SyntaxFacts {
    /// The facts of model line `index` (a default for a line without any).
    pub(crate) fn line(&self, index: usize) -> &LineFacts {
        static NONE: LineFacts = LineFacts {
            reference_not_object: false,
            price_charges: Vec::new(),
            base_quantities: Vec::new(),
            incomplete_attributes: 0,
        };
        self.lines.get(index).unwrap_or(&NONE)
    }

    /// Records the facts of model line `index`; lines without facts take no room.
    pub(crate) fn line_set(&mut self, index: usize, facts: LineFacts) {
        if facts.is_empty() {
            return;
        }
        if self.lines.len() <= index {
            self.lines.resize_with(index + 1, LineFacts::default);
        }
        self.lines[index] = facts;
    }

    /// The recorded failures of `rule`, as places for its check.
    pub(crate) fn recorded_for(&self, rule: &str) -> impl Iterator<Item = Where> {
        self.recorded
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.rule == rule)
            .map(|(n, _)| Where::Recorded(n))
    }

    /// True if the allowance or charge at `at` has a `ChargeIndicator` written `true`/`false`.
    pub(crate) fn indicator_literal(&self, at: Where) -> bool {
        !self.indicators_not_literal.contains(&at)
    }
}

/// True if `text`, with XML whitespace stripped at both ends, is `true` or `false`: the test
/// `normalize-space(cbc:ChargeIndicator) = 'true' or … = 'false'` (inner whitespace cannot
/// occur in a schema-valid boolean).
pub(crate) fn literal_boolean(text: &str) -> bool {
    matches!(crate::lexical::trim_xml(text), "true" | "false")
}
