//! The EN 16931 semantic model, independent of the syntax it was read from.
//!
//! Every field carries its business term id (BT-n) or group id (BG-n) in its doc comment.
//! The model holds what the document *says*, not what EN 16931 *requires*: a mandatory term that
//! is missing is `None` here and becomes a rule finding (e.g. BR-02) in validation, because the
//! validator has to report it, not fail on it. Only values whose lexical form is broken (an amount
//! that is not a decimal, a date that is not a date) stop parsing; the official pipeline rejects
//! those too, at its XML Schema step.
//!
//! Texts are kept exactly as written (entities resolved, line ends normalised, not trimmed);
//! typed values (amounts, dates, percentages) are parsed after trimming XML whitespace.

mod line;
mod party;
mod settlement;

pub use line::{InvoiceLine, Item, ItemAttribute, ItemClassification, LineAllowanceCharge, Price};
pub use party::{
    Buyer, Contact, Delivery, ElectronicAddress, Payee, PostalAddress, Seller, TaxRepresentative,
};
pub use settlement::{
    AllowanceCharge, Attachment, BinaryObject, CreditTransfer, CurrencyAmount, DirectDebit,
    DocumentTotals, PaymentCard, PaymentInstructions, PaymentMeans, ThirdPartyPayment,
    VatBreakdown,
};

use crate::date::Date;

/// An identifier with its optional scheme (e.g. BT-29 with BT-29-1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identifier {
    /// The identifier as written.
    pub value: String,
    /// The scheme identifier (`schemeID` in UBL and CII), if given.
    pub scheme_id: Option<String>,
}

/// A quantity with its unit (e.g. BT-129 with BT-130).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quantity {
    /// The number of units.
    pub value: rust_decimal::Decimal,
    /// UN/ECE Recommendation 20/21 unit code (`unitCode`), if given.
    pub unit_code: Option<String>,
}

/// A period with optional start and end date (BG-14, BG-26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    /// BT-73 / BT-134: first day of the period.
    pub start: Option<Date>,
    /// BT-74 / BT-135: last day of the period.
    pub end: Option<Date>,
}

/// BG-1 INVOICE NOTE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note {
    /// BT-21 Invoice note subject code (UNTDID 4451). In UBL it is written as a `#CODE#` prefix
    /// of the note text (XRechnung/Peppol convention) and split off here.
    pub subject_code: Option<String>,
    /// BT-22 Invoice note.
    pub text: String,
}

/// BG-3 PRECEDING INVOICE REFERENCE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrecedingInvoice {
    /// BT-25 Preceding Invoice reference.
    pub reference: String,
    /// BT-26 Preceding Invoice issue date.
    pub issue_date: Option<Date>,
}

/// BG-2 PROCESS CONTROL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcessControl {
    /// BT-23 Business process type.
    pub business_process_type: Option<String>,
    /// BT-24 Specification identifier; selects the validation scenario.
    pub specification_id: Option<String>,
}

/// One EN 16931 invoice (or credit note: BT-3 tells which, and so does the UBL root element).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Invoice {
    /// BT-1 Invoice number.
    pub number: Option<String>,
    /// BT-2 Invoice issue date.
    pub issue_date: Option<Date>,
    /// BT-3 Invoice type code (UNTDID 1001, e.g. 380 invoice, 381 credit note).
    pub type_code: Option<String>,
    /// BT-5 Invoice currency code (ISO 4217).
    pub currency_code: Option<String>,
    /// BT-6 VAT accounting currency code.
    pub vat_accounting_currency_code: Option<String>,
    /// BT-7 Value added tax point date.
    pub tax_point_date: Option<Date>,
    /// BT-8 Value added tax point date code (UNTDID 2005).
    pub tax_point_date_code: Option<String>,
    /// BT-9 Payment due date.
    pub payment_due_date: Option<Date>,
    /// BT-10 Buyer reference; in XRechnung the Leitweg-ID of the receiving authority.
    pub buyer_reference: Option<String>,
    /// BT-11 Project reference.
    pub project_reference: Option<String>,
    /// BT-12 Contract reference.
    pub contract_reference: Option<String>,
    /// BT-13 Purchase order reference.
    pub purchase_order_reference: Option<String>,
    /// BT-14 Sales order reference.
    pub sales_order_reference: Option<String>,
    /// BT-15 Receiving advice reference.
    pub receiving_advice_reference: Option<String>,
    /// BT-16 Despatch advice reference.
    pub despatch_advice_reference: Option<String>,
    /// BT-17 Tender or lot reference.
    pub tender_or_lot_reference: Option<String>,
    /// BT-18 Invoiced object identifier, with BT-18-1 as scheme.
    pub invoiced_object_id: Option<Identifier>,
    /// BT-19 Buyer accounting reference.
    pub buyer_accounting_reference: Option<String>,
    /// BT-20 Payment terms.
    pub payment_terms: Option<String>,
    /// BG-1 INVOICE NOTE (0..n).
    pub notes: Vec<Note>,
    /// BG-2 PROCESS CONTROL.
    pub process_control: ProcessControl,
    /// BG-3 PRECEDING INVOICE REFERENCE (0..n).
    pub preceding_invoices: Vec<PrecedingInvoice>,
    /// BG-4 SELLER.
    pub seller: Seller,
    /// BG-7 BUYER.
    pub buyer: Buyer,
    /// BG-10 PAYEE.
    pub payee: Option<Payee>,
    /// BG-11 SELLER TAX REPRESENTATIVE PARTY.
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13 DELIVERY INFORMATION.
    pub delivery: Option<Delivery>,
    /// BG-14 INVOICING PERIOD.
    pub invoicing_period: Option<Period>,
    /// BG-16 PAYMENT INSTRUCTIONS.
    pub payment_instructions: Option<PaymentInstructions>,
    /// BG-20 DOCUMENT LEVEL ALLOWANCES.
    pub allowances: Vec<AllowanceCharge>,
    /// BG-21 DOCUMENT LEVEL CHARGES.
    pub charges: Vec<AllowanceCharge>,
    /// BG-22 DOCUMENT TOTALS.
    pub totals: DocumentTotals,
    /// Every invoice total VAT amount as written (`cac:TaxTotal/cbc:TaxAmount` in UBL,
    /// `ram:TaxTotalAmount` in CII) with its `currencyID`, in document order. BT-110 and BT-111
    /// in [`DocumentTotals`] are picked from these; rules such as BR-CO-15 and BR-53 count
    /// them by currency.
    pub vat_total_amounts: Vec<CurrencyAmount>,
    /// BG-23 VAT BREAKDOWN (1..n in EN 16931).
    pub vat_breakdown: Vec<VatBreakdown>,
    /// BG-24 ADDITIONAL SUPPORTING DOCUMENTS.
    pub attachments: Vec<Attachment>,
    /// BG-DEX-09 THIRD PARTY PAYMENT (XRechnung Extension, UBL only).
    pub third_party_payments: Vec<ThirdPartyPayment>,
    /// BG-25 INVOICE LINE, in document order. XRechnung Extension sub-lines (UBL
    /// `SubInvoiceLine`, CII `ParentLineID`) are flattened into this list after their parent and
    /// carry [`InvoiceLine::parent_line_id`].
    pub lines: Vec<InvoiceLine>,
}
