//! The rule table: every implemented schematron assert is one [`Rule`] entry with its id, flag,
//! syntaxes, official message and a check function over the EN 16931 model.
//!
//! Rules whose schematron ids are the same in UBL and CII (all CEN semantic rules and BR-DE-*)
//! share one check function; flag and message can differ per syntax (the `.sch` files word
//! some asserts differently), so each entry carries a [`Form`] per syntax. `tests/rule_coverage.rs` checks the
//! table against the official `.sch` sources: every id is implemented or listed as unable to
//! fire, and each entry's flag and messages equal the source's.

mod calc;
mod codes;
mod core;
mod cvd;
mod de;
mod de_payment;
mod extension;
mod peppol;
pub mod structure;
mod table;
mod vat;
mod vat_scope;

use crate::facts::SyntaxFacts;
use crate::model::Invoice;
use crate::scenario::{Level, Scenario, Syntax};

pub use table::RULES;

/// The schematron `flag` of an assert; the scenario's `customLevel` may override it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// `fatal`: an error unless lowered.
    Fatal,
    /// `warning`.
    Warning,
    /// `information`.
    Information,
}

impl Flag {
    /// The report level of the flag before any `customLevel` override.
    #[must_use]
    pub fn level(self) -> Level {
        match self {
            Self::Fatal => Level::Error,
            Self::Warning => Level::Warning,
            Self::Information => Level::Information,
        }
    }
}

/// Which schematron source a rule comes from, which decides the scenarios it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// CEN EN 16931 rules: run in every scenario.
    Cen,
    /// XRechnung CIUS rules: run only in the XRechnung scenarios (CIUS, Extension, CVD).
    XRechnung,
}

/// How one syntax's schematron states an assert: its flag and message. The `.sch` files word
/// some asserts differently, and BR-51 even has a different flag (UBL warning, CII fatal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    /// The assert's `flag` in this syntax.
    pub flag: Flag,
    /// The assert's text in this syntax.
    pub message: &'static str,
}

/// The facts a check function sees.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The parsed invoice.
    pub invoice: &'a Invoice,
    /// Its syntax, for the few rules whose test differs between UBL and CII.
    pub syntax: Syntax,
    /// What the syntax says beyond the model (for the Peppol rules).
    pub facts: &'a SyntaxFacts,
}

impl<'a> Input<'a> {
    /// The lines a schematron line context (`cac:InvoiceLine`, `ram:IncludedSupplyChainTradeLineItem`)
    /// sees, with their 0-based position among them. UBL Extension sub-lines are
    /// `cac:SubInvoiceLine` elements, which no CEN line rule matches; CII sub-lines are ordinary
    /// line items with a `ram:ParentLineID`, so they count there.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &'a crate::model::InvoiceLine)> + use<'a> {
        let cii = self.syntax == Syntax::Cii;
        self.invoice
            .lines
            .iter()
            .filter(move |l| cii || l.parent_line_id.is_none())
            .enumerate()
    }

    /// BT-24 is the XRechnung Extension's identifier, as written: the XRechnung schematron's
    /// `$isExtension`, which guards the BR-DEX rules.
    #[must_use]
    pub fn is_extension(&self) -> bool {
        self.invoice.process_control.specification_id.as_deref() == Some(crate::scenario::XR_EXT)
    }

    /// BT-24 is the CVD identifier, as written (`$isCVD`, which guards the CVD rules).
    #[must_use]
    pub fn is_cvd(&self) -> bool {
        self.invoice.process_control.specification_id.as_deref() == Some(crate::scenario::XR_CVD)
    }

    /// [`Self::lines`] with each line's index in the model: (model index, position, line).
    pub fn context_lines(
        &self,
    ) -> impl Iterator<Item = (usize, usize, &'a crate::model::InvoiceLine)> + use<'a> {
        let cii = self.syntax == Syntax::Cii;
        self.invoice
            .lines
            .iter()
            .enumerate()
            .filter(move |(_, l)| cii || l.parent_line_id.is_none())
            .enumerate()
            .map(|(position, (index, line))| (index, position, line))
    }

    /// Every line of the model, UBL sub-lines included (contexts such as `cac:Price` or
    /// `//cac:AdditionalItemProperty` see them too), as (model index, position of the line or,
    /// for a UBL sub-line, of its enclosing line, line).
    pub fn every_line(
        &self,
    ) -> impl Iterator<Item = (usize, usize, &'a crate::model::InvoiceLine)> + use<'a> {
        let cii = self.syntax == Syntax::Cii;
        let mut position = None::<usize>;
        self.invoice
            .lines
            .iter()
            .enumerate()
            .map(move |(index, line)| {
                if cii || line.parent_line_id.is_none() {
                    position = Some(position.map_or(0, |p| p + 1));
                }
                (index, position.unwrap_or(0), line)
            })
    }
}

/// Where a rule failed, in model terms; rendered into an XPath-like path per syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// The root element.
    Root,
    /// BG-4 seller party.
    Seller,
    /// BG-5 seller postal address.
    SellerAddress,
    /// BG-6 seller contact.
    SellerContact,
    /// BG-7 buyer party.
    Buyer,
    /// BG-8 buyer postal address.
    BuyerAddress,
    /// BG-10 payee party.
    Payee,
    /// BG-11 tax representative party.
    TaxRepresentative,
    /// BG-12 tax representative postal address.
    TaxRepresentativeAddress,
    /// BG-15 deliver-to address.
    DeliveryAddress,
    /// BG-14 invoicing period.
    InvoicingPeriod,
    /// BG-16 payment instructions: the payment means of this index.
    PaymentMeans(usize),
    /// BG-22 document totals.
    Totals,
    /// BG-20 document level allowance (0-based among allowances).
    Allowance(usize),
    /// BG-21 document level charge (0-based among charges).
    Charge(usize),
    /// BG-23 VAT breakdown (0-based).
    VatBreakdown(usize),
    /// BG-24 additional supporting document (0-based).
    Attachment(usize),
    /// BG-25 invoice line (0-based in model order).
    Line(usize),
    /// BG-26 invoice line period.
    LinePeriod(usize),
    /// BG-27 line allowance (line, allowance), 0-based.
    LineAllowance(usize, usize),
    /// BG-28 line charge (line, charge), 0-based.
    LineCharge(usize, usize),
    /// The n-th failure the parse recorded (`SyntaxFacts::recorded`), 0-based; its XPath is
    /// in the [`SyntaxFacts`].
    Recorded(usize),
}

/// A check collects the places where its assert fails (one per failing context node, as SVRL).
pub type Check = fn(&Input<'_>, &mut Vec<Where>);

/// One implemented schematron assert.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The assert id, as in the `.sch` source.
    pub id: &'static str,
    /// CEN or XRechnung source.
    pub source: Source,
    /// The UBL form, `None` if the rule does not exist for UBL.
    pub ubl: Option<Form>,
    /// The CII form, `None` if the rule does not exist for CII.
    pub cii: Option<Form>,
    /// The check over the model.
    pub check: Check,
}

impl Rule {
    /// The flag and message for `syntax`, `None` if the rule does not exist for it.
    #[must_use]
    pub fn form_for(&self, syntax: Syntax) -> Option<Form> {
        match syntax {
            Syntax::UblInvoice | Syntax::UblCreditNote => self.ubl,
            Syntax::Cii => self.cii,
        }
    }

    /// True if the rule runs for `scenario`.
    #[must_use]
    pub fn applies(&self, scenario: &Scenario) -> bool {
        self.form_for(scenario.syntax).is_some()
            && (self.source == Source::Cen || scenario.is_xrechnung())
    }
}

/// The level of a finding of `rule` in `scenario`: its flag, then the `customLevel` override.
#[must_use]
pub fn level_in(scenario: &Scenario, id: &str, flag: Flag) -> Level {
    scenario
        .custom_levels
        .iter()
        .find(|(rule, _)| *rule == id)
        .map_or(flag.level(), |(_, level)| *level)
}

/// Renders `at` as an XPath-like path in the input's syntax (1-based indexes, as XPath
/// counts).
#[must_use]
pub fn location(input: &Input<'_>, at: Where) -> String {
    if let Where::Recorded(n) = at {
        return input
            .facts
            .recorded
            .get(n)
            .map(|r| r.location.clone())
            .unwrap_or_default();
    }
    let syntax = input.syntax;
    match syntax {
        Syntax::UblInvoice | Syntax::UblCreditNote => ubl_location(syntax, at),
        Syntax::Cii => cii_location(at),
    }
}

fn ubl_location(syntax: Syntax, at: Where) -> String {
    let (root, line) = if syntax == Syntax::UblCreditNote {
        ("/CreditNote", "cac:CreditNoteLine")
    } else {
        ("/Invoice", "cac:InvoiceLine")
    };
    let seller = "cac:AccountingSupplierParty/cac:Party";
    let buyer = "cac:AccountingCustomerParty/cac:Party";
    let tail = match at {
        // Recorded failures are rendered from their recorded path by `location`.
        Where::Root | Where::Recorded(_) => String::new(),
        Where::Seller => seller.to_owned(),
        Where::SellerAddress => format!("{seller}/cac:PostalAddress"),
        Where::SellerContact => format!("{seller}/cac:Contact"),
        Where::Buyer => buyer.to_owned(),
        Where::BuyerAddress => format!("{buyer}/cac:PostalAddress"),
        Where::Payee => "cac:PayeeParty".to_owned(),
        Where::TaxRepresentative => "cac:TaxRepresentativeParty".to_owned(),
        Where::TaxRepresentativeAddress => {
            "cac:TaxRepresentativeParty/cac:PostalAddress".to_owned()
        }
        Where::DeliveryAddress => "cac:Delivery/cac:DeliveryLocation/cac:Address".to_owned(),
        Where::InvoicingPeriod => "cac:InvoicePeriod".to_owned(),
        Where::PaymentMeans(n) => format!("cac:PaymentMeans[{}]", n + 1),
        Where::Totals => "cac:LegalMonetaryTotal".to_owned(),
        Where::Allowance(i) => format!(
            "cac:AllowanceCharge[cbc:ChargeIndicator=false()][{}]",
            i + 1
        ),
        Where::Charge(i) => format!("cac:AllowanceCharge[cbc:ChargeIndicator=true()][{}]", i + 1),
        Where::VatBreakdown(i) => format!("cac:TaxTotal/cac:TaxSubtotal[{}]", i + 1),
        Where::Attachment(i) => format!("cac:AdditionalDocumentReference[{}]", i + 1),
        Where::Line(i) => format!("{line}[{}]", i + 1),
        Where::LinePeriod(i) => format!("{line}[{}]/cac:InvoicePeriod", i + 1),
        Where::LineAllowance(i, j) => format!(
            "{line}[{}]/cac:AllowanceCharge[cbc:ChargeIndicator=false()][{}]",
            i + 1,
            j + 1
        ),
        Where::LineCharge(i, j) => format!(
            "{line}[{}]/cac:AllowanceCharge[cbc:ChargeIndicator=true()][{}]",
            i + 1,
            j + 1
        ),
    };
    if tail.is_empty() {
        root.to_owned()
    } else {
        format!("{root}/{tail}")
    }
}

fn cii_location(at: Where) -> String {
    const TX: &str = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction";
    const AGR: &str = "ram:ApplicableHeaderTradeAgreement";
    const SET: &str = "ram:ApplicableHeaderTradeSettlement";
    let line = |i: usize| format!("{TX}/ram:IncludedSupplyChainTradeLineItem[{}]", i + 1);
    match at {
        Where::Root | Where::Recorded(_) => "/rsm:CrossIndustryInvoice".to_owned(),
        Where::Seller => format!("{TX}/{AGR}/ram:SellerTradeParty"),
        Where::SellerAddress => format!("{TX}/{AGR}/ram:SellerTradeParty/ram:PostalTradeAddress"),
        Where::SellerContact => format!("{TX}/{AGR}/ram:SellerTradeParty/ram:DefinedTradeContact"),
        Where::Buyer => format!("{TX}/{AGR}/ram:BuyerTradeParty"),
        Where::BuyerAddress => format!("{TX}/{AGR}/ram:BuyerTradeParty/ram:PostalTradeAddress"),
        Where::Payee => format!("{TX}/{SET}/ram:PayeeTradeParty"),
        Where::TaxRepresentative => format!("{TX}/{AGR}/ram:SellerTaxRepresentativeTradeParty"),
        Where::TaxRepresentativeAddress => {
            format!("{TX}/{AGR}/ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress")
        }
        Where::DeliveryAddress => format!(
            "{TX}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress"
        ),
        Where::InvoicingPeriod => format!("{TX}/{SET}/ram:BillingSpecifiedPeriod"),
        Where::PaymentMeans(n) => format!(
            "{TX}/{SET}/ram:SpecifiedTradeSettlementPaymentMeans[{}]",
            n + 1
        ),
        Where::Totals => format!("{TX}/{SET}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"),
        Where::Allowance(i) => format!(
            "{TX}/{SET}/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator=false()][{}]",
            i + 1
        ),
        Where::Charge(i) => format!(
            "{TX}/{SET}/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator=true()][{}]",
            i + 1
        ),
        Where::VatBreakdown(i) => format!("{TX}/{SET}/ram:ApplicableTradeTax[{}]", i + 1),
        Where::Attachment(i) => {
            format!("{TX}/{AGR}/ram:AdditionalReferencedDocument[{}]", i + 1)
        }
        Where::Line(i) => line(i),
        Where::LinePeriod(i) => format!(
            "{}/ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod",
            line(i)
        ),
        Where::LineAllowance(i, j) => format!(
            "{}/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator=false()][{}]",
            line(i),
            j + 1
        ),
        Where::LineCharge(i, j) => format!(
            "{}/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator=true()][{}]",
            line(i),
            j + 1
        ),
    }
}

/// The model rules whose CII context is `ram:SpecifiedTradeSettlementHeaderMonetarySummation`:
/// without that element, none of them fires, whatever the model's totals say.
pub const CII_TOTALS_RULES: [&str; 20] = [
    "BR-12",
    "BR-13",
    "BR-14",
    "BR-15",
    "BR-53",
    "BR-CO-10",
    "BR-CO-11",
    "BR-CO-12",
    "BR-CO-13",
    "BR-CO-16",
    "BR-DEC-09",
    "BR-DEC-10",
    "BR-DEC-11",
    "BR-DEC-12",
    "BR-DEC-13",
    "BR-DEC-14",
    "BR-DEC-15",
    "BR-DEC-16",
    "BR-DEC-17",
    "BR-DEC-18",
];

/// The model rules whose CII context is `ram:SellerTradeParty` (the Peppol rule tests the
/// party's existence itself).
pub const CII_SELLER_RULES: [&str; 2] = ["BR-CO-26", "BR-DE-2"];

/// True if the context element of rule `id` is missing from the document, so the rule cannot
/// fire although the model (which has a default for every group) might fail it. Only CII's
/// schema allows these elements to be missing.
#[must_use]
pub fn context_missing(input: &Input<'_>, id: &str) -> bool {
    input.syntax == Syntax::Cii
        && ((!input.facts.totals && CII_TOTALS_RULES.contains(&id))
            || (!input.facts.seller_party && CII_SELLER_RULES.contains(&id)))
}

/// A document-level assert (context: the root) fails where `ok` does not hold.
fn root_if(out: &mut Vec<Where>, ok: bool) {
    if !ok {
        out.push(Where::Root);
    }
}

/// XPath `normalize-space`.
pub(crate) fn normalize_space(text: &str) -> String {
    text.split([' ', '\t', '\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// True if `text` is present and not only XML whitespace: XPath `normalize-space(x) != ''`.
pub(crate) fn filled(text: Option<&String>) -> bool {
    text.is_some_and(|t| !t.trim_matches([' ', '\t', '\r', '\n']).is_empty())
}
