//! UN/CEFACT Cross Industry Invoice D16B (XRechnung 3.0 binding) into the EN 16931 model.
//!
//! The root's children are records, except `rsm:SupplyChainTradeTransaction`, which holds
//! all lines; the reader descends into it so that each line is its own record.

mod line;
mod party;

use crate::error::EinvoiceError;
use crate::facts::{SyntaxFacts, UnclassifiedCharge, literal_boolean};
use crate::limits::{LimitKind, Limits};
use crate::mapping::{Mapped, Values, assign_vat_totals, identifier};
use crate::model::{
    AllowanceCharge, Attachment, BinaryObject, CreditTransfer, DirectDebit, Identifier, Invoice,
    Note, PaymentCard, PaymentInstructions, PaymentMeans, Period, PrecedingInvoice, VatBreakdown,
};
use crate::rules::Where;
use crate::xml::Ns;
use crate::xml::fragment::{Element, Fragment};
use crate::xml::reader::{DocumentReader, Node};

/// Maps the rest of a CII document whose root start tag has been read.
pub(crate) fn read(
    reader: &mut DocumentReader<'_>,
    limits: &Limits,
) -> Result<Mapped, EinvoiceError> {
    let mut mapper = CiiMapper::default();
    // One arena for all records: after the first lines it no longer allocates.
    let mut fragment = Fragment::default();
    // Nesting level below the root: 0 = root's children, 1 = inside the transaction.
    let mut inside_transaction = false;
    loop {
        match reader.next_node()? {
            Node::Start(tag)
                if !inside_transaction
                    && tag.ns == Ns::Rsm
                    && tag.name == "SupplyChainTradeTransaction" =>
            {
                inside_transaction = true;
            }
            Node::Start(tag) if !matches!(tag.ns, Ns::Rsm | Ns::Ram) => reader.skip_element()?,
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
            Node::End if inside_transaction => inside_transaction = false,
            Node::End | Node::Eof => break,
        }
    }
    Ok(mapper.finish())
}

/// An allowance's or charge's `ram:ChargeIndicator/udt:Indicator`: (is it a charge, is it
/// written `true`/`false`), `None` without one.
pub(super) fn indicator(v: &mut Values, ac: Element<'_, '_>) -> Option<(bool, bool)> {
    let element = ac.get("ram:ChargeIndicator/udt:Indicator")?;
    let is_charge = v.bool(Some(element), "ChargeIndicator")?;
    Some((is_charge, literal_boolean(element.value())))
}

/// An allowance or charge without an indicator, on the line with model index `line`.
pub(super) fn unclassified(
    v: &mut Values,
    ac: Element<'_, '_>,
    line: Option<usize>,
) -> UnclassifiedCharge {
    UnclassifiedCharge {
        line,
        amount: v.decimal(ac.get("ram:ActualAmount"), "BT-92/BT-99"),
        base_amount: v.decimal(ac.get("ram:BasisAmount"), "BT-93/BT-100"),
        percentage: v.decimal(ac.get("ram:CalculationPercent"), "BT-94/BT-101"),
    }
}

fn is_binary(ns: Ns, name: &str) -> bool {
    ns == Ns::Ram && name == "AttachmentBinaryObject"
}

#[derive(Debug, Default)]
struct CiiMapper {
    invoice: Invoice,
    facts: SyntaxFacts,
    values: Values,
    specification_ids: Vec<String>,
    tax_totals: Vec<(rust_decimal::Decimal, Option<String>)>,
}

impl CiiMapper {
    fn record(&mut self, e: Element<'_, '_>) {
        match (e.ns(), e.name()) {
            (Ns::Rsm, "ExchangedDocumentContext") => self.context(e),
            (Ns::Rsm, "ExchangedDocument") => self.document(e),
            (Ns::Ram, "IncludedSupplyChainTradeLineItem") => {
                let index = self.invoice.lines.len();
                let (line, facts) = line::line(&mut self.values, &mut self.facts, index, e);
                self.facts.line_set(index, facts);
                self.invoice.lines.push(line);
            }
            (Ns::Ram, "ApplicableHeaderTradeAgreement") => self.agreement(e),
            (Ns::Ram, "ApplicableHeaderTradeDelivery") => self.delivery(e),
            (Ns::Ram, "ApplicableHeaderTradeSettlement") => self.settlement(e),
            _ => {}
        }
    }

    fn context(&mut self, e: Element<'_, '_>) {
        let pc = &mut self.invoice.process_control;
        pc.business_process_type =
            e.text("ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID");
        for id in e.all("ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") {
            self.specification_ids.push(id.value().to_owned());
        }
        pc.specification_id = self.specification_ids.first().cloned();
    }

    fn document(&mut self, e: Element<'_, '_>) {
        let inv = &mut self.invoice;
        inv.number = e.text("ram:ID");
        inv.type_code = e.text("ram:TypeCode");
        inv.issue_date = self
            .values
            .date_102(e.get("ram:IssueDateTime/udt:DateTimeString"), "BT-2");
        for note in e.all("ram:IncludedNote") {
            inv.notes.push(Note {
                subject_code: note.text("ram:SubjectCode"),
                text: note.text("ram:Content").unwrap_or_default(),
            });
        }
    }

    fn agreement(&mut self, e: Element<'_, '_>) {
        let inv = &mut self.invoice;
        inv.buyer_reference = e.text("ram:BuyerReference");
        if let Some(p) = e.get("ram:SellerTradeParty") {
            self.facts.seller_party = true;
            self.facts.seller_party_ids = party::ids_as_written(p);
            if party::address_unschemed(p) {
                self.facts.unschemed_addresses.push(Where::Seller);
            }
            inv.seller = party::seller(p);
        }
        if let Some(p) = e.get("ram:BuyerTradeParty") {
            self.facts.buyer_party = true;
            if party::address_unschemed(p) {
                self.facts.unschemed_addresses.push(Where::Buyer);
            }
            inv.buyer = party::buyer(p);
        }
        inv.tax_representative = e
            .get("ram:SellerTaxRepresentativeTradeParty")
            .map(party::tax_representative);
        inv.sales_order_reference =
            e.text("ram:SellerOrderReferencedDocument/ram:IssuerAssignedID");
        inv.purchase_order_reference =
            e.text("ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID");
        inv.contract_reference = e.text("ram:ContractReferencedDocument/ram:IssuerAssignedID");
        inv.project_reference = e.text("ram:SpecifiedProcuringProject/ram:ID");
        // One element, three business terms, told apart by the document type code.
        for doc in e.all("ram:AdditionalReferencedDocument") {
            match doc.text("ram:TypeCode").as_deref() {
                Some("50") => inv.tender_or_lot_reference = doc.text("ram:IssuerAssignedID"),
                Some("130") => {
                    inv.invoiced_object_id = Some(Identifier {
                        value: doc.text("ram:IssuerAssignedID").unwrap_or_default(),
                        scheme_id: doc.text("ram:ReferenceTypeCode"),
                    });
                }
                _ => inv.attachments.push(attachment(doc)),
            }
        }
    }

    fn delivery(&mut self, e: Element<'_, '_>) {
        let v = &mut self.values;
        let ship_to = e.get("ram:ShipToTradeParty");
        let event =
            e.get("ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString");
        if ship_to.is_some() || event.is_some() {
            self.invoice.delivery = Some(crate::model::Delivery {
                party_name: ship_to.and_then(|p| p.text("ram:Name")),
                location_id: ship_to
                    .and_then(|p| identifier(p.get("ram:ID").or_else(|| p.get("ram:GlobalID")))),
                actual_delivery_date: v.date_102(event, "BT-72"),
                address: ship_to
                    .and_then(|p| p.get("ram:PostalTradeAddress"))
                    .map(party::address),
            });
        }
        let inv = &mut self.invoice;
        inv.despatch_advice_reference =
            e.text("ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID");
        inv.receiving_advice_reference =
            e.text("ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID");
    }

    fn settlement(&mut self, e: Element<'_, '_>) {
        let v = &mut self.values;
        let inv = &mut self.invoice;
        inv.currency_code = e.text("ram:InvoiceCurrencyCode");
        inv.vat_accounting_currency_code = e.text("ram:TaxCurrencyCode");
        inv.buyer_accounting_reference =
            e.text("ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID");
        inv.payee = e.get("ram:PayeeTradeParty").map(party::payee);
        if let Some(p) = e.get("ram:PayeeTradeParty") {
            self.facts.payee_party_ids = party::ids_as_written(p);
        }
        inv.payment_instructions = payment_instructions(e);
        for tax in e.all("ram:ApplicableTradeTax") {
            inv.vat_breakdown.push(VatBreakdown {
                taxable_amount: v.decimal(tax.get("ram:BasisAmount"), "BT-116"),
                tax_amount: v.decimal(tax.get("ram:CalculatedAmount"), "BT-117"),
                category_code: tax.text("ram:CategoryCode"),
                rate: v.decimal(tax.get("ram:RateApplicablePercent"), "BT-119"),
                exemption_reason: tax.text("ram:ExemptionReason"),
                exemption_reason_code: tax.text("ram:ExemptionReasonCode"),
                tax_scheme: tax.text("ram:TypeCode"),
            });
            if inv.tax_point_date.is_none() {
                inv.tax_point_date = v.date_102(tax.get("ram:TaxPointDate/udt:DateString"), "BT-7");
            }
            if inv.tax_point_date_code.is_none() {
                inv.tax_point_date_code = tax.text("ram:DueDateTypeCode");
            }
        }
        inv.invoicing_period = e
            .get("ram:BillingSpecifiedPeriod")
            .map(|p| period(v, p, "BG-14"));
        for ac in e.all("ram:SpecifiedTradeAllowanceCharge") {
            let Some((is_charge, literal)) = indicator(v, ac) else {
                let unclassified = unclassified(v, ac, None);
                self.facts.unclassified_charges.push(unclassified);
                continue;
            };
            let mapped = AllowanceCharge {
                amount: v.decimal(ac.get("ram:ActualAmount"), "BT-92/BT-99"),
                base_amount: v.decimal(ac.get("ram:BasisAmount"), "BT-93/BT-100"),
                percentage: v.decimal(ac.get("ram:CalculationPercent"), "BT-94/BT-101"),
                vat_category_code: ac.text("ram:CategoryTradeTax/ram:CategoryCode"),
                vat_rate: v.decimal(
                    ac.get("ram:CategoryTradeTax/ram:RateApplicablePercent"),
                    "BT-96/BT-103",
                ),
                tax_scheme: ac.text("ram:CategoryTradeTax/ram:TypeCode"),
                reason: ac.text("ram:Reason"),
                reason_code: ac.text("ram:ReasonCode"),
            };
            let at = if is_charge {
                inv.charges.push(mapped);
                Where::Charge(inv.charges.len() - 1)
            } else {
                inv.allowances.push(mapped);
                Where::Allowance(inv.allowances.len() - 1)
            };
            if !literal {
                self.facts.indicators_not_literal.push(at);
            }
        }
        self.facts.payment_terms_with_due_date_or_text = e
            .all("ram:SpecifiedTradePaymentTerms")
            .iter()
            .filter(|t| {
                t.get("ram:DueDateDateTime").is_some() || t.get("ram:Description").is_some()
            })
            .count();
        if let Some(terms) = e.get("ram:SpecifiedTradePaymentTerms") {
            inv.payment_terms = terms.text("ram:Description");
            inv.payment_due_date =
                v.date_102(terms.get("ram:DueDateDateTime/udt:DateTimeString"), "BT-9");
        }
        if let Some(sum) = e.get("ram:SpecifiedTradeSettlementHeaderMonetarySummation") {
            self.facts.totals = true;
            let t = &mut inv.totals;
            t.line_net_sum = v.decimal(sum.get("ram:LineTotalAmount"), "BT-106");
            t.charges_sum = v.decimal(sum.get("ram:ChargeTotalAmount"), "BT-108");
            t.allowances_sum = v.decimal(sum.get("ram:AllowanceTotalAmount"), "BT-107");
            t.total_without_vat = v.decimal(sum.get("ram:TaxBasisTotalAmount"), "BT-109");
            t.rounding = v.decimal(sum.get("ram:RoundingAmount"), "BT-114");
            t.total_with_vat = v.decimal(sum.get("ram:GrandTotalAmount"), "BT-112");
            t.paid = v.decimal(sum.get("ram:TotalPrepaidAmount"), "BT-113");
            t.amount_due = v.decimal(sum.get("ram:DuePayableAmount"), "BT-115");
            for amount in sum.all("ram:TaxTotalAmount") {
                if let Some(value) = v.decimal(Some(amount), "BT-110") {
                    self.tax_totals
                        .push((value, amount.attr("currencyID").map(str::to_owned)));
                }
            }
        }
        for reference in e.all("ram:InvoiceReferencedDocument") {
            inv.preceding_invoices.push(PrecedingInvoice {
                reference: reference.text("ram:IssuerAssignedID").unwrap_or_default(),
                issue_date: v.date_102(
                    reference.get("ram:FormattedIssueDateTime/qdt:DateTimeString"),
                    "BT-26",
                ),
            });
        }
    }

    fn finish(mut self) -> Mapped {
        assign_vat_totals(&mut self.invoice, self.tax_totals);
        Mapped {
            invoice: self.invoice,
            facts: self.facts,
            specification_ids: self.specification_ids,
            first_error: self.values.first_error,
        }
    }
}

pub(super) fn period(v: &mut Values, e: Element<'_, '_>, term: &'static str) -> Period {
    Period {
        start: v.date_102(e.get("ram:StartDateTime/udt:DateTimeString"), term),
        end: v.date_102(e.get("ram:EndDateTime/udt:DateTimeString"), term),
    }
}

/// BG-16 from the header settlement: codes from the first payment means, every account.
fn payment_instructions(e: Element<'_, '_>) -> Option<PaymentInstructions> {
    let means = e.all("ram:SpecifiedTradeSettlementPaymentMeans");
    let creditor_id = e.text("ram:CreditorReferenceID");
    let mandate = e.text("ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID");
    let remittance = e.text("ram:PaymentReference");
    if means.is_empty() && creditor_id.is_none() && mandate.is_none() && remittance.is_none() {
        return None;
    }
    let first = means.first();
    let mut pi = PaymentInstructions {
        means_code: first.and_then(|m| m.text("ram:TypeCode")),
        means_text: first.and_then(|m| m.text("ram:Information")),
        remittance_information: remittance,
        ..PaymentInstructions::default()
    };
    let mut debited_account_id = None;
    for m in &means {
        let account = m.get("ram:PayeePartyCreditorFinancialAccount");
        pi.means.push(PaymentMeans {
            code: m.text("ram:TypeCode"),
            credit_transfer: account.is_some(),
            account_id: account
                .and_then(|a| a.text("ram:IBANID").or_else(|| a.text("ram:ProprietaryID"))),
            card: m
                .get("ram:ApplicableTradeSettlementFinancialCard")
                .is_some(),
            mandate: false,
            debited_account_id: m.text("ram:PayerPartyDebtorFinancialAccount/ram:IBANID"),
            creditor_institution: m
                .get("ram:PayeeSpecifiedCreditorFinancialInstitution")
                .is_some(),
            debtor_institution: m
                .get("ram:PayerSpecifiedDebtorFinancialInstitution")
                .is_some(),
        });
        if let Some(account) = m.get("ram:PayeePartyCreditorFinancialAccount") {
            pi.credit_transfers.push(CreditTransfer {
                account_id: account
                    .text("ram:IBANID")
                    .or_else(|| account.text("ram:ProprietaryID")),
                account_name: account.text("ram:AccountName"),
                service_provider_id: m
                    .text("ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
            });
        }
        if let Some(card) = m.get("ram:ApplicableTradeSettlementFinancialCard") {
            pi.card.get_or_insert(PaymentCard {
                primary_account_number: card.text("ram:ID"),
                holder_name: card.text("ram:CardholderName"),
            });
        }
        debited_account_id = debited_account_id
            .or_else(|| m.text("ram:PayerPartyDebtorFinancialAccount/ram:IBANID"));
    }
    if creditor_id.is_some() || mandate.is_some() || debited_account_id.is_some() {
        pi.direct_debit = Some(DirectDebit {
            mandate_reference: mandate,
            creditor_id,
            debited_account_id,
        });
    }
    Some(pi)
}

fn attachment(doc: Element<'_, '_>) -> Attachment {
    Attachment {
        reference: doc.text("ram:IssuerAssignedID"),
        description: doc.text("ram:Name"),
        external_location: doc.text("ram:URIID"),
        content: doc.get("ram:AttachmentBinaryObject").map(|b| {
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
