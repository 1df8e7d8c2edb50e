//! BR-CL-*: code list membership, tested like the schematron does: the value after XPath
//! `normalize-space` must contain no blank and be one of the list's entries.

mod lists;

use super::{Input, Where};
use crate::model::PostalAddress;
use crate::scenario::Syntax;

/// `not(contains(normalize-space(.), ' ')) and contains(' A B … ', concat(' ', normalize-space(.), ' '))`.
fn listed(list: &[&str], value: &str) -> bool {
    let value = value.trim_matches([' ', '\t', '\r', '\n']);
    list.binary_search(&value).is_ok()
}

fn currencies(syntax: Syntax) -> &'static [&'static str] {
    if syntax == Syntax::Cii {
        &lists::CII_CURRENCY
    } else {
        &lists::UBL_CURRENCY
    }
}

pub fn br_cl_01(i: &Input<'_>, o: &mut Vec<Where>) {
    let list: &[&str] = match i.syntax {
        Syntax::UblInvoice => &lists::UBL_INVOICE_TYPE,
        Syntax::UblCreditNote => &lists::UBL_CREDIT_NOTE_TYPE,
        Syntax::Cii => &lists::CII_TYPE,
    };
    if i.invoice
        .type_code
        .as_deref()
        .is_some_and(|c| !listed(list, c))
    {
        o.push(Where::Root);
    }
}
pub fn br_cl_04(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.invoice
        .currency_code
        .as_deref()
        .is_some_and(|c| !listed(currencies(i.syntax), c))
    {
        o.push(Where::Root);
    }
}
pub fn br_cl_05(i: &Input<'_>, o: &mut Vec<Where>) {
    let code = i.invoice.vat_accounting_currency_code.as_deref();
    if code.is_some_and(|c| !listed(currencies(i.syntax), c)) {
        o.push(Where::Root);
    }
}
pub fn br_cl_14(i: &Input<'_>, o: &mut Vec<Where>) {
    let list: &[&str] = if i.syntax == Syntax::Cii {
        &lists::CII_COUNTRY
    } else {
        &lists::UBL_COUNTRY
    };
    let inv = i.invoice;
    let addresses: [(Option<&PostalAddress>, Where); 4] = [
        (inv.seller.address.as_ref(), Where::SellerAddress),
        (inv.buyer.address.as_ref(), Where::BuyerAddress),
        (
            inv.tax_representative
                .as_ref()
                .and_then(|t| t.address.as_ref()),
            Where::TaxRepresentativeAddress,
        ),
        (
            inv.delivery.as_ref().and_then(|d| d.address.as_ref()),
            Where::DeliveryAddress,
        ),
    ];
    for (address, at) in addresses {
        let code = address.and_then(|a| a.country_code.as_deref());
        if code.is_some_and(|c| !listed(list, c)) {
            o.push(at);
        }
    }
}
pub fn br_cl_16(i: &Input<'_>, o: &mut Vec<Where>) {
    let list: &[&str] = if i.syntax == Syntax::Cii {
        &lists::CII_PAYMENT_MEANS
    } else {
        &lists::UBL_PAYMENT_MEANS
    };
    let code = i
        .invoice
        .payment_instructions
        .as_ref()
        .and_then(|p| p.means_code.as_deref());
    if code.is_some_and(|c| !listed(list, c)) {
        o.push(Where::PaymentMeans);
    }
}

#[cfg(test)]
mod tests {
    use super::{listed, lists};

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for list in [
            &lists::UBL_CURRENCY[..],
            &lists::CII_CURRENCY,
            &lists::UBL_COUNTRY,
            &lists::CII_COUNTRY,
            &lists::UBL_INVOICE_TYPE,
            &lists::UBL_CREDIT_NOTE_TYPE,
            &lists::CII_TYPE,
            &lists::UBL_PAYMENT_MEANS,
            &lists::CII_PAYMENT_MEANS,
        ] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
        assert!(listed(&lists::UBL_CURRENCY, " EUR\n"));
        assert!(!listed(&lists::UBL_CURRENCY, "EU R"));
    }
}
