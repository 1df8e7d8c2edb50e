//! PEPPOL-EN16931-R*: the Peppol BIS Billing rules that XRechnung 3.0 keeps (patterns
//! `peppol-ubl-pattern-*` and `peppol-cii-pattern-*` of the XRechnung schematron 2.5.0), run in
//! the XRechnung scenarios only.
//!
//! They test the syntax as written more than the business terms, so most checks read the
//! [`crate::SyntaxFacts`] the mappings record beside the model. Two quirks of the official
//! patterns are reproduced: rules of one pattern are exclusive, so an allowance or charge that
//! is the context of R041 or R042 is never tested by R040 and R043; and the comparisons are
//! those of the `.sch` (raw text here, `normalize-space` there, UBL `<= 0` where CII has
//! `< 0`).

use rust_decimal::Decimal;

use super::{Input, Where, normalize_space, root_if};
use crate::facts::{LineFacts, PriceKind, literal_boolean};
use crate::model::InvoiceLine;
use crate::scenario::Syntax;

fn cii(i: &Input<'_>) -> bool {
    i.syntax == Syntax::Cii
}

/// `$slackValue`: 0.5 for forint invoices, else 0.02.
fn slack(i: &Input<'_>) -> Decimal {
    if i.invoice.currency_code.as_deref() == Some("HUF") {
        Decimal::new(5, 1)
    } else {
        Decimal::new(2, 2)
    }
}

/// `u:slack($exp, $val, $slack)`: `$val` lies within `$slack` of `$exp`. An overflowing value
/// is no match.
fn within(expected: Decimal, value: Option<Decimal>, slack: Decimal) -> bool {
    value.is_some_and(|v| {
        expected.checked_add(slack).is_some_and(|hi| hi >= v)
            && expected.checked_sub(slack).is_some_and(|lo| lo <= v)
    })
}

fn line_facts<'a>(i: &Input<'a>, index: usize) -> &'a LineFacts {
    i.facts.line(index)
}

pub fn r001(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, i.invoice.process_control.business_process_type.is_some());
}

/// The first TaxCurrencyCode (UBL: its context; CII: `not(ram:TaxCurrencyCode) or …`).
pub fn r005(i: &Input<'_>, o: &mut Vec<Where>) {
    let Some(tax) = &i.invoice.vat_accounting_currency_code else {
        return;
    };
    let document = i.invoice.currency_code.as_deref().unwrap_or_default();
    if normalize_space(tax) == normalize_space(document) {
        o.push(Where::Root);
    }
}

pub fn r008(i: &Input<'_>, o: &mut Vec<Where>) {
    o.extend(i.facts.recorded_for("PEPPOL-EN16931-R008"));
}

pub fn r010(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.facts.buyer_party && i.invoice.buyer.electronic_address.is_none() {
        o.push(Where::Buyer);
    }
}

pub fn r020(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.facts.seller_party && i.invoice.seller.electronic_address.is_none() {
        o.push(Where::Seller);
    }
}

/// The amounts of `vat_total_amounts` whose `currencyID` equals `currency`.
fn vat_totals_in<'a>(
    i: &Input<'a>,
    currency: Option<&'a str>,
) -> impl Iterator<Item = Decimal> + use<'a> {
    i.invoice
        .vat_total_amounts
        .iter()
        .filter(move |a| currency.is_some() && a.currency.as_deref() == currency)
        .map(|a| a.value)
}

/// UBL: exactly one `cac:TaxTotal` with subtotals. CII: at most one `ram:TaxTotalAmount` in
/// the invoice currency.
pub fn r053(i: &Input<'_>, o: &mut Vec<Where>) {
    if cii(i) {
        let document = vat_totals_in(i, i.invoice.currency_code.as_deref()).count();
        root_if(o, document <= 1);
    } else {
        root_if(o, i.facts.tax_totals_with_subtotals.len() == 1);
    }
}

/// One VAT total without subtotals (UBL) or in another currency than the invoice's (CII) iff
/// a VAT accounting currency is given.
pub fn r054(i: &Input<'_>, o: &mut Vec<Where>) {
    let wanted = usize::from(i.invoice.vat_accounting_currency_code.is_some());
    let found = if cii(i) {
        let document = i.invoice.currency_code.as_deref();
        i.invoice
            .vat_total_amounts
            .iter()
            .filter(|a| {
                document.is_some() && a.currency.is_some() && a.currency.as_deref() != document
            })
            .count()
    } else {
        i.facts.tax_totals_without_subtotals
    };
    root_if(o, found == wanted);
}

/// The VAT totals in both currencies have the same sign (XPath general comparisons: some
/// amount of each currency on the same side of zero).
pub fn r055(i: &Input<'_>, o: &mut Vec<Where>) {
    let Some(tax) = i.invoice.vat_accounting_currency_code.as_deref() else {
        return;
    };
    let document = i.invoice.currency_code.as_deref().unwrap_or_default();
    let ok = if cii(i) {
        let in_tax: Vec<Decimal> = vat_totals_in(i, Some(tax)).collect();
        let in_document: Vec<Decimal> = vat_totals_in(i, Some(document)).collect();
        let both =
            |test: fn(&Decimal) -> bool| in_tax.iter().any(test) && in_document.iter().any(test);
        in_document.is_empty() || both(is_negative) || both(is_non_negative)
    } else {
        let (tax, document) = (normalize_space(tax), normalize_space(document));
        let in_tax: Vec<Decimal> = vat_totals_in(i, Some(&tax)).collect();
        let in_document: Vec<Decimal> = vat_totals_in(i, Some(&document)).collect();
        let both =
            |test: fn(&Decimal) -> bool| in_tax.iter().any(test) && in_document.iter().any(test);
        both(is_non_positive) || both(is_non_negative)
    };
    root_if(o, ok);
}

fn is_negative(d: &Decimal) -> bool {
    *d < Decimal::ZERO
}

fn is_non_negative(d: &Decimal) -> bool {
    *d >= Decimal::ZERO
}

fn is_non_positive(d: &Decimal) -> bool {
    *d <= Decimal::ZERO
}

/// One allowance or charge a rule of R040 … R043 looks at.
struct Charge {
    at: Where,
    amount: Option<Decimal>,
    base_amount: Option<Decimal>,
    percentage: Option<Decimal>,
    literal: bool,
}

/// Document and line allowances and charges (UBL: lines without sub-lines; CII: every
/// `ram:SpecifiedTradeAllowanceCharge`).
fn charges(i: &Input<'_>) -> Vec<Charge> {
    let facts = i.facts;
    let mut out = Vec::new();
    let inv = i.invoice;
    for (n, ac) in inv.allowances.iter().enumerate() {
        out.push(Charge {
            at: Where::Allowance(n),
            amount: ac.amount,
            base_amount: ac.base_amount,
            percentage: ac.percentage,
            literal: facts.indicator_literal(Where::Allowance(n)),
        });
    }
    for (n, ac) in inv.charges.iter().enumerate() {
        out.push(Charge {
            at: Where::Charge(n),
            amount: ac.amount,
            base_amount: ac.base_amount,
            percentage: ac.percentage,
            literal: facts.indicator_literal(Where::Charge(n)),
        });
    }
    for (index, position, line) in i.context_lines() {
        let kinds = [(&line.allowances, false), (&line.charges, true)];
        for (list, is_charge) in kinds {
            for (m, ac) in list.iter().enumerate() {
                let (recorded, at) = if is_charge {
                    (Where::LineCharge(index, m), Where::LineCharge(position, m))
                } else {
                    (
                        Where::LineAllowance(index, m),
                        Where::LineAllowance(position, m),
                    )
                };
                out.push(Charge {
                    at,
                    amount: ac.amount,
                    base_amount: ac.base_amount,
                    percentage: ac.percentage,
                    literal: facts.indicator_literal(recorded),
                });
            }
        }
    }
    // Only CII has them, and its line positions are the model indexes.
    for ac in &facts.unclassified_charges {
        out.push(Charge {
            at: ac.line.map_or(Where::Root, Where::Line),
            amount: ac.amount,
            base_amount: ac.base_amount,
            percentage: ac.percentage,
            literal: false,
        });
    }
    out
}

pub fn r040(i: &Input<'_>, o: &mut Vec<Where>) {
    let slack = slack(i);
    for c in charges(i) {
        let (Some(base), Some(percentage)) = (c.base_amount, c.percentage) else {
            continue;
        };
        let expected = base
            .checked_mul(percentage)
            .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED));
        let amount = c.amount.unwrap_or_default();
        if !expected.is_some_and(|e| within(amount, Some(e), slack)) {
            o.push(c.at);
        }
    }
}

pub fn r041(i: &Input<'_>, o: &mut Vec<Where>) {
    for c in charges(i) {
        if c.percentage.is_some() && c.base_amount.is_none() {
            o.push(c.at);
        }
    }
}

pub fn r042(i: &Input<'_>, o: &mut Vec<Where>) {
    for c in charges(i) {
        if c.percentage.is_none() && c.base_amount.is_some() {
            o.push(c.at);
        }
    }
}

/// UBL R043 and CII R043-1: the charge indicator is `true` or `false`, for the allowances and
/// charges that are no context of R041/R042.
pub fn r043(i: &Input<'_>, o: &mut Vec<Where>) {
    for c in charges(i) {
        if c.percentage.is_some() == c.base_amount.is_some() && !c.literal {
            o.push(c.at);
        }
    }
}

/// CII R043-2: the same for every price allowance (`ram:AppliedTradeAllowanceCharge`).
pub fn r043_2(i: &Input<'_>, o: &mut Vec<Where>) {
    for (index, position, _) in i.every_line() {
        let charges = &line_facts(i, index).price_charges;
        for c in charges {
            if !c.indicator.as_deref().is_some_and(literal_boolean) {
                o.push(Where::Line(position));
            }
        }
    }
}

/// No charge on price level. UBL: every `cac:Price/cac:AllowanceCharge` says `false`. CII:
/// the gross price has no allowance amount, or one of its indicators is `false` as written.
pub fn r044(i: &Input<'_>, o: &mut Vec<Where>) {
    for (index, position, _) in i.every_line() {
        let charges = &line_facts(i, index).price_charges;
        if cii(i) {
            let gross = || charges.iter().filter(|c| c.price == PriceKind::Gross);
            let any_amount = gross().any(|c| c.amount.is_some());
            if any_amount && !gross().any(|c| c.indicator.as_deref() == Some("false")) {
                o.push(Where::Line(position));
            }
        } else {
            for c in charges {
                let indicator = c.indicator.as_deref().map(normalize_space);
                if indicator.as_deref() != Some("false") {
                    o.push(Where::Line(position));
                }
            }
        }
    }
}

/// The net price is the gross price less the discount. UBL: per price allowance with a base
/// amount. CII: per gross price with an amount, less the first allowance amount (or 0).
pub fn r046(i: &Input<'_>, o: &mut Vec<Where>) {
    for (index, position, line) in i.every_line() {
        let net = line.price.net_price;
        if cii(i) {
            let Some(gross) = line.price.gross_price else {
                continue;
            };
            let expected = gross.checked_sub(line.price.discount.unwrap_or_default());
            if net.is_none() || net != expected {
                o.push(Where::Line(position));
            }
        } else {
            for c in &line_facts(i, index).price_charges {
                let Some(base) = c.base_amount else { continue };
                let expected = c.amount.and_then(|a| base.checked_sub(a));
                if net.is_none() || net != expected {
                    o.push(Where::Line(position));
                }
            }
        }
    }
}

/// Direct debit (codes 49, 59) names its mandate. UBL: in the same `cac:PaymentMeans`. CII:
/// in any `ram:SpecifiedTradePaymentTerms`.
pub fn r061(i: &Input<'_>, o: &mut Vec<Where>) {
    let Some(pi) = &i.invoice.payment_instructions else {
        return;
    };
    let mandate = pi
        .direct_debit
        .as_ref()
        .is_some_and(|d| d.mandate_reference.is_some());
    for (n, means) in pi.means.iter().enumerate() {
        let code = means.code.as_deref().map(normalize_space);
        if !matches!(code.as_deref(), Some("49" | "59")) {
            continue;
        }
        let named = if cii(i) {
            mandate
        } else {
            i.facts.mandate_ids.get(n).copied().unwrap_or(false)
        };
        if !named {
            o.push(Where::PaymentMeans(0));
        }
    }
}

/// Line periods lie within the invoice period (`start` for R110, else end for R111).
fn line_period_within(i: &Input<'_>, o: &mut Vec<Where>, start: bool) {
    let Some(period) = &i.invoice.invoicing_period else {
        return;
    };
    let Some(bound) = (if start { period.start } else { period.end }) else {
        return;
    };
    for (_, position, line) in i.context_lines() {
        let Some(p) = &line.period else { continue };
        let date = if start { p.start } else { p.end };
        if date.is_some_and(|d| if start { d < bound } else { d > bound }) {
            o.push(Where::LinePeriod(position));
        }
    }
}

pub fn r110(i: &Input<'_>, o: &mut Vec<Where>) {
    line_period_within(i, o, true);
}

pub fn r111(i: &Input<'_>, o: &mut Vec<Where>) {
    line_period_within(i, o, false);
}

/// XPath `round($sum * 10 * 10) div 100`: two places, halves towards positive infinity.
fn round_cents(sum: Decimal) -> Option<Decimal> {
    let cents = sum.checked_mul(Decimal::ONE_HUNDRED)?;
    let rounded = cents.checked_add(Decimal::new(5, 1))?.floor();
    rounded.checked_div(Decimal::ONE_HUNDRED)
}

/// The sum the line rule uses for its allowances or charges with a literal indicator, 0 if
/// there are none; `None` on overflow.
fn line_sum(i: &Input<'_>, index: usize, is_charge: bool, line: &InvoiceLine) -> Option<Decimal> {
    let list = if is_charge {
        &line.charges
    } else {
        &line.allowances
    };
    let mut sum = Decimal::ZERO;
    let mut any = false;
    for (m, ac) in list.iter().enumerate() {
        let at = if is_charge {
            Where::LineCharge(index, m)
        } else {
            Where::LineAllowance(index, m)
        };
        if !i.facts.indicator_literal(at) {
            continue;
        }
        any = true;
        sum = sum.checked_add(ac.amount.unwrap_or_default())?;
    }
    if any {
        round_cents(sum)
    } else {
        Some(Decimal::ZERO)
    }
}

/// The price base quantity the line rule divides by: UBL the first; CII the net price's,
/// then the gross price's; 0 counts as missing, and missing is 1.
fn base_quantity(i: &Input<'_>, index: usize, line: &InvoiceLine) -> Decimal {
    let non_zero = |q: Decimal| (!q.is_zero()).then_some(q);
    let found = if cii(i) {
        let facts = line_facts(i, index);
        let of = |kind| {
            facts
                .base_quantities
                .iter()
                .find(|q| q.price == kind)
                .and_then(|q| non_zero(q.value))
        };
        of(PriceKind::Net).or_else(|| of(PriceKind::Gross))
    } else {
        line.price
            .base_quantity
            .as_ref()
            .and_then(|q| non_zero(q.value))
    };
    found.unwrap_or(Decimal::ONE)
}

/// The line net amount is quantity × (net price / base quantity) + charges − allowances.
pub fn r120(i: &Input<'_>, o: &mut Vec<Where>) {
    let slack = slack(i);
    for (index, position, line) in i.context_lines() {
        let amount = line.net_amount.unwrap_or_default();
        let quantity = line.quantity.as_ref().map_or(Decimal::ONE, |q| q.value);
        let price = line.price.net_price.unwrap_or_default();
        let expected = (|| {
            let unit = price.checked_div(base_quantity(i, index, line))?;
            quantity
                .checked_mul(unit)?
                .checked_add(line_sum(i, index, true, line)?)?
                .checked_sub(line_sum(i, index, false, line)?)
        })();
        if !within(amount, expected, slack) {
            o.push(Where::Line(position));
        }
    }
}

/// Price base quantities are above zero. UBL: per line; CII: per price.
pub fn r121(i: &Input<'_>, o: &mut Vec<Where>) {
    if cii(i) {
        for (index, position, _) in i.every_line() {
            for q in &line_facts(i, index).base_quantities {
                if q.value <= Decimal::ZERO {
                    o.push(Where::Line(position));
                }
            }
        }
    } else {
        for (_, position, line) in i.context_lines() {
            if line
                .price
                .base_quantity
                .as_ref()
                .is_some_and(|q| q.value <= Decimal::ZERO)
            {
                o.push(Where::Line(position));
            }
        }
    }
}

/// A line document reference is the invoiced object (type code 130).
pub fn r101(i: &Input<'_>, o: &mut Vec<Where>) {
    for (index, position, _) in i.context_lines() {
        if line_facts(i, index).reference_not_object {
            o.push(Where::Line(position));
        }
    }
}

/// The price base quantity has the unit of the invoiced quantity. UBL exempts a line without
/// a quantity; CII does not.
pub fn r130(i: &Input<'_>, o: &mut Vec<Where>) {
    for (index, position, line) in i.every_line() {
        if !cii(i) && line.quantity.is_none() {
            continue;
        }
        let unit = line.quantity.as_ref().and_then(|q| q.unit_code.as_deref());
        for q in &line_facts(i, index).base_quantities {
            if q.unit_code.is_some() && q.unit_code.as_deref() != unit {
                o.push(Where::Line(position));
            }
        }
    }
}
