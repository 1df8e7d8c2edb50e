//! BR-01 … BR-65: the EN 16931 core rules (mandatory terms and simple conditions).
//!
//! Each function is the test of one schematron assert over the model. "Present" means
//! `Some`; "filled" means XPath `normalize-space(.) != ''` (see [`filled`]).

use rust_decimal::Decimal;

use super::{Input, Where, filled, root_if};
use crate::lexical;
use crate::model::{Period, PostalAddress, VatBreakdown};
use crate::scenario::Syntax;

pub fn br_01(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(
        o,
        filled(i.invoice.process_control.specification_id.as_ref()),
    );
}
pub fn br_02(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, filled(i.invoice.number.as_ref()));
}
pub fn br_03(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, i.invoice.issue_date.is_some());
}
pub fn br_04(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, filled(i.invoice.type_code.as_ref()));
}
pub fn br_05(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, filled(i.invoice.currency_code.as_ref()));
}
pub fn br_06(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, filled(i.invoice.seller.name.as_ref()));
}
pub fn br_07(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, filled(i.invoice.buyer.name.as_ref()));
}
pub fn br_08(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, i.invoice.seller.address.is_some());
}
pub fn br_10(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, i.invoice.buyer.address.is_some());
}
pub fn br_16(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, !i.invoice.lines.is_empty());
}

fn country_in(address: Option<&PostalAddress>, at: Where, o: &mut Vec<Where>) {
    if address.is_some_and(|a| !filled(a.country_code.as_ref())) {
        o.push(at);
    }
}
/// BR-09/BR-11: UBL asserts the country code on the address element (no address, no finding);
/// CII asserts it on the document, so there a missing address also misses the country code.
fn party_country(i: &Input<'_>, address: Option<&PostalAddress>, at: Where, o: &mut Vec<Where>) {
    if i.syntax == crate::Syntax::Cii {
        root_if(o, address.is_some_and(|a| filled(a.country_code.as_ref())));
    } else {
        country_in(address, at, o);
    }
}
pub fn br_09(i: &Input<'_>, o: &mut Vec<Where>) {
    party_country(
        i,
        i.invoice.seller.address.as_ref(),
        Where::SellerAddress,
        o,
    );
}
pub fn br_11(i: &Input<'_>, o: &mut Vec<Where>) {
    party_country(i, i.invoice.buyer.address.as_ref(), Where::BuyerAddress, o);
}
/// UBL: a filled country code in the address; CII: `(ram:PostalTradeAddress/ram:CountryID)`
/// on the party, so an empty code passes and a missing address fails.
pub fn br_20(i: &Input<'_>, o: &mut Vec<Where>) {
    let Some(representative) = i.invoice.tax_representative.as_ref() else {
        return;
    };
    let address = representative.address.as_ref();
    if i.syntax == crate::Syntax::Cii {
        if address.is_none_or(|a| a.country_code.is_none()) {
            o.push(Where::TaxRepresentativeAddress);
        }
    } else {
        country_in(address, Where::TaxRepresentativeAddress, o);
    }
}
pub fn br_57(i: &Input<'_>, o: &mut Vec<Where>) {
    let address = i.invoice.delivery.as_ref().and_then(|d| d.address.as_ref());
    if address.is_some_and(|a| a.country_code.is_none()) {
        o.push(Where::DeliveryAddress);
    }
}

fn totals_have(o: &mut Vec<Where>, value: Option<Decimal>) {
    if value.is_none() {
        o.push(Where::Totals);
    }
}
pub fn br_12(i: &Input<'_>, o: &mut Vec<Where>) {
    totals_have(o, i.invoice.totals.line_net_sum);
}
pub fn br_13(i: &Input<'_>, o: &mut Vec<Where>) {
    totals_have(o, i.invoice.totals.total_without_vat);
}
pub fn br_14(i: &Input<'_>, o: &mut Vec<Where>) {
    totals_have(o, i.invoice.totals.total_with_vat);
}
pub fn br_15(i: &Input<'_>, o: &mut Vec<Where>) {
    totals_have(o, i.invoice.totals.amount_due);
}

pub fn br_18(i: &Input<'_>, o: &mut Vec<Where>) {
    if let Some(t) = &i.invoice.tax_representative
        && !filled(t.name.as_ref())
    {
        o.push(Where::TaxRepresentative);
    }
}
pub fn br_19(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.invoice
        .tax_representative
        .as_ref()
        .is_some_and(|t| t.address.is_none())
    {
        o.push(Where::TaxRepresentative);
    }
}
pub fn br_56(i: &Input<'_>, o: &mut Vec<Where>) {
    // UBL tests that the element exists; CII `normalize-space(…) != ''`.
    let missing = |id: &Option<String>| match id {
        None => true,
        Some(id) => i.syntax == Syntax::Cii && crate::lexical::trim_xml(id).is_empty(),
    };
    if i.invoice
        .tax_representative
        .as_ref()
        .is_some_and(|t| missing(&t.vat_id))
    {
        o.push(Where::TaxRepresentative);
    }
}

/// Runs `test` on every invoice line; a failing line is reported at its position.
fn each_line(i: &Input<'_>, o: &mut Vec<Where>, test: impl Fn(&crate::model::InvoiceLine) -> bool) {
    for (n, line) in i.lines() {
        if !test(line) {
            o.push(Where::Line(n));
        }
    }
}
pub fn br_21(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| filled(l.id.as_ref()));
}
pub fn br_22(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| l.quantity.is_some());
}
pub fn br_23(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| {
        l.quantity.as_ref().is_some_and(|q| q.unit_code.is_some())
    });
}
pub fn br_24(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| l.net_amount.is_some());
}
pub fn br_25(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| filled(l.item.name.as_ref()));
}
pub fn br_26(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| l.price.net_price.is_some());
}
pub fn br_27(i: &Input<'_>, o: &mut Vec<Where>) {
    // `(PriceAmount) >= 0` is false for an absent price too (empty sequence comparison).
    each_line(i, o, |l| {
        l.price.net_price.is_some_and(|p| p >= Decimal::ZERO)
    });
}
pub fn br_28(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| {
        l.price.gross_price.is_none_or(|p| p >= Decimal::ZERO)
    });
}
pub fn br_co_04(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| {
        of_vat(i, l.item.tax_scheme.as_ref(), false) && l.item.vat_category_code.is_some()
    });
}

fn period_ordered(p: &Period) -> bool {
    match (p.start, p.end) {
        (Some(start), Some(end)) => end >= start,
        _ => true,
    }
}
/// CII tests the dates of a period as written, whatever their format, so the structure checker
/// tests BR-29, BR-30, BR-CO-19 and BR-CO-20 there (`structure/recorded.rs`); true if it did.
fn cii_period_rule(i: &Input<'_>, o: &mut Vec<Where>, rule: &str) -> bool {
    if i.syntax == Syntax::Cii {
        o.extend(i.facts.recorded_for(rule));
    }
    i.syntax == Syntax::Cii
}
pub fn br_29(i: &Input<'_>, o: &mut Vec<Where>) {
    if cii_period_rule(i, o, "BR-29") {
        return;
    }
    if i.invoice
        .invoicing_period
        .as_ref()
        .is_some_and(|p| !period_ordered(p))
    {
        o.push(Where::InvoicingPeriod);
    }
}
pub fn br_30(i: &Input<'_>, o: &mut Vec<Where>) {
    if cii_period_rule(i, o, "BR-30") {
        return;
    }
    for (n, line) in i.lines() {
        if line.period.as_ref().is_some_and(|p| !period_ordered(p)) {
            o.push(Where::LinePeriod(n));
        }
    }
}
pub fn br_co_20(i: &Input<'_>, o: &mut Vec<Where>) {
    if cii_period_rule(i, o, "BR-CO-20") {
        return;
    }
    for (n, line) in i.lines() {
        if line
            .period
            .as_ref()
            .is_some_and(|p| p.start.is_none() && p.end.is_none())
        {
            o.push(Where::LinePeriod(n));
        }
    }
}

/// Document level allowances (`charge == false`) or charges, each checked with `test`.
fn each_document_ac(
    i: &Input<'_>,
    o: &mut Vec<Where>,
    charge: bool,
    test: impl Fn(&crate::model::AllowanceCharge) -> bool,
) {
    let list = if charge {
        &i.invoice.charges
    } else {
        &i.invoice.allowances
    };
    for (n, ac) in list.iter().enumerate() {
        if !test(ac) {
            o.push(if charge {
                Where::Charge(n)
            } else {
                Where::Allowance(n)
            });
        }
    }
}
pub fn br_31(i: &Input<'_>, o: &mut Vec<Where>) {
    each_document_ac(i, o, false, |a| a.amount.is_some());
}
pub fn br_32(i: &Input<'_>, o: &mut Vec<Where>) {
    each_document_ac(i, o, false, |a| {
        of_vat(i, a.tax_scheme.as_ref(), false) && a.vat_category_code.is_some()
    });
}
pub fn br_33(i: &Input<'_>, o: &mut Vec<Where>) {
    each_document_ac(i, o, false, |a| {
        a.reason.is_some() || a.reason_code.is_some()
    });
}
pub fn br_36(i: &Input<'_>, o: &mut Vec<Where>) {
    each_document_ac(i, o, true, |a| a.amount.is_some());
}
pub fn br_37(i: &Input<'_>, o: &mut Vec<Where>) {
    each_document_ac(i, o, true, |a| {
        of_vat(i, a.tax_scheme.as_ref(), false) && a.vat_category_code.is_some()
    });
}
pub fn br_38(i: &Input<'_>, o: &mut Vec<Where>) {
    each_document_ac(i, o, true, |a| {
        a.reason.is_some() || a.reason_code.is_some()
    });
}

/// Line allowances (`charge == false`) or charges of every line, each checked with `test`.
fn each_line_ac(
    i: &Input<'_>,
    o: &mut Vec<Where>,
    charge: bool,
    test: impl Fn(&crate::model::LineAllowanceCharge) -> bool,
) {
    for (n, line) in i.lines() {
        let list = if charge {
            &line.charges
        } else {
            &line.allowances
        };
        for (m, ac) in list.iter().enumerate() {
            if !test(ac) {
                o.push(if charge {
                    Where::LineCharge(n, m)
                } else {
                    Where::LineAllowance(n, m)
                });
            }
        }
    }
}
pub fn br_41(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line_ac(i, o, false, |a| a.amount.is_some());
}
pub fn br_42(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line_ac(i, o, false, |a| {
        a.reason.is_some() || a.reason_code.is_some()
    });
}
pub fn br_43(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line_ac(i, o, true, |a| a.amount.is_some());
}
pub fn br_44(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line_ac(i, o, true, |a| {
        a.reason.is_some() || a.reason_code.is_some()
    });
}

fn each_vat(i: &Input<'_>, o: &mut Vec<Where>, test: impl Fn(&VatBreakdown) -> bool) {
    for (n, vat) in i.invoice.vat_breakdown.iter().enumerate() {
        if !test(vat) {
            o.push(Where::VatBreakdown(n));
        }
    }
}
pub fn br_45(i: &Input<'_>, o: &mut Vec<Where>) {
    each_vat(i, o, |v| v.taxable_amount.is_some());
}
pub fn br_46(i: &Input<'_>, o: &mut Vec<Where>) {
    each_vat(i, o, |v| v.tax_amount.is_some());
}
/// A category (of a VAT breakdown, a line, an allowance or a charge) is of VAT as a rule
/// selects it, `upper-case(…) = 'VAT'` on its tax scheme: after `normalize-space` in every
/// UBL rule and in CII BR-CO-17, on the text as written in the other CII rules.
pub(super) fn of_vat(i: &Input<'_>, tax_scheme: Option<&String>, normalized: bool) -> bool {
    tax_scheme.is_some_and(|scheme| {
        let scheme = if normalized || i.syntax != Syntax::Cii {
            lexical::trim_xml(scheme)
        } else {
            scheme
        };
        scheme.eq_ignore_ascii_case("VAT")
    })
}

pub fn br_47(i: &Input<'_>, o: &mut Vec<Where>) {
    each_vat(i, o, |v| {
        of_vat(i, v.tax_scheme.as_ref(), false) && v.category_code.is_some()
    });
}
pub fn br_48(i: &Input<'_>, o: &mut Vec<Where>) {
    each_vat(i, o, |v| {
        of_vat(i, v.tax_scheme.as_ref(), false)
            && (v.rate.is_some() || v.category_code.as_deref().map(str::trim) == Some("O"))
    });
}
pub fn br_co_18(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, !i.invoice.vat_breakdown.is_empty());
}

/// Every payment means, not only the first that BG-16 takes its codes from.
pub fn br_49(i: &Input<'_>, o: &mut Vec<Where>) {
    let means = i.invoice.payment_instructions.iter().flat_map(|p| &p.means);
    for (n, m) in means.enumerate() {
        if m.code.is_none() {
            o.push(Where::PaymentMeans(n));
        }
    }
}
pub fn br_52(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, a) in i.invoice.attachments.iter().enumerate() {
        if !filled(a.reference.as_ref()) {
            o.push(Where::Attachment(n));
        }
    }
}
pub fn br_62(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.syntax == Syntax::Cii {
        root_if(o, !i.facts.unschemed_addresses.contains(&Where::Seller));
    } else if i
        .invoice
        .seller
        .electronic_address
        .as_ref()
        .is_some_and(|e| e.scheme_id.is_none())
    {
        o.push(Where::Seller);
    }
}
pub fn br_63(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.syntax == Syntax::Cii {
        root_if(o, !i.facts.unschemed_addresses.contains(&Where::Buyer));
    } else if i
        .invoice
        .buyer
        .electronic_address
        .as_ref()
        .is_some_and(|e| e.scheme_id.is_none())
    {
        o.push(Where::Buyer);
    }
}
pub fn br_64(i: &Input<'_>, o: &mut Vec<Where>) {
    each_line(i, o, |l| {
        l.item
            .standard_id
            .as_ref()
            .is_none_or(|s| s.scheme_id.is_some())
    });
}
pub fn br_65(i: &Input<'_>, o: &mut Vec<Where>) {
    // One finding per classification code in the schematron; per line is close enough for
    // the id comparison, the count differs only with several unschemed codes on one line.
    for (n, line) in i.lines() {
        for c in &line.item.classifications {
            if c.scheme_id.is_none() {
                o.push(Where::Line(n));
            }
        }
    }
}

pub fn br_co_03(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(
        o,
        !(i.invoice.tax_point_date.is_some() && i.invoice.tax_point_date_code.is_some()),
    );
}
pub fn br_co_19(i: &Input<'_>, o: &mut Vec<Where>) {
    if cii_period_rule(i, o, "BR-CO-19") {
        return;
    }
    let p = i.invoice.invoicing_period.as_ref();
    // UBL allows a period with only BT-8 (DescriptionCode); the model keeps BT-8 at the root.
    if p.is_some_and(|p| p.start.is_none() && p.end.is_none())
        && i.invoice.tax_point_date_code.is_none()
    {
        o.push(Where::InvoicingPeriod);
    }
}
pub fn br_co_26(i: &Input<'_>, o: &mut Vec<Where>) {
    let s = &i.invoice.seller;
    // The rule tests `cac:PartyIdentification/cbc:ID` (CII `ram:ID`) as written: a SEPA
    // creditor identifier (BT-90) in that place counts too.
    let written_ids = !i.facts.seller_party_ids.is_empty();
    if s.vat_id.is_none()
        && s.identifiers.is_empty()
        && s.legal_registration_id.is_none()
        && !written_ids
    {
        o.push(Where::Seller);
    }
}
pub fn br_co_25(i: &Input<'_>, o: &mut Vec<Where>) {
    let positive = i
        .invoice
        .totals
        .amount_due
        .is_some_and(|a| a > Decimal::ZERO);
    let written = match i.syntax {
        // `//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime`: the element, in any format.
        Syntax::Cii => i.facts.payment_terms_with_due_date_or_text > 0,
        Syntax::UblInvoice | Syntax::UblCreditNote => {
            i.invoice.payment_due_date.is_some() || i.invoice.payment_terms.is_some()
        }
    };
    root_if(o, !positive || written);
}

// BR-CO-21 … BR-CO-24 repeat BR-33/38/42/44 with other wording; both ids are reported.
pub fn br_co_21(i: &Input<'_>, o: &mut Vec<Where>) {
    br_33(i, o);
}
pub fn br_co_22(i: &Input<'_>, o: &mut Vec<Where>) {
    br_38(i, o);
}
pub fn br_co_23(i: &Input<'_>, o: &mut Vec<Where>) {
    br_42(i, o);
}
pub fn br_co_24(i: &Input<'_>, o: &mut Vec<Where>) {
    br_44(i, o);
}

/// BR-50 and BR-61 look at each payment means. UBL: BR-50 needs a filled BT-84 in every
/// credit transfer account of a means coded exactly `30`/`58`, BR-61 an account id element
/// for a (normalised) `30`/`58`. CII words both as "the account has an IBAN or proprietary id".
pub(super) fn each_means(
    i: &Input<'_>,
    o: &mut Vec<Where>,
    test: impl Fn(&crate::model::PaymentMeans) -> bool,
) {
    let means = i.invoice.payment_instructions.iter().flat_map(|p| &p.means);
    for (n, m) in means.enumerate() {
        if !test(m) {
            o.push(Where::PaymentMeans(n));
        }
    }
}
fn credit_transfer_code(code: Option<&String>, normalise: bool) -> bool {
    code.is_some_and(|c| {
        let c = if normalise {
            c.trim_matches([' ', '\t', '\r', '\n'])
        } else {
            c.as_str()
        };
        c == "30" || c == "58"
    })
}
pub fn br_50(i: &Input<'_>, o: &mut Vec<Where>) {
    let cii = i.syntax == crate::scenario::Syntax::Cii;
    each_means(i, o, |m| {
        !(credit_transfer_code(m.code.as_ref(), false) && m.credit_transfer)
            || if cii {
                m.account_id.is_some()
            } else {
                filled(m.account_id.as_ref())
            }
    });
}
pub fn br_61(i: &Input<'_>, o: &mut Vec<Where>) {
    let cii = i.syntax == crate::scenario::Syntax::Cii;
    each_means(i, o, |m| {
        if cii {
            !(credit_transfer_code(m.code.as_ref(), false) && m.credit_transfer)
                || m.account_id.is_some()
        } else {
            !credit_transfer_code(m.code.as_ref(), true) || m.account_id.is_some()
        }
    });
}

/// BR-51: at most 10 characters of the card number (BT-87); UBL counts after
/// `normalize-space`, CII the raw text. UBL flags it as a warning, CII as fatal.
pub fn br_51(i: &Input<'_>, o: &mut Vec<Where>) {
    let pan = i
        .invoice
        .payment_instructions
        .as_ref()
        .and_then(|p| p.card.as_ref());
    let Some(pan) = pan.and_then(|c| c.primary_account_number.as_deref()) else {
        return;
    };
    let length = if i.syntax == crate::scenario::Syntax::Cii {
        pan.chars().count()
    } else {
        pan.split([' ', '\t', '\r', '\n'])
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .count()
    };
    if length > 10 {
        o.push(Where::PaymentMeans(0));
    }
}

/// The payee has a name, and neither it nor an identifier equals the seller's (UBL compares
/// with the seller's trading name BT-28, CII with its name BT-27 and also the legal
/// registration ids); identifiers compare as written, `SEPA` ones included.
pub fn br_17(i: &Input<'_>, o: &mut Vec<Where>) {
    let Some(payee) = &i.invoice.payee else {
        return;
    };
    let seller = &i.invoice.seller;
    let seller_name = if i.syntax == Syntax::Cii {
        &seller.name
    } else {
        &seller.trading_name
    };
    let facts = i.facts;
    let same_id = facts
        .payee_party_ids
        .iter()
        .any(|id| facts.seller_party_ids.contains(id));
    let same_registration = i.syntax == Syntax::Cii
        && payee.legal_registration_id.is_some()
        && payee.legal_registration_id.as_ref().map(|r| &r.value)
            == seller.legal_registration_id.as_ref().map(|r| &r.value);
    let ok = payee.name.is_some() && payee.name != *seller_name && !same_id && !same_registration;
    if !ok {
        o.push(Where::Payee);
    }
}

/// Each item attribute has a name and a value element.
pub fn br_54(i: &Input<'_>, o: &mut Vec<Where>) {
    for (index, position, _) in i.every_line() {
        if i.facts.line(index).incomplete_attributes > 0 {
            o.push(Where::Line(position));
        }
    }
}

/// Each preceding invoice reference names the invoice: UBL `cac:InvoiceDocumentReference/cbc:ID`
/// exists, CII `ram:IssuerAssignedID` is not blank.
pub fn br_55(i: &Input<'_>, o: &mut Vec<Where>) {
    let missing = if i.syntax == Syntax::Cii {
        i.invoice
            .preceding_invoices
            .iter()
            .filter(|p| !filled(Some(&p.reference)))
            .count()
    } else {
        i.facts.billing_references_without_id
    };
    o.extend(std::iter::repeat_n(Where::Root, missing));
}
