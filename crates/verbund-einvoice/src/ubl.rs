//! UBL 2.1 Invoice and `CreditNote` (XRechnung 3.0 binding) into the EN 16931 model.
//!
//! The root's children are read one at a time as fragments; each is mapped and dropped.

mod line;
mod party;

use crate::error::EinvoiceError;
use crate::facts::{SyntaxFacts, literal_boolean};
use crate::limits::{LimitKind, Limits};
use crate::mapping::{Mapped, Values, assign_vat_totals, identifier};
use crate::model::{
    AllowanceCharge, Attachment, BinaryObject, CreditTransfer, DirectDebit, Invoice, Note,
    PaymentCard, PaymentInstructions, PaymentMeans, Period, PrecedingInvoice, ThirdPartyPayment,
    VatBreakdown,
};
use crate::rules::Where;
use crate::xml::Ns;
use crate::xml::fragment::{Element, Fragment};
use crate::xml::reader::{DocumentReader, Node};

/// Maps the rest of a UBL document whose root start tag has been read.
pub(crate) fn read(
    reader: &mut DocumentReader<'_>,
    limits: &Limits,
) -> Result<Mapped, EinvoiceError> {
    let mut mapper = UblMapper::default();
    // One arena for all records: after the first lines it no longer allocates.
    let mut fragment = Fragment::default();
    loop {
        match reader.next_node()? {
            // Extensions and signatures are never mapped; skipping them keeps them out of memory.
            Node::Start(tag) if !matches!(tag.ns, Ns::Cbc | Ns::Cac) => reader.skip_element()?,
            Node::Start(tag) => {
                reader.read_fragment(tag, is_binary, &mut fragment)?;
                if let Some(record) = fragment.root() {
                    mapper.record(record);
                }
                if mapper.invoice.lines.len() > limits.line_count_max {
                    return Err(reader.limit_here(LimitKind::LineCount, limits.line_count_max));
                }
                if mapper.invoice.attachments.len() > limits.attachment_count_max {
                    let max = limits.attachment_count_max;
                    return Err(reader.limit_here(LimitKind::AttachmentCount, max));
                }
            }
            Node::Text(_) => {}
            Node::End | Node::Eof => break,
        }
    }
    Ok(mapper.finish())
}

fn is_binary(ns: Ns, name: &str) -> bool {
    ns == Ns::Cbc && name == "EmbeddedDocumentBinaryObject"
}

#[derive(Debug, Default)]
struct UblMapper {
    invoice: Invoice,
    facts: SyntaxFacts,
    values: Values,
    specification_ids: Vec<String>,
    /// `cac:TaxTotal/cbc:TaxAmount` values with their `currencyID`, sorted out into BT-110 and
    /// BT-111 once both currencies are known.
    tax_totals: Vec<(rust_decimal::Decimal, Option<String>)>,
    /// BT-90 comes from a party identifier with scheme `SEPA` (seller or payee).
    creditor_id: Option<String>,
    /// Single-valued top-level `cbc:` elements already mapped.
    seen: Vec<&'static str>,
}

/// Top-level `cbc:` elements that hold one business term each (`cbc:Note` repeats).
const SINGLE_VALUED: [&str; 12] = [
    "CustomizationID",
    "ProfileID",
    "ID",
    "IssueDate",
    "DueDate",
    "InvoiceTypeCode",
    "CreditNoteTypeCode",
    "TaxPointDate",
    "DocumentCurrencyCode",
    "TaxCurrencyCode",
    "BuyerReference",
    "AccountingCost",
];

impl UblMapper {
    fn record(&mut self, e: Element<'_, '_>) {
        match e.ns() {
            Ns::Cbc => self.basic(e),
            Ns::Cac if matches!(e.name(), "InvoiceLine" | "CreditNoteLine") => {
                let lines = &mut self.invoice.lines;
                line::flatten(&mut self.values, &mut self.facts, e, None, lines);
            }
            Ns::Cac if e.name().ends_with("Party") => self.party(e),
            Ns::Cac => self.aggregate(e),
            _ => {}
        }
    }

    /// Top-level `cbc:` elements: one business term each.
    fn basic(&mut self, e: Element<'_, '_>) {
        let inv = &mut self.invoice;
        let v = &mut self.values;
        let text = || Some(e.value().to_owned());
        // A single-valued term written twice is a UBL-SR finding; like the first-match
        // reading of the official rules, the first occurrence is the one kept.
        // Scenario selection compares every CustomizationID (XPath `=` is existential).
        if e.name() == "CustomizationID" {
            self.specification_ids.push(e.value().to_owned());
        }
        if let Some(name) = SINGLE_VALUED.iter().find(|n| **n == e.name()) {
            if self.seen.contains(name) {
                return;
            }
            self.seen.push(name);
        }
        match e.name() {
            "CustomizationID" => inv.process_control.specification_id = text(),
            "ProfileID" => inv.process_control.business_process_type = text(),
            "ID" => inv.number = text(),
            "IssueDate" => inv.issue_date = v.date_iso(Some(e), "BT-2"),
            "DueDate" => inv.payment_due_date = v.date_iso(Some(e), "BT-9"),
            "InvoiceTypeCode" | "CreditNoteTypeCode" => inv.type_code = text(),
            "Note" => inv.notes.push(note(e.value())),
            "TaxPointDate" => inv.tax_point_date = v.date_iso(Some(e), "BT-7"),
            "DocumentCurrencyCode" => inv.currency_code = text(),
            "TaxCurrencyCode" => inv.vat_accounting_currency_code = text(),
            "AccountingCost" => inv.buyer_accounting_reference = text(),
            "BuyerReference" => inv.buyer_reference = text(),
            _ => {}
        }
    }

    fn party(&mut self, e: Element<'_, '_>) {
        let inv = &mut self.invoice;
        match e.name() {
            "AccountingSupplierParty" => {
                if let Some(p) = e.get("cac:Party") {
                    self.facts.seller_party = true;
                    self.facts.seller_party_ids = party::ids_as_written(p);
                    inv.seller = party::seller(p);
                    self.creditor_id = self
                        .creditor_id
                        .take()
                        .or_else(|| party::sepa_creditor_id(p));
                }
            }
            "AccountingCustomerParty" => {
                if let Some(p) = e.get("cac:Party") {
                    self.facts.buyer_party = true;
                    inv.buyer = party::buyer(p);
                }
            }
            "PayeeParty" => {
                self.facts.payee_party_ids = party::ids_as_written(e);
                inv.payee = Some(party::payee(e));
                // The payee's creditor id wins over the seller's: the payee collects.
                self.creditor_id = party::sepa_creditor_id(e).or(self.creditor_id.take());
            }
            "TaxRepresentativeParty" => inv.tax_representative = Some(party::tax_representative(e)),
            _ => {}
        }
    }

    /// Top-level `cac:` aggregates other than parties and lines.
    fn aggregate(&mut self, e: Element<'_, '_>) {
        let inv = &mut self.invoice;
        let v = &mut self.values;
        match e.name() {
            "InvoicePeriod" => {
                inv.invoicing_period = Some(period(v, e, "BG-14"));
                inv.tax_point_date_code = e.text("cbc:DescriptionCode");
            }
            "OrderReference" => {
                inv.purchase_order_reference = e.text("cbc:ID");
                inv.sales_order_reference = e.text("cbc:SalesOrderID");
            }
            "BillingReference" => {
                if e.get("cac:InvoiceDocumentReference/cbc:ID").is_none() {
                    self.facts.billing_references_without_id += 1;
                }
                if let Some(r) = e.get("cac:InvoiceDocumentReference") {
                    inv.preceding_invoices.push(PrecedingInvoice {
                        reference: r.text("cbc:ID").unwrap_or_default(),
                        issue_date: v.date_iso(r.get("cbc:IssueDate"), "BT-26"),
                    });
                }
            }
            "DespatchDocumentReference" => inv.despatch_advice_reference = e.text("cbc:ID"),
            "ReceiptDocumentReference" => inv.receiving_advice_reference = e.text("cbc:ID"),
            "OriginatorDocumentReference" => inv.tender_or_lot_reference = e.text("cbc:ID"),
            "ContractDocumentReference" => inv.contract_reference = e.text("cbc:ID"),
            "AdditionalDocumentReference" => {
                if e.text("cbc:DocumentTypeCode").as_deref() == Some("130") {
                    inv.invoiced_object_id = identifier(e.get("cbc:ID"));
                } else {
                    inv.attachments.push(attachment(e));
                }
            }
            "ProjectReference" => inv.project_reference = e.text("cbc:ID"),
            "PrepaidPayment" => {
                let amount = e.get("cbc:PaidAmount");
                inv.third_party_payments.push(ThirdPartyPayment {
                    payment_type: e.text("cbc:ID"),
                    amount: v.decimal(amount, "BT-DEX-002"),
                    amount_currency: amount.and_then(|a| a.attr("currencyID")).map(str::to_owned),
                    description: e.text("cbc:InstructionID"),
                });
            }
            "Delivery" => inv.delivery = Some(party::delivery(v, e)),
            "PaymentMeans" => {
                payment_means(v, inv, e);
                let mandate_id = e.get("cac:PaymentMandate/cbc:ID").is_some();
                self.facts.mandate_ids.push(mandate_id);
            }
            "PaymentTerms" => inv.payment_terms = e.text("cbc:Note"),
            "AllowanceCharge" => {
                let (is_charge, ac) = allowance_charge(v, e);
                let at = if is_charge {
                    inv.charges.push(ac);
                    Where::Charge(inv.charges.len() - 1)
                } else {
                    inv.allowances.push(ac);
                    Where::Allowance(inv.allowances.len() - 1)
                };
                if !e
                    .get("cbc:ChargeIndicator")
                    .is_some_and(|c| literal_boolean(c.value()))
                {
                    self.facts.indicators_not_literal.push(at);
                }
            }
            "TaxTotal" => {
                let amount = e.get("cbc:TaxAmount");
                let value = amount.and_then(|a| v.decimal(Some(a), "BT-110"));
                if let (Some(amount), Some(value)) = (amount, value) {
                    self.tax_totals
                        .push((value, amount.attr("currencyID").map(str::to_owned)));
                }
                let subtotals = e.all("cac:TaxSubtotal");
                if subtotals.is_empty() {
                    self.facts.tax_totals_without_subtotals += 1;
                }
                let first = inv.vat_breakdown.len();
                for sub in subtotals {
                    inv.vat_breakdown.push(vat_breakdown(v, sub));
                }
                if inv.vat_breakdown.len() > first {
                    let breakdowns = &inv.vat_breakdown[first..];
                    let sum = breakdowns.iter().filter_map(|b| b.tax_amount).sum();
                    self.facts.tax_totals_with_subtotals.push((value, sum));
                }
            }
            "LegalMonetaryTotal" => {
                let t = &mut inv.totals;
                t.line_net_sum = v.decimal(e.get("cbc:LineExtensionAmount"), "BT-106");
                t.allowances_sum = v.decimal(e.get("cbc:AllowanceTotalAmount"), "BT-107");
                t.charges_sum = v.decimal(e.get("cbc:ChargeTotalAmount"), "BT-108");
                t.total_without_vat = v.decimal(e.get("cbc:TaxExclusiveAmount"), "BT-109");
                t.total_with_vat = v.decimal(e.get("cbc:TaxInclusiveAmount"), "BT-112");
                t.paid = v.decimal(e.get("cbc:PrepaidAmount"), "BT-113");
                t.rounding = v.decimal(e.get("cbc:PayableRoundingAmount"), "BT-114");
                t.amount_due = v.decimal(e.get("cbc:PayableAmount"), "BT-115");
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Mapped {
        let inv = &mut self.invoice;
        assign_vat_totals(inv, self.tax_totals);
        if let Some(creditor_id) = self.creditor_id {
            let instructions = inv
                .payment_instructions
                .get_or_insert_with(PaymentInstructions::default);
            instructions
                .direct_debit
                .get_or_insert_with(DirectDebit::default)
                .creditor_id = Some(creditor_id);
        }
        Mapped {
            invoice: self.invoice,
            facts: self.facts,
            specification_ids: self.specification_ids,
            first_error: self.values.first_error,
        }
    }
}

/// BG-1 from a UBL note: `#AAC#text` carries the subject code BT-21 in front.
fn note(text: &str) -> Note {
    if let Some(rest) = text.strip_prefix('#')
        && let Some((code, body)) = rest.split_once('#')
        && !code.is_empty()
        && code.len() <= 3
        && code.bytes().all(|b| b.is_ascii_uppercase())
    {
        return Note {
            subject_code: Some(code.to_owned()),
            text: body.to_owned(),
        };
    }
    Note {
        subject_code: None,
        text: text.to_owned(),
    }
}

pub(super) fn period(v: &mut Values, e: Element<'_, '_>, term: &'static str) -> Period {
    Period {
        start: v.date_iso(e.get("cbc:StartDate"), term),
        end: v.date_iso(e.get("cbc:EndDate"), term),
    }
}

fn attachment(e: Element<'_, '_>) -> Attachment {
    let binary = e.get("cac:Attachment/cbc:EmbeddedDocumentBinaryObject");
    Attachment {
        reference: e.text("cbc:ID"),
        description: e.text("cbc:DocumentDescription"),
        external_location: e.text("cac:Attachment/cac:ExternalReference/cbc:URI"),
        content: binary.map(|b| {
            let size = b.binary().unwrap_or_default();
            BinaryObject {
                mime_code: b.attr("mimeCode").map(str::to_owned),
                filename: b.attr("filename").map(str::to_owned),
                encoded_len: size.encoded_len,
                decoded_len_bytes: size.decoded_len_bytes(),
            }
        }),
    }
}

/// One `cac:PaymentMeans`; BG-16 takes the codes of the first, the accounts of all.
fn payment_means(v: &mut Values, inv: &mut Invoice, e: Element<'_, '_>) {
    let first = inv.payment_instructions.is_none();
    let pi = inv
        .payment_instructions
        .get_or_insert_with(PaymentInstructions::default);
    if first {
        pi.means_code = e.text("cbc:PaymentMeansCode");
        pi.means_text = e
            .get("cbc:PaymentMeansCode")
            .and_then(|c| c.attr("name"))
            .map(str::to_owned);
        pi.remittance_information = e.text("cbc:PaymentID");
    }
    let mandate = e.get("cac:PaymentMandate");
    pi.means.push(PaymentMeans {
        code: e.text("cbc:PaymentMeansCode"),
        credit_transfer: e.get("cac:PayeeFinancialAccount").is_some(),
        account_id: e.text("cac:PayeeFinancialAccount/cbc:ID"),
        card: e.get("cac:CardAccount").is_some(),
        mandate: mandate.is_some(),
        debited_account_id: mandate.and_then(|m| m.text("cac:PayerFinancialAccount/cbc:ID")),
        creditor_institution: false,
        debtor_institution: false,
    });
    for account in e.all("cac:PayeeFinancialAccount") {
        pi.credit_transfers.push(CreditTransfer {
            account_id: account.text("cbc:ID"),
            account_name: account.text("cbc:Name"),
            service_provider_id: account.text("cac:FinancialInstitutionBranch/cbc:ID"),
        });
    }
    if let Some(card) = e.get("cac:CardAccount") {
        pi.card = Some(PaymentCard {
            primary_account_number: card.text("cbc:PrimaryAccountNumberID"),
            holder_name: card.text("cbc:HolderName"),
        });
    }
    if let Some(mandate) = e.get("cac:PaymentMandate") {
        let dd = pi.direct_debit.get_or_insert_with(DirectDebit::default);
        dd.mandate_reference = mandate.text("cbc:ID");
        dd.debited_account_id = mandate.text("cac:PayerFinancialAccount/cbc:ID");
    }
    // BT-9 of a credit note lives here; an invoice has it at the root.
    if inv.payment_due_date.is_none() {
        inv.payment_due_date = v.date_iso(e.get("cbc:PaymentDueDate"), "BT-9");
    }
}

/// A document-level `cac:AllowanceCharge`: (is it a charge, its terms).
fn allowance_charge(v: &mut Values, e: Element<'_, '_>) -> (bool, AllowanceCharge) {
    let is_charge = v
        .bool(e.get("cbc:ChargeIndicator"), "ChargeIndicator")
        .unwrap_or(false);
    let ac = AllowanceCharge {
        amount: v.decimal(e.get("cbc:Amount"), "BT-92/BT-99"),
        base_amount: v.decimal(e.get("cbc:BaseAmount"), "BT-93/BT-100"),
        percentage: v.decimal(e.get("cbc:MultiplierFactorNumeric"), "BT-94/BT-101"),
        vat_category_code: e.text("cac:TaxCategory/cbc:ID"),
        vat_rate: v.decimal(e.get("cac:TaxCategory/cbc:Percent"), "BT-96/BT-103"),
        tax_scheme: e.text("cac:TaxCategory/cac:TaxScheme/cbc:ID"),
        reason: e.text("cbc:AllowanceChargeReason"),
        reason_code: e.text("cbc:AllowanceChargeReasonCode"),
    };
    (is_charge, ac)
}

fn vat_breakdown(v: &mut Values, e: Element<'_, '_>) -> VatBreakdown {
    VatBreakdown {
        taxable_amount: v.decimal(e.get("cbc:TaxableAmount"), "BT-116"),
        tax_amount: v.decimal(e.get("cbc:TaxAmount"), "BT-117"),
        category_code: e.text("cac:TaxCategory/cbc:ID"),
        rate: v.decimal(e.get("cac:TaxCategory/cbc:Percent"), "BT-119"),
        exemption_reason: e.text("cac:TaxCategory/cbc:TaxExemptionReason"),
        exemption_reason_code: e.text("cac:TaxCategory/cbc:TaxExemptionReasonCode"),
        tax_scheme: e.text("cac:TaxCategory/cac:TaxScheme/cbc:ID"),
    }
}

#[cfg(test)]
mod tests {
    use super::note;

    #[test]
    fn note_subject_code_is_split_off() {
        let n = note("#AAC#Invoice Note Description");
        assert_eq!(
            (n.subject_code.as_deref(), n.text.as_str()),
            (Some("AAC"), "Invoice Note Description")
        );
        assert_eq!(note("#1#x").subject_code, None);
        assert_eq!(note("plain").text, "plain");
        assert_eq!(note("#AAC").text, "#AAC");
    }
}
