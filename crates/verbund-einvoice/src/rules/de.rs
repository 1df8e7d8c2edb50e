//! BR-DE-*: the XRechnung CIUS rules (German national requirements), run only in the
//! XRechnung scenarios. The regular expressions of `common.sch` are written out as code.

use super::{Input, Where, filled, normalize_space, root_if};
use crate::model::PostalAddress;
use crate::scenario::Syntax;

pub fn br_de_1(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, i.invoice.payment_instructions.is_some());
}
pub fn br_de_2(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.invoice.seller.contact.is_none() {
        o.push(Where::Seller);
    }
}

fn address_has(address: Option<&PostalAddress>, at: Where, o: &mut Vec<Where>, city: bool) {
    if let Some(a) = address {
        let value = if city { &a.city } else { &a.post_code };
        if !filled(value.as_ref()) {
            o.push(at);
        }
    }
}
pub fn br_de_3(i: &Input<'_>, o: &mut Vec<Where>) {
    address_has(
        i.invoice.seller.address.as_ref(),
        Where::SellerAddress,
        o,
        true,
    );
}
pub fn br_de_4(i: &Input<'_>, o: &mut Vec<Where>) {
    address_has(
        i.invoice.seller.address.as_ref(),
        Where::SellerAddress,
        o,
        false,
    );
}
pub fn br_de_8(i: &Input<'_>, o: &mut Vec<Where>) {
    address_has(
        i.invoice.buyer.address.as_ref(),
        Where::BuyerAddress,
        o,
        true,
    );
}
pub fn br_de_9(i: &Input<'_>, o: &mut Vec<Where>) {
    address_has(
        i.invoice.buyer.address.as_ref(),
        Where::BuyerAddress,
        o,
        false,
    );
}
pub fn br_de_10(i: &Input<'_>, o: &mut Vec<Where>) {
    let address = i.invoice.delivery.as_ref().and_then(|d| d.address.as_ref());
    address_has(address, Where::DeliveryAddress, o, true);
}
pub fn br_de_11(i: &Input<'_>, o: &mut Vec<Where>) {
    let address = i.invoice.delivery.as_ref().and_then(|d| d.address.as_ref());
    address_has(address, Where::DeliveryAddress, o, false);
}

/// Runs `test` on the seller contact if there is one.
fn contact(i: &Input<'_>, o: &mut Vec<Where>, test: impl Fn(&crate::model::Contact) -> bool) {
    if i.invoice.seller.contact.as_ref().is_some_and(|c| !test(c)) {
        o.push(Where::SellerContact);
    }
}
pub fn br_de_5(i: &Input<'_>, o: &mut Vec<Where>) {
    contact(i, o, |c| filled(c.name.as_ref()));
}
pub fn br_de_6(i: &Input<'_>, o: &mut Vec<Where>) {
    contact(i, o, |c| filled(c.telephone.as_ref()));
}
pub fn br_de_7(i: &Input<'_>, o: &mut Vec<Where>) {
    contact(i, o, |c| filled(c.email.as_ref()));
}
pub fn br_de_27(i: &Input<'_>, o: &mut Vec<Where>) {
    // `.*([0-9].*){3,}.*`: at least three ASCII digits.
    contact(i, o, |c| {
        c.telephone
            .as_deref()
            .is_some_and(|t| t.chars().filter(char::is_ascii_digit).count() >= 3)
    });
}
pub fn br_de_28(i: &Input<'_>, o: &mut Vec<Where>) {
    contact(i, o, |c| {
        c.email
            .as_deref()
            .is_some_and(|e| email_like(&normalize_space(e)))
    });
}

/// `^[^@\s]+@([^@.\s]+\.)+[^@.\s]+$`.
fn email_like(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let plain = |s: &str| !s.is_empty() && !s.contains(['@', ' ', '\t', '\r', '\n']);
    let labels: Vec<&str> = domain.split('.').collect();
    plain(local) && labels.len() >= 2 && labels.iter().all(|l| plain(l))
}

pub fn br_de_14(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, v) in i.invoice.vat_breakdown.iter().enumerate() {
        if v.rate.is_none() {
            o.push(Where::VatBreakdown(n));
        }
    }
}
pub fn br_de_15(i: &Input<'_>, o: &mut Vec<Where>) {
    root_if(o, filled(i.invoice.buyer_reference.as_ref()));
}
pub fn br_de_17(i: &Input<'_>, o: &mut Vec<Where>) {
    const SUPPORTED: [&str; 8] = ["326", "380", "384", "389", "381", "875", "876", "877"];
    let code = i.invoice.type_code.as_deref().map(normalize_space);
    root_if(o, code.is_some_and(|c| SUPPORTED.contains(&c.as_str())));
}
pub fn br_de_21(i: &Input<'_>, o: &mut Vec<Where>) {
    const IDS: [&str; 3] = [
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9",
    ];
    let id = i.invoice.process_control.specification_id.as_deref();
    root_if(o, id.is_some_and(|id| IDS.contains(&id)));
}
pub fn br_de_22(i: &Input<'_>, o: &mut Vec<Where>) {
    let names: Vec<&str> = i
        .invoice
        .attachments
        .iter()
        .filter_map(|a| a.content.as_ref()?.filename.as_deref())
        .collect();
    let unique = names
        .iter()
        .enumerate()
        .all(|(n, name)| !names[..n].contains(name));
    root_if(o, unique);
}
pub fn br_de_26(i: &Input<'_>, o: &mut Vec<Where>) {
    let corrected = i
        .invoice
        .type_code
        .as_deref()
        .map(normalize_space)
        .as_deref()
        == Some("384");
    root_if(o, !corrected || !i.invoice.preceding_invoices.is_empty());
}

/// BR-DE-16: a taxable or zero/exempt category needs BT-31, BT-32 or BG-11.
pub fn br_de_16(i: &Input<'_>, o: &mut Vec<Where>) {
    const CODES: [&str; 8] = ["S", "Z", "E", "AE", "K", "G", "L", "M"];
    let listed = |c: Option<&String>| c.is_some_and(|c| CODES.contains(&c.as_str()));
    let inv = i.invoice;
    let mut on_lines = i
        .lines()
        .any(|(_, l)| listed(l.item.vat_category_code.as_ref()));
    // CII: `…/ram:ApplicableTradeTax/ram:TypeCode = 'VAT' and …/ram:CategoryCode = (…)` over
    // all lines, each half on its own, the type code as written.
    if i.syntax == Syntax::Cii {
        on_lines &= i
            .lines()
            .any(|(_, l)| l.item.tax_scheme.as_deref() == Some("VAT"));
    }
    // CII compares the string value of the whole `ram:CategoryTradeTax` with 'VAT', which a
    // category with children never equals, so only UBL counts allowances and charges.
    let on_ac = i.syntax != Syntax::Cii
        && inv
            .allowances
            .iter()
            .chain(&inv.charges)
            .any(|a| listed(a.vat_category_code.as_ref()));
    let identified = inv.tax_representative.is_some()
        || filled(inv.seller.vat_id.as_ref())
        || filled(inv.seller.tax_registration_id.as_ref());
    root_if(o, !(on_lines || on_ac) || identified);
}

/// BR-DE-TMP-32 (information): some delivery or service date is given: BT-72, BG-14, or a
/// period on every line (UBL top-level lines, CII every line item).
pub fn br_de_tmp_32(i: &Input<'_>, o: &mut Vec<Where>) {
    let inv = i.invoice;
    let delivered = inv
        .delivery
        .as_ref()
        .is_some_and(|d| d.actual_delivery_date.is_some());
    let every_line = i.lines().all(|(_, l)| l.period.is_some());
    root_if(o, delivered || inv.invoicing_period.is_some() || every_line);
}

#[cfg(test)]
mod tests {
    use super::email_like;

    #[test]
    fn email_shape_follows_the_xrechnung_regex() {
        assert!(email_like("a@b.de"));
        assert!(email_like("x.y@mail.example.org"));
        assert!(!email_like("a@b"));
        assert!(!email_like("a@@b.de"));
        assert!(!email_like("a@b..de"));
        assert!(!email_like("@b.de"));
        assert!(!email_like("a b@c.de"));
    }
}
