//! Payment, allowances and charges, VAT breakdown, totals and attachments.

use rust_decimal::Decimal;

/// BG-17 CREDIT TRANSFER.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreditTransfer {
    /// BT-84 Payment account identifier (IBAN or proprietary id).
    pub account_id: Option<String>,
    /// BT-85 Payment account name.
    pub account_name: Option<String>,
    /// BT-86 Payment service provider identifier (BIC).
    pub service_provider_id: Option<String>,
}

/// BG-18 PAYMENT CARD INFORMATION.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentCard {
    /// BT-87 Payment card primary account number (only the last digits may be given).
    pub primary_account_number: Option<String>,
    /// BT-88 Payment card holder name.
    pub holder_name: Option<String>,
}

/// BG-19 DIRECT DEBIT.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectDebit {
    /// BT-89 Mandate reference identifier.
    pub mandate_reference: Option<String>,
    /// BT-90 Bank assigned creditor identifier.
    pub creditor_id: Option<String>,
    /// BT-91 Debited account identifier.
    pub debited_account_id: Option<String>,
}

/// One payment means element as written (UBL `cac:PaymentMeans`, CII
/// `ram:SpecifiedTradeSettlementPaymentMeans`). EN 16931 has a single BG-16, but the syntaxes
/// repeat this element and several rules (BR-50, BR-61, BR-DE-23 … -25, -31) test each one.
#[allow(
    clippy::struct_excessive_bools,
    reason = "each flag records whether one independent XML element was present"
)]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentMeans {
    /// BT-81 of this element, as written.
    pub code: Option<String>,
    /// A credit transfer account element is present (UBL `cac:PayeeFinancialAccount`, CII
    /// `ram:PayeePartyCreditorFinancialAccount`).
    pub credit_transfer: bool,
    /// BT-84 of that account (UBL `cbc:ID`, CII `ram:IBANID` or `ram:ProprietaryID`).
    pub account_id: Option<String>,
    /// A payment card element is present (BG-18).
    pub card: bool,
    /// UBL only: a `cac:PaymentMandate` is present (BG-19).
    pub mandate: bool,
    /// BT-91 in this element (UBL `cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID`, CII
    /// `ram:PayerPartyDebtorFinancialAccount/ram:IBANID`).
    pub debited_account_id: Option<String>,
    /// CII only: `ram:PayeeSpecifiedCreditorFinancialInstitution` is present.
    pub creditor_institution: bool,
    /// CII only: `ram:PayerSpecifiedDebtorFinancialInstitution` is present.
    pub debtor_institution: bool,
}

/// BG-16 PAYMENT INSTRUCTIONS.
///
/// UBL and CII allow the payment means to repeat (one per account); EN 16931 has one BG-16 with
/// 0..n BG-17. The parsers take BT-81..BT-83 from the first occurrence and collect every account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentInstructions {
    /// BT-81 Payment means type code (UNTDID 4461).
    pub means_code: Option<String>,
    /// BT-82 Payment means text.
    pub means_text: Option<String>,
    /// BT-83 Remittance information.
    pub remittance_information: Option<String>,
    /// BG-17 CREDIT TRANSFER (0..n).
    pub credit_transfers: Vec<CreditTransfer>,
    /// BG-18 PAYMENT CARD INFORMATION.
    pub card: Option<PaymentCard>,
    /// BG-19 DIRECT DEBIT.
    pub direct_debit: Option<DirectDebit>,
    /// Every payment means element in document order, for the rules that test each one.
    pub means: Vec<PaymentMeans>,
}

/// BG-20 DOCUMENT LEVEL ALLOWANCES or BG-21 DOCUMENT LEVEL CHARGES; the list it sits in on
/// [`super::Invoice`] says which. Field docs give the allowance term, then the charge term.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowanceCharge {
    /// BT-92 / BT-99 amount.
    pub amount: Option<Decimal>,
    /// BT-93 / BT-100 base amount.
    pub base_amount: Option<Decimal>,
    /// BT-94 / BT-101 percentage.
    pub percentage: Option<Decimal>,
    /// BT-95 / BT-102 VAT category code.
    pub vat_category_code: Option<String>,
    /// BT-96 / BT-103 VAT rate.
    pub vat_rate: Option<Decimal>,
    /// The tax the category is of, as written (UBL `cac:TaxScheme/cbc:ID`, CII
    /// `ram:TypeCode`): most rules select categories of VAT only (see `rules::core::of_vat`).
    pub tax_scheme: Option<String>,
    /// BT-97 / BT-104 reason.
    pub reason: Option<String>,
    /// BT-98 / BT-105 reason code (UNTDID 5189 allowances, 7161 charges).
    pub reason_code: Option<String>,
}

/// An amount with the `currencyID` it was written with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CurrencyAmount {
    /// The amount.
    pub value: Decimal,
    /// Its `currencyID` attribute, if given.
    pub currency: Option<String>,
}

/// BG-22 DOCUMENT TOTALS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DocumentTotals {
    /// BT-106 Sum of Invoice line net amount.
    pub line_net_sum: Option<Decimal>,
    /// BT-107 Sum of allowances on document level.
    pub allowances_sum: Option<Decimal>,
    /// BT-108 Sum of charges on document level.
    pub charges_sum: Option<Decimal>,
    /// BT-109 Invoice total amount without VAT.
    pub total_without_vat: Option<Decimal>,
    /// BT-110 Invoice total VAT amount (in BT-5).
    pub vat_total: Option<Decimal>,
    /// BT-111 Invoice total VAT amount in accounting currency (in BT-6).
    pub vat_total_accounting_currency: Option<Decimal>,
    /// BT-112 Invoice total amount with VAT.
    pub total_with_vat: Option<Decimal>,
    /// BT-113 Paid amount.
    pub paid: Option<Decimal>,
    /// BT-114 Rounding amount.
    pub rounding: Option<Decimal>,
    /// BT-115 Amount due for payment.
    pub amount_due: Option<Decimal>,
}

/// BG-23 VAT BREAKDOWN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VatBreakdown {
    /// BT-116 VAT category taxable amount.
    pub taxable_amount: Option<Decimal>,
    /// BT-117 VAT category tax amount.
    pub tax_amount: Option<Decimal>,
    /// BT-118 VAT category code (UNCL 5305 subset: S, Z, E, AE, K, G, O, L, M).
    pub category_code: Option<String>,
    /// BT-119 VAT category rate.
    pub rate: Option<Decimal>,
    /// BT-120 VAT exemption reason text.
    pub exemption_reason: Option<String>,
    /// BT-121 VAT exemption reason code (VATEX).
    pub exemption_reason_code: Option<String>,
    /// The tax the breakdown is of, as written (UBL `cac:TaxCategory/cac:TaxScheme/cbc:ID`,
    /// CII `ram:TypeCode`). EN 16931 knows only `VAT`; BR-47, BR-48 and BR-CO-17 select the
    /// category of a VAT breakdown only, so a breakdown of another tax has none to them.
    pub tax_scheme: Option<String>,
}

/// BG-DEX-09 THIRD PARTY PAYMENT (XRechnung Extension, UBL `cac:PrepaidPayment` only):
/// an amount collected for a third party, added to the amount due (BR-DEX-09).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThirdPartyPayment {
    /// BT-DEX-001 Third party payment type.
    pub payment_type: Option<String>,
    /// BT-DEX-002 Third party payment amount.
    pub amount: Option<Decimal>,
    /// The `currencyID` of BT-DEX-002; BR-DEX-14 requires it to equal BT-5.
    pub amount_currency: Option<String>,
    /// BT-DEX-003 Third party payment description.
    pub description: Option<String>,
}

/// BT-125 Attached document, without its content.
///
/// Only the size is kept: the base64 text can be most of the invoice, and the validator needs
/// its presence, size, MIME code and file name, not its bytes. Whoever needs the bytes reads
/// them from the original document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BinaryObject {
    /// BT-125-1 Attached document MIME code.
    pub mime_code: Option<String>,
    /// BT-125-2 Attached document filename.
    pub filename: Option<String>,
    /// Length of the base64 text without whitespace, in characters.
    pub encoded_len: usize,
    /// Length of the decoded content in bytes, computed from the base64 length and padding
    /// (exact for well-formed base64; the base64 itself is not checked here).
    pub decoded_len_bytes: usize,
}

/// BG-24 ADDITIONAL SUPPORTING DOCUMENTS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attachment {
    /// BT-122 Supporting document reference.
    pub reference: Option<String>,
    /// BT-123 Supporting document description.
    pub description: Option<String>,
    /// BT-124 External document location (URL).
    pub external_location: Option<String>,
    /// BT-125 Attached document.
    pub content: Option<BinaryObject>,
}
