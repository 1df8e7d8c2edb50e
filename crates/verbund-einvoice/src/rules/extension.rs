//! The XRechnung Extension rules (BR-DEX-*) and the temporary XRechnung rules BR-TMP-2/-3.
//!
//! The BR-DEX rules are guarded by `$isExtension` (BT-24 is the Extension's identifier as
//! written). The scheme, MIME, sub-line and `ram:ParentLineID` rules test nodes the model does
//! not keep: the structure checker records their failures for every document
//! (`structure/recorded.rs`), and the checks here report them for an Extension invoice.

use super::{Input, Where, calc, filled};
use crate::scenario::Syntax;

/// The recorded failures of `rule`, for an Extension invoice.
fn recorded_in_extension(i: &Input<'_>, o: &mut Vec<Where>, rule: &str) {
    if i.is_extension() {
        o.extend(i.facts.recorded_for(rule));
    }
}

/// A rule whose context is the root: one finding if anything was recorded.
fn recorded_at_root(i: &Input<'_>, o: &mut Vec<Where>, rule: &str) {
    if i.is_extension() && i.facts.recorded_for(rule).next().is_some() {
        o.push(Where::Root);
    }
}

pub fn br_dex_01(i: &Input<'_>, o: &mut Vec<Where>) {
    recorded_in_extension(i, o, "BR-DEX-01");
}
/// UBL Invoice: a line's or sub-line's net amount equals the sum of its sub-lines'.
pub fn br_dex_02(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.syntax == Syntax::UblInvoice {
        recorded_at_root(i, o, "BR-DEX-02");
    }
}
/// UBL Invoice: every sub-line item has exactly one VAT category.
pub fn br_dex_03(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.syntax == Syntax::UblInvoice {
        recorded_at_root(i, o, "BR-DEX-03");
    }
}
pub fn br_dex_04(i: &Input<'_>, o: &mut Vec<Where>) {
    recorded_in_extension(i, o, "BR-DEX-04");
}
pub fn br_dex_05(i: &Input<'_>, o: &mut Vec<Where>) {
    recorded_in_extension(i, o, "BR-DEX-05");
}
pub fn br_dex_06(i: &Input<'_>, o: &mut Vec<Where>) {
    recorded_in_extension(i, o, "BR-DEX-06");
}
pub fn br_dex_07(i: &Input<'_>, o: &mut Vec<Where>) {
    recorded_in_extension(i, o, "BR-DEX-07");
}
pub fn br_dex_08(i: &Input<'_>, o: &mut Vec<Where>) {
    recorded_in_extension(i, o, "BR-DEX-08");
}

/// UBL: BT-115 - BT-114 = BT-112 - BT-113 + Σ BT-DEX-002, each side rounded to cents. A
/// missing BT-115 or BT-112 is an empty sequence, which equals nothing.
pub fn br_dex_09(i: &Input<'_>, o: &mut Vec<Where>) {
    if !i.is_extension() {
        return;
    }
    let totals = &i.invoice.totals;
    let third_party: rust_decimal::Decimal = i
        .invoice
        .third_party_payments
        .iter()
        .filter_map(|p| p.amount)
        .sum();
    let due = totals
        .amount_due
        .map(|d| calc::round2(d - totals.rounding.unwrap_or_default()));
    let total = totals
        .total_with_vat
        .map(|t| calc::round2(t - totals.paid.unwrap_or_default() + third_party));
    if due.is_none() || due != total {
        o.push(Where::Totals);
    }
}

/// BR-DEX-10 … -14 test each UBL Invoice `cac:PrepaidPayment` (BG-DEX-09).
fn third_party_payments(
    i: &Input<'_>,
    o: &mut Vec<Where>,
    fails: impl Fn(&crate::model::ThirdPartyPayment) -> bool,
) {
    if !i.is_extension() || i.syntax != Syntax::UblInvoice {
        return;
    }
    if i.invoice.third_party_payments.iter().any(fails) {
        // The model keeps no place for a payment; its rules name the document.
        o.push(Where::Root);
    }
}
pub fn br_dex_10(i: &Input<'_>, o: &mut Vec<Where>) {
    third_party_payments(i, o, |p| !filled(p.payment_type.as_ref()));
}
pub fn br_dex_11(i: &Input<'_>, o: &mut Vec<Where>) {
    third_party_payments(i, o, |p| p.amount.is_none());
}
pub fn br_dex_12(i: &Input<'_>, o: &mut Vec<Where>) {
    third_party_payments(i, o, |p| !filled(p.description.as_ref()));
}
pub fn br_dex_13(i: &Input<'_>, o: &mut Vec<Where>) {
    third_party_payments(i, o, |p| !calc::two_places(p.amount));
}
/// `cbc:PaidAmount/@currencyID = ../cbc:DocumentCurrencyCode`, as written; false when either
/// is missing.
pub fn br_dex_14(i: &Input<'_>, o: &mut Vec<Where>) {
    let document = i.invoice.currency_code.as_deref();
    third_party_payments(i, o, |p| {
        document.is_none() || p.amount.is_none() || p.amount_currency.as_deref() != document
    });
}
/// CII: a warning on every line of a document with a `ram:ParentLineID` anywhere.
pub fn br_dex_15(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.is_extension() && i.facts.recorded_for("BR-DEX-15").next().is_some() {
        o.extend(i.lines().map(|(n, _)| Where::Line(n)));
    }
}

pub fn br_tmp_2(i: &Input<'_>, o: &mut Vec<Where>) {
    o.extend(i.facts.recorded_for("BR-TMP-2"));
}
pub fn br_tmp_3(i: &Input<'_>, o: &mut Vec<Where>) {
    o.extend(i.facts.recorded_for("BR-TMP-3"));
}
