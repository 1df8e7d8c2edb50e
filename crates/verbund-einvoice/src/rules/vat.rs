//! The VAT category families BR-S/Z/E/AE/IC/G/O/AF/AG-05 … -10: per category, what the rate
//! of a line, document allowance and charge must be, what the category's taxable and tax
//! amounts must be, and whether an exemption reason is required or forbidden.
//!
//! UBL matches the category code after `normalize-space`, CII compares it exactly. The
//! contexts of -05 … -07 and -09, -10 select categories of VAT only ([`of_vat`]), as do those
//! of -08, except CII's for S and Z; the sums of -08 add up lines, allowances and charges of
//! any tax.

use rust_decimal::Decimal;

use super::core::of_vat;
use super::{Input, Where};
use crate::model::VatBreakdown;
use crate::scenario::Syntax;

/// What a category requires of a rate (BT-96, BT-103, BT-119, BT-152).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rate {
    /// `Percent > 0`.
    Positive,
    /// `Percent = 0`.
    Zero,
    /// `not(Percent)`.
    Absent,
    /// `Percent >= 0` in UBL, `> 0` in CII (IGIC, IPSI).
    NonNegative,
}

/// One VAT category of UNTDID 5305 as the EN 16931 rules treat it.
#[derive(Debug, Clone, Copy)]
struct Category {
    code: &'static str,
    rate: Rate,
    /// The category's tax amount is computed from the rate (else it must be 0).
    taxed: bool,
    /// An exemption reason (BT-120 or BT-121) is required (else forbidden).
    exempt: bool,
}

const S: Category = Category {
    code: "S",
    rate: Rate::Positive,
    taxed: true,
    exempt: false,
};
const Z: Category = Category {
    code: "Z",
    rate: Rate::Zero,
    taxed: false,
    exempt: false,
};
const E: Category = Category {
    code: "E",
    rate: Rate::Zero,
    taxed: false,
    exempt: true,
};
const AE: Category = Category {
    code: "AE",
    rate: Rate::Zero,
    taxed: false,
    exempt: true,
};
const IC: Category = Category {
    code: "K",
    rate: Rate::Zero,
    taxed: false,
    exempt: true,
};
const G: Category = Category {
    code: "G",
    rate: Rate::Zero,
    taxed: false,
    exempt: true,
};
const O: Category = Category {
    code: "O",
    rate: Rate::Absent,
    taxed: false,
    exempt: true,
};
const AF: Category = Category {
    code: "L",
    rate: Rate::NonNegative,
    taxed: true,
    exempt: false,
};
const AG: Category = Category {
    code: "M",
    rate: Rate::NonNegative,
    taxed: true,
    exempt: false,
};

fn is(i: &Input<'_>, code: Option<&String>, category: &Category) -> bool {
    code.is_some_and(|c| {
        if i.syntax == Syntax::Cii {
            c == category.code
        } else {
            c.trim_matches([' ', '\t', '\r', '\n']) == category.code
        }
    })
}

fn rate_ok(i: &Input<'_>, category: &Category, rate: Option<Decimal>) -> bool {
    match (category.rate, rate) {
        (Rate::Absent, rate) => rate.is_none(),
        (_, None) => false,
        (Rate::Positive, Some(r)) => r > Decimal::ZERO,
        (Rate::Zero, Some(r)) => r.is_zero(),
        // CII tests IGIC (L) with `> 0` but IPSI (M) with `>= 0`, as UBL does for both.
        (Rate::NonNegative, Some(r)) if i.syntax == Syntax::Cii && category.code == "L" => {
            r > Decimal::ZERO
        }
        (Rate::NonNegative, Some(r)) => r >= Decimal::ZERO,
    }
}

/// The context of a breakdown rule: a VAT breakdown of the category, of VAT (CII's contexts
/// of BR-S-08 … -10 and BR-Z-08 … -10 take any tax).
fn breakdown_in(i: &Input<'_>, v: &VatBreakdown, category: &Category) -> bool {
    is(i, v.category_code.as_ref(), category)
        && ((i.syntax == Syntax::Cii && matches!(category.code, "S" | "Z"))
            || of_vat(i, v.tax_scheme.as_ref(), false))
}

/// -05: the rate of every line of the category.
fn line_rate(i: &Input<'_>, o: &mut Vec<Where>, category: &Category) {
    for (n, line) in i.lines() {
        if is(i, line.item.vat_category_code.as_ref(), category)
            && of_vat(i, line.item.tax_scheme.as_ref(), false)
            && !rate_ok(i, category, line.item.vat_rate)
        {
            o.push(Where::Line(n));
        }
    }
}

/// -06 (allowances) and -07 (charges): the rate of every document level allowance or charge.
fn document_rate(i: &Input<'_>, o: &mut Vec<Where>, category: &Category, charge: bool) {
    let list = if charge {
        &i.invoice.charges
    } else {
        &i.invoice.allowances
    };
    for (n, ac) in list.iter().enumerate() {
        if is(i, ac.vat_category_code.as_ref(), category)
            && of_vat(i, ac.tax_scheme.as_ref(), false)
            && !rate_ok(i, category, ac.vat_rate)
        {
            o.push(if charge {
                Where::Charge(n)
            } else {
                Where::Allowance(n)
            });
        }
    }
}

/// XPath `round(x * 100) div 100` (halves towards positive infinity).
fn round2(x: Decimal) -> Decimal {
    (x * Decimal::ONE_HUNDRED + Decimal::new(5, 1)).floor() / Decimal::ONE_HUNDRED
}

/// -09: the category tax amount (BT-117): within 1 of taxable × rate, or exactly 0.
fn breakdown_tax(i: &Input<'_>, o: &mut Vec<Where>, category: &Category) {
    // CII BR-AF-09 and BR-AG-09 test `true()`.
    if i.syntax == Syntax::Cii && matches!(category.code, "L" | "M") {
        return;
    }
    for (n, v) in i.invoice.vat_breakdown.iter().enumerate() {
        if !breakdown_in(i, v, category) {
            continue;
        }
        let ok = if category.taxed {
            match (v.tax_amount, v.taxable_amount, v.rate) {
                (Some(tax), Some(base), Some(rate)) => {
                    let expected = round2(base.abs() * rate / Decimal::ONE_HUNDRED);
                    tax.abs() - Decimal::ONE < expected && tax.abs() + Decimal::ONE > expected
                }
                _ => false,
            }
        } else {
            v.tax_amount.is_some_and(|t| t.is_zero())
        };
        if !ok {
            o.push(Where::VatBreakdown(n));
        }
    }
}

/// Sums of line net amounts, document charges and document allowances of `category` (and of
/// `rate`, when given), as the -08 asserts add them up. UBL sums `cac:InvoiceLine` (no
/// sub-lines), CII every line item.
fn category_sums(
    i: &Input<'_>,
    category: &Category,
    rate: Option<Decimal>,
) -> (Decimal, Decimal, Decimal, bool) {
    let rate_ok = |r: Option<Decimal>| rate.is_none() || (r.is_some() && r == rate);
    let mut any = false;
    let mut lines = Decimal::ZERO;
    for (_, line) in i.lines() {
        if is(i, line.item.vat_category_code.as_ref(), category) && rate_ok(line.item.vat_rate) {
            any = true;
            lines += line.net_amount.unwrap_or_default();
        }
    }
    let mut sum_of = |list: &[crate::model::AllowanceCharge]| {
        let mut sum = Decimal::ZERO;
        for ac in list {
            if is(i, ac.vat_category_code.as_ref(), category) && rate_ok(ac.vat_rate) {
                any = true;
                sum += ac.amount.unwrap_or_default();
            }
        }
        sum
    };
    let charges = sum_of(&i.invoice.charges);
    let allowances = sum_of(&i.invoice.allowances);
    (lines, charges, allowances, any)
}

/// -08: the category taxable amount (BT-116) equals its lines plus charges minus allowances.
/// The syntaxes differ in tolerance and rounding; each branch follows its assert.
fn breakdown_base(i: &Input<'_>, o: &mut Vec<Where>, category: &Category) {
    let rated = category.taxed;
    for (n, v) in i.invoice.vat_breakdown.iter().enumerate() {
        if !breakdown_in(i, v, category) {
            continue;
        }
        // `every $rate in xs:decimal(Percent)` holds for an absent rate.
        if rated && v.rate.is_none() {
            continue;
        }
        let (lines, charges, allowances, used) =
            category_sums(i, category, if rated { v.rate } else { None });
        let ok = if i.syntax == Syntax::Cii {
            let expected = round2(lines) + round2(charges) - round2(allowances);
            match v.taxable_amount {
                None => false,
                Some(t) if rated || category.code == "O" => t == expected,
                Some(t) => t - Decimal::ONE < expected && t + Decimal::ONE > expected,
            }
        } else {
            let expected = lines + charges - allowances;
            let has_lines = i.lines().next().is_some();
            match v.taxable_amount {
                None => false,
                // S requires a line or allowance/charge of that rate; IGIC/IPSI any line.
                Some(t) if rated => {
                    (if category.code == "S" {
                        used
                    } else {
                        has_lines
                    }) && t - Decimal::ONE < expected
                        && t + Decimal::ONE > expected
                }
                Some(t) => has_lines && t == expected,
            }
        };
        if !ok {
            o.push(Where::VatBreakdown(n));
        }
    }
}

/// -10: an exemption reason is required (exempt categories) or forbidden (taxed ones).
fn breakdown_exemption(i: &Input<'_>, o: &mut Vec<Where>, category: &Category) {
    for (n, v) in i.invoice.vat_breakdown.iter().enumerate() {
        if !breakdown_in(i, v, category) {
            continue;
        }
        let has_reason = v.exemption_reason.is_some() || v.exemption_reason_code.is_some();
        if has_reason != category.exempt {
            o.push(Where::VatBreakdown(n));
        }
    }
}

/// The five table entries of one family.
macro_rules! vat_family {
    ($category:ident, $r05:ident, $r06:ident, $r07:ident, $r08:ident, $r09:ident, $r10:ident) => {
        pub fn $r05(i: &Input<'_>, o: &mut Vec<Where>) {
            line_rate(i, o, &$category);
        }
        pub fn $r06(i: &Input<'_>, o: &mut Vec<Where>) {
            document_rate(i, o, &$category, false);
        }
        pub fn $r07(i: &Input<'_>, o: &mut Vec<Where>) {
            document_rate(i, o, &$category, true);
        }
        pub fn $r08(i: &Input<'_>, o: &mut Vec<Where>) {
            breakdown_base(i, o, &$category);
        }
        pub fn $r09(i: &Input<'_>, o: &mut Vec<Where>) {
            breakdown_tax(i, o, &$category);
        }
        pub fn $r10(i: &Input<'_>, o: &mut Vec<Where>) {
            breakdown_exemption(i, o, &$category);
        }
    };
}
vat_family!(S, br_s_05, br_s_06, br_s_07, br_s_08, br_s_09, br_s_10);
vat_family!(Z, br_z_05, br_z_06, br_z_07, br_z_08, br_z_09, br_z_10);
vat_family!(E, br_e_05, br_e_06, br_e_07, br_e_08, br_e_09, br_e_10);
vat_family!(
    AE, br_ae_05, br_ae_06, br_ae_07, br_ae_08, br_ae_09, br_ae_10
);
vat_family!(
    IC, br_ic_05, br_ic_06, br_ic_07, br_ic_08, br_ic_09, br_ic_10
);
vat_family!(G, br_g_05, br_g_06, br_g_07, br_g_08, br_g_09, br_g_10);
vat_family!(O, br_o_05, br_o_06, br_o_07, br_o_08, br_o_09, br_o_10);
vat_family!(
    AF, br_af_05, br_af_06, br_af_07, br_af_08, br_af_09, br_af_10
);
vat_family!(
    AG, br_ag_05, br_ag_06, br_ag_07, br_ag_08, br_ag_09, br_ag_10
);
