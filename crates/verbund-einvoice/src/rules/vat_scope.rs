//! The VAT category rules about where a category may be used: -01 (a category used on a line,
//! allowance or charge needs its VAT breakdown), -02/-03/-04 (which VAT identifiers the
//! parties must or must not have), BR-IC-11/-12 (intra-community supply needs delivery facts)
//! and BR-O-11 … -14 ("not subject to VAT" excludes every other category).
//!
//! The syntaxes test -01 differently (UBL counts the breakdowns of the category, CII counts
//! lines and breakdowns together), so [`presence`] follows each exactly. Most selections take
//! categories of VAT only ([`of_vat`]); where an assert selects every category, the code says
//! so.

use super::core::of_vat;
use super::{Input, Where};
use crate::model::{AllowanceCharge, InvoiceLine, VatBreakdown};
use crate::scenario::Syntax;

fn is(i: &Input<'_>, code: Option<&String>, category: &str) -> bool {
    code.is_some_and(|c| {
        if i.syntax == Syntax::Cii {
            c == category
        } else {
            c.trim_matches([' ', '\t', '\r', '\n']) == category
        }
    })
}

/// A line whose category is `category`, of VAT if `vat`.
fn line_is(i: &Input<'_>, line: &InvoiceLine, category: &str, vat: bool) -> bool {
    is(i, line.item.vat_category_code.as_ref(), category)
        && (!vat || of_vat(i, line.item.tax_scheme.as_ref(), false))
}

/// A document allowance or charge whose category is `category`, of VAT if `vat`.
fn ac_is(i: &Input<'_>, ac: &AllowanceCharge, category: &str, vat: bool) -> bool {
    is(i, ac.vat_category_code.as_ref(), category)
        && (!vat || of_vat(i, ac.tax_scheme.as_ref(), false))
}

/// A VAT breakdown whose category is `category`, of VAT if `vat`.
fn breakdown_is(i: &Input<'_>, v: &VatBreakdown, category: &str, vat: bool) -> bool {
    is(i, v.category_code.as_ref(), category) && (!vat || of_vat(i, v.tax_scheme.as_ref(), false))
}

/// How often `category` is used on lines (sub-lines included), document allowances and
/// charges together, and in the VAT breakdown; of VAT only if `vat`.
fn counts(i: &Input<'_>, category: &str, vat: bool) -> (usize, usize, usize) {
    let inv = i.invoice;
    let lines = inv
        .lines
        .iter()
        .filter(|l| line_is(i, l, category, vat))
        .count();
    let ac = inv
        .allowances
        .iter()
        .chain(&inv.charges)
        .filter(|a| ac_is(i, a, category, vat))
        .count();
    let breakdown = inv
        .vat_breakdown
        .iter()
        .filter(|v| breakdown_is(i, v, category, vat))
        .count();
    (lines, ac, breakdown)
}

/// -01 for `category`. CII selects every category; UBL those of VAT, except for S (every
/// category) and the breakdowns of L and M in the assert's first branch (`cbc:ID = 'L'`, as
/// written; of any tax for L).
fn presence(i: &Input<'_>, o: &mut Vec<Where>, category: &str) {
    let cii = i.syntax == Syntax::Cii;
    let (lines, ac, breakdown) = counts(i, category, !cii && category != "S");
    let written = |vat: bool| {
        i.invoice
            .vat_breakdown
            .iter()
            .filter(|v| {
                v.category_code.as_deref() == Some(category)
                    && (!vat || of_vat(i, v.tax_scheme.as_ref(), false))
            })
            .count()
    };
    let ok = match (i.syntax, category) {
        (Syntax::Cii, "S" | "L" | "M") => {
            (lines + breakdown >= 2 || lines == 0) && (ac + breakdown >= 2 || ac == 0)
        }
        (Syntax::Cii, "O") => breakdown == 0 || (breakdown == 1 && lines + ac > 0),
        (Syntax::Cii, _) => {
            (breakdown == 0 && lines == 0 && ac == 0) || (breakdown == 1 && lines + ac > 0)
        }
        (_, "S") => (lines + ac > 0) == (breakdown > 0),
        (_, "L" | "M") if lines + ac > 0 => written(category == "M") > 0,
        (_, "L" | "M") => breakdown == 0,
        // UBL: `//cac:TaxCategory` includes the breakdown's own category.
        _ => lines + ac + breakdown == 0 || breakdown == 1,
    };
    if !ok {
        o.push(Where::Root);
    }
}

/// Which party VAT identifiers a category requires (-02 … -04).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RequiredIds {
    /// Seller VAT id (BT-31), tax registration id (BT-32) or tax representative VAT id (BT-63).
    SellerTax,
    /// As [`RequiredIds::SellerTax`], and buyer VAT id (BT-48) or legal registration id (BT-47).
    SellerAndBuyer,
    /// Seller VAT id or tax representative VAT id.
    SellerVat,
    /// Seller VAT id or tax representative VAT id, and buyer VAT id.
    SellerAndBuyerVat,
    /// None of seller, tax representative or buyer VAT id.
    NoVat,
}

fn parties_ok(i: &Input<'_>, parties: RequiredIds) -> bool {
    let inv = i.invoice;
    let seller_vat = inv.seller.vat_id.is_some()
        || inv
            .tax_representative
            .as_ref()
            .is_some_and(|t| t.vat_id.is_some());
    let seller_tax = seller_vat || inv.seller.tax_registration_id.is_some();
    let buyer_vat = inv.buyer.vat_id.is_some();
    match parties {
        RequiredIds::SellerTax => seller_tax,
        RequiredIds::SellerAndBuyer => {
            seller_tax && (buyer_vat || inv.buyer.legal_registration_id.is_some())
        }
        RequiredIds::SellerVat => seller_vat,
        RequiredIds::SellerAndBuyerVat => seller_vat && buyer_vat,
        RequiredIds::NoVat => !seller_vat && !buyer_vat,
    }
}

/// Where `category` is used by lines (`which` 2), allowances (3) or charges (4); of VAT only
/// if `vat`.
fn used(i: &Input<'_>, category: &str, which: u8, vat: bool) -> Vec<Where> {
    let inv = i.invoice;
    match which {
        2 => inv
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| line_is(i, l, category, vat))
            .map(|(n, _)| Where::Line(n))
            .collect(),
        3 => inv
            .allowances
            .iter()
            .enumerate()
            .filter(|(_, a)| ac_is(i, a, category, vat))
            .map(|(n, _)| Where::Allowance(n))
            .collect(),
        _ => inv
            .charges
            .iter()
            .enumerate()
            .filter(|(_, a)| ac_is(i, a, category, vat))
            .map(|(n, _)| Where::Charge(n))
            .collect(),
    }
}

/// -02 (lines), -03 (allowances), -04 (charges): one finding where the category (of VAT) is
/// used, if the parties lack the identifiers it requires.
fn parties(i: &Input<'_>, o: &mut Vec<Where>, category: &str, parties: RequiredIds, which: u8) {
    let ok = parties_ok(i, parties);
    let uses_of_vat = used(i, category, which, true);
    if i.syntax == Syntax::Cii {
        // Once per context element, which selects categories of VAT.
        if !ok {
            o.extend(uses_of_vat);
        }
        return;
    }
    // UBL, once at the root: `(exists(of VAT) and ids) or not(exists(…))`, where the last
    // selection of BR-S-02 takes a line category of any tax.
    let any_tax = which == 2 && category == "S";
    let in_scope = if any_tax {
        !used(i, category, which, false).is_empty()
    } else {
        !uses_of_vat.is_empty()
    };
    if in_scope && (!ok || uses_of_vat.is_empty()) {
        o.push(Where::Root);
    }
}

macro_rules! scope_family {
    ($code:literal, $parties:ident, $r01:ident, $r02:ident, $r03:ident, $r04:ident) => {
        pub fn $r01(i: &Input<'_>, o: &mut Vec<Where>) {
            presence(i, o, $code);
        }
        pub fn $r02(i: &Input<'_>, o: &mut Vec<Where>) {
            parties(i, o, $code, RequiredIds::$parties, 2);
        }
        pub fn $r03(i: &Input<'_>, o: &mut Vec<Where>) {
            parties(i, o, $code, RequiredIds::$parties, 3);
        }
        pub fn $r04(i: &Input<'_>, o: &mut Vec<Where>) {
            parties(i, o, $code, RequiredIds::$parties, 4);
        }
    };
}
scope_family!("S", SellerTax, br_s_01, br_s_02, br_s_03, br_s_04);
scope_family!("Z", SellerTax, br_z_01, br_z_02, br_z_03, br_z_04);
scope_family!("E", SellerTax, br_e_01, br_e_02, br_e_03, br_e_04);
scope_family!("AE", SellerAndBuyer, br_ae_01, br_ae_02, br_ae_03, br_ae_04);
scope_family!(
    "K",
    SellerAndBuyerVat,
    br_ic_01,
    br_ic_02,
    br_ic_03,
    br_ic_04
);
scope_family!("G", SellerVat, br_g_01, br_g_02, br_g_03, br_g_04);
scope_family!("L", SellerTax, br_af_01, br_af_02, br_af_03, br_af_04);
scope_family!("M", SellerTax, br_ag_01, br_ag_02, br_ag_03, br_ag_04);
scope_family!("O", NoVat, br_o_01, br_o_02, br_o_03, br_o_04);

/// A VAT breakdown of `category` of VAT exists (the context of BR-IC-11, -12, BR-O-11 … -14).
fn has_breakdown(i: &Input<'_>, category: &str) -> bool {
    i.invoice
        .vat_breakdown
        .iter()
        .any(|v| breakdown_is(i, v, category, true))
}

pub fn br_ic_11(i: &Input<'_>, o: &mut Vec<Where>) {
    let inv = i.invoice;
    let delivered = inv
        .delivery
        .as_ref()
        .is_some_and(|d| d.actual_delivery_date.is_some());
    let period = inv
        .invoicing_period
        .as_ref()
        .is_some_and(|p| p.start.is_some() || p.end.is_some());
    // UBL also accepts an invoicing period holding only BT-8 (`cac:InvoicePeriod/*`).
    let ubl_code = i.syntax != Syntax::Cii && inv.tax_point_date_code.is_some();
    if has_breakdown(i, "K") && !(delivered || period || ubl_code) {
        o.push(Where::Root);
    }
}
pub fn br_ic_12(i: &Input<'_>, o: &mut Vec<Where>) {
    let country = i
        .invoice
        .delivery
        .as_ref()
        .and_then(|d| d.address.as_ref())
        .and_then(|a| a.country_code.as_deref());
    // UBL: `string-length(...) > 1`; CII: the element exists.
    let ok = match i.syntax {
        Syntax::Cii => country.is_some(),
        _ => country.is_some_and(|c| c.chars().count() > 1),
    };
    if has_breakdown(i, "K") && !ok {
        o.push(Where::Root);
    }
}

/// BR-O-11 … -14: with an "O" breakdown, no other category anywhere. CII tests lines and
/// breakdowns together (-11 = -12) and allowances and charges together (-13 = -14), of any
/// tax; UBL the categories of VAT.
fn only_o(i: &Input<'_>, o: &mut Vec<Where>, breakdown: bool, lines: bool, ac: (bool, bool)) {
    if !has_breakdown(i, "O") {
        return;
    }
    let inv = i.invoice;
    let ubl = i.syntax != Syntax::Cii;
    // UBL `normalize-space(cbc:ID) != 'O'` holds for a category without an ID, CII
    // `ram:CategoryCode != 'O'` does not.
    let other = |code: Option<&String>, scheme: Option<&String>| {
        (code.is_some() || ubl) && !is(i, code, "O") && (!ubl || of_vat(i, scheme, false))
    };
    let found = (breakdown
        && inv
            .vat_breakdown
            .iter()
            .any(|v| other(v.category_code.as_ref(), v.tax_scheme.as_ref())))
        || (lines
            && inv.lines.iter().any(|l| {
                other(
                    l.item.vat_category_code.as_ref(),
                    l.item.tax_scheme.as_ref(),
                )
            }))
        || (ac.0
            && inv
                .allowances
                .iter()
                .any(|a| other(a.vat_category_code.as_ref(), a.tax_scheme.as_ref())))
        || (ac.1
            && inv
                .charges
                .iter()
                .any(|a| other(a.vat_category_code.as_ref(), a.tax_scheme.as_ref())));
    if found {
        o.push(Where::Root);
    }
}
pub fn br_o_11(i: &Input<'_>, o: &mut Vec<Where>) {
    let cii = i.syntax == Syntax::Cii;
    only_o(i, o, true, cii, (false, false));
}
pub fn br_o_12(i: &Input<'_>, o: &mut Vec<Where>) {
    let cii = i.syntax == Syntax::Cii;
    only_o(i, o, cii, true, (false, false));
}
pub fn br_o_13(i: &Input<'_>, o: &mut Vec<Where>) {
    let cii = i.syntax == Syntax::Cii;
    only_o(i, o, false, false, (true, cii));
}
pub fn br_o_14(i: &Input<'_>, o: &mut Vec<Where>) {
    let cii = i.syntax == Syntax::Cii;
    only_o(i, o, false, false, (cii, true));
}

/// Every VAT category code written on lines, document allowances and charges and (when
/// `breakdown`) the VAT breakdown, compared exactly as BR-B-* does.
fn any_category(i: &Input<'_>, code: &str, breakdown: bool) -> bool {
    let inv = i.invoice;
    let hit = |c: Option<&String>| c.is_some_and(|c| c == code);
    inv.lines
        .iter()
        .any(|l| hit(l.item.vat_category_code.as_ref()))
        || inv
            .allowances
            .iter()
            .chain(&inv.charges)
            .any(|a| hit(a.vat_category_code.as_ref()))
        || (breakdown
            && inv
                .vat_breakdown
                .iter()
                .any(|v| hit(v.category_code.as_ref())))
}

pub fn br_b_01(i: &Input<'_>, o: &mut Vec<Where>) {
    if !any_category(i, "B", true) {
        return;
    }
    let inv = i.invoice;
    let addresses = [
        inv.seller.address.as_ref(),
        inv.buyer.address.as_ref(),
        inv.tax_representative
            .as_ref()
            .and_then(|t| t.address.as_ref()),
        inv.delivery.as_ref().and_then(|d| d.address.as_ref()),
    ];
    let mut countries: Vec<&str> = addresses
        .into_iter()
        .flatten()
        .filter_map(|a| a.country_code.as_deref())
        .collect();
    // UBL `//cbc:IdentificationCode` also covers the item countries of origin.
    if i.syntax != Syntax::Cii {
        countries.extend(
            inv.lines
                .iter()
                .filter_map(|l| l.item.origin_country.as_deref()),
        );
    }
    if countries.iter().any(|c| *c != "IT") {
        o.push(Where::Root);
    }
}
pub fn br_b_02(i: &Input<'_>, o: &mut Vec<Where>) {
    // UBL looks for "S" at `cac:TaxSubtotal/cbc:ID`, which does not exist, so only lines,
    // allowances and charges count there; CII looks at every category code.
    if any_category(i, "B", true) && any_category(i, "S", i.syntax == Syntax::Cii) {
        o.push(Where::Root);
    }
}
