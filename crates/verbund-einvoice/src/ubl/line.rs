//! UBL `cac:InvoiceLine` / `cac:CreditNoteLine` into BG-25, sub-lines flattened.

use crate::facts::{BaseQuantity, LineFacts, PriceCharge, PriceKind, SyntaxFacts, literal_boolean};
use crate::mapping::{Values, identifier};
use crate::model::{
    InvoiceLine, Item, ItemAttribute, ItemClassification, LineAllowanceCharge, Price,
};
use crate::rules::Where;
use crate::xml::Ns;
use crate::xml::fragment::Element;

/// Appends the line and, depth first, its XRechnung Extension sub-lines
/// (`cac:SubInvoiceLine`, `cac:SubCreditNoteLine`) with their parent's BT-126.
///
/// Recursion is bounded by the reader's depth limit, which bounds the fragment's depth.
pub(super) fn flatten(
    v: &mut Values,
    facts: &mut SyntaxFacts,
    e: Element<'_, '_>,
    parent: Option<&str>,
    lines: &mut Vec<InvoiceLine>,
) {
    let index = lines.len();
    let (line, line_facts) = line(v, facts, index, e, parent);
    facts.line_set(index, line_facts);
    let id = line.id.clone();
    lines.push(line);
    for sub in e
        .children()
        .filter(|c| c.is(Ns::Cac, "SubInvoiceLine") || c.is(Ns::Cac, "SubCreditNoteLine"))
    {
        flatten(v, facts, sub, id.as_deref(), lines);
    }
}

/// One pass over the line's children: lines are the bulk of large invoices, and a lookup per
/// business term walked the children a dozen times. The first occurrence of a single-valued
/// element wins, as with [`Element::get`]. `index` is the line's place in the model, for the
/// syntax facts it records.
fn line(
    v: &mut Values,
    facts: &mut SyntaxFacts,
    index: usize,
    e: Element<'_, '_>,
    parent: Option<&str>,
) -> (InvoiceLine, LineFacts) {
    let mut line = InvoiceLine {
        parent_line_id: parent.map(str::to_owned),
        ..InvoiceLine::default()
    };
    let mut line_facts = LineFacts::default();
    let mut object_reference = false;
    let (mut price_element, mut item_element) = (None, None);
    for c in e.children() {
        match (c.ns(), c.name()) {
            (Ns::Cbc, "ID") if line.id.is_none() => line.id = Some(c.value().to_owned()),
            (Ns::Cbc, "Note") if line.note.is_none() => line.note = Some(c.value().to_owned()),
            (Ns::Cbc, "InvoicedQuantity" | "CreditedQuantity") if line.quantity.is_none() => {
                line.quantity = v.quantity(Some(c), "BT-129");
            }
            (Ns::Cbc, "LineExtensionAmount") if line.net_amount.is_none() => {
                line.net_amount = v.decimal(Some(c), "BT-131");
            }
            (Ns::Cbc, "AccountingCost") if line.buyer_accounting_reference.is_none() => {
                line.buyer_accounting_reference = Some(c.value().to_owned());
            }
            (Ns::Cac, "OrderLineReference") if line.order_line_reference.is_none() => {
                line.order_line_reference = c.text("cbc:LineID");
            }
            (Ns::Cac, "InvoicePeriod") if line.period.is_none() => {
                line.period = Some(super::period(v, c, "BG-26"));
            }
            (Ns::Cac, "DocumentReference") => {
                line_facts.reference_not_object = true;
                if c.text("cbc:DocumentTypeCode").as_deref() == Some("130") {
                    object_reference = true;
                    if line.object_id.is_none() {
                        line.object_id = identifier(c.get("cbc:ID"));
                    }
                }
            }
            (Ns::Cac, "AllowanceCharge") => {
                let (is_charge, mapped) = allowance_charge(v, c);
                let at = if is_charge {
                    line.charges.push(mapped);
                    Where::LineCharge(index, line.charges.len() - 1)
                } else {
                    line.allowances.push(mapped);
                    Where::LineAllowance(index, line.allowances.len() - 1)
                };
                if !c
                    .get("cbc:ChargeIndicator")
                    .is_some_and(|i| literal_boolean(i.value()))
                {
                    facts.indicators_not_literal.push(at);
                }
            }
            (Ns::Cac, "Price") => {
                price_element.get_or_insert(c);
            }
            (Ns::Cac, "Item") => {
                item_element.get_or_insert(c);
            }
            _ => {}
        }
    }
    line_facts.reference_not_object &= !object_reference;
    line.price = price(v, price_element);
    if let Some(p) = price_element {
        price_facts(v, p, &mut line_facts);
    }
    if let Some(i) = item_element {
        (line.item, line_facts.incomplete_attributes) = item(v, i);
    }
    (line, line_facts)
}

/// What the Peppol rules test of `cac:Price` beyond BG-29: every allowance and base quantity.
fn price_facts(v: &mut Values, p: Element<'_, '_>, facts: &mut LineFacts) {
    for c in p.children() {
        match (c.ns(), c.name()) {
            (Ns::Cac, "AllowanceCharge") => facts.price_charges.push(PriceCharge {
                price: PriceKind::Net,
                indicator: c.text("cbc:ChargeIndicator"),
                base_amount: v.decimal(c.get("cbc:BaseAmount"), "BT-148"),
                amount: v.decimal(c.get("cbc:Amount"), "BT-147"),
            }),
            (Ns::Cbc, "BaseQuantity") => {
                if let Some(q) = v.quantity(Some(c), "BT-149") {
                    facts.base_quantities.push(BaseQuantity {
                        price: PriceKind::Net,
                        value: q.value,
                        unit_code: q.unit_code,
                    });
                }
            }
            _ => {}
        }
    }
}

/// A line-level `cac:AllowanceCharge`: (is it a charge, its terms).
fn allowance_charge(v: &mut Values, ac: Element<'_, '_>) -> (bool, LineAllowanceCharge) {
    let is_charge = v
        .bool(ac.get("cbc:ChargeIndicator"), "ChargeIndicator")
        .unwrap_or(false);
    let mapped = LineAllowanceCharge {
        amount: v.decimal(ac.get("cbc:Amount"), "BT-136/BT-141"),
        base_amount: v.decimal(ac.get("cbc:BaseAmount"), "BT-137/BT-142"),
        percentage: v.decimal(ac.get("cbc:MultiplierFactorNumeric"), "BT-138/BT-143"),
        reason: ac.text("cbc:AllowanceChargeReason"),
        reason_code: ac.text("cbc:AllowanceChargeReasonCode"),
    };
    (is_charge, mapped)
}

/// BG-29: in UBL the gross price is the base amount of the price allowance, the discount its
/// amount.
fn price(v: &mut Values, p: Option<Element<'_, '_>>) -> Price {
    let Some(p) = p else { return Price::default() };
    Price {
        net_price: v.decimal(p.get("cbc:PriceAmount"), "BT-146"),
        discount: v.decimal(p.get("cac:AllowanceCharge/cbc:Amount"), "BT-147"),
        gross_price: v.decimal(p.get("cac:AllowanceCharge/cbc:BaseAmount"), "BT-148"),
        base_quantity: v.quantity(p.get("cbc:BaseQuantity"), "BT-149"),
    }
}

/// BG-31 … BG-32 in one pass over the item's children, as [`line`] does; also the number of
/// item attributes without a name or a value element (BR-54).
fn item(v: &mut Values, i: Element<'_, '_>) -> (Item, usize) {
    let mut item = Item::default();
    let mut incomplete_attributes = 0;
    // Usually one (UBL-SR-48); with several, each term comes from the first that has it, as
    // a path lookup would find it.
    let mut tax_categories = Vec::new();
    for c in i.children() {
        match (c.ns(), c.name()) {
            (Ns::Cbc, "Name") if item.name.is_none() => item.name = Some(c.value().to_owned()),
            (Ns::Cbc, "Description") if item.description.is_none() => {
                item.description = Some(c.value().to_owned());
            }
            (Ns::Cac, "SellersItemIdentification") if item.seller_id.is_none() => {
                item.seller_id = c.text("cbc:ID");
            }
            (Ns::Cac, "BuyersItemIdentification") if item.buyer_id.is_none() => {
                item.buyer_id = c.text("cbc:ID");
            }
            (Ns::Cac, "StandardItemIdentification") if item.standard_id.is_none() => {
                item.standard_id = identifier(c.get("cbc:ID"));
            }
            (Ns::Cac, "CommodityClassification") => {
                for code in c.all("cbc:ItemClassificationCode") {
                    item.classifications.push(ItemClassification {
                        value: code.value().to_owned(),
                        scheme_id: code.attr("listID").map(str::to_owned),
                        scheme_version: code.attr("listVersionID").map(str::to_owned),
                    });
                }
            }
            (Ns::Cac, "OriginCountry") if item.origin_country.is_none() => {
                item.origin_country = c.text("cbc:IdentificationCode");
            }
            (Ns::Cac, "AdditionalItemProperty") => {
                let (name, value) = (c.get("cbc:Name"), c.get("cbc:Value"));
                if name.is_none() || value.is_none() {
                    incomplete_attributes += 1;
                }
                item.attributes.push(ItemAttribute {
                    name: name.map(|n| n.value().to_owned()).unwrap_or_default(),
                    value: value.map(|n| n.value().to_owned()).unwrap_or_default(),
                });
            }
            (Ns::Cac, "ClassifiedTaxCategory") => tax_categories.push(c),
            _ => {}
        }
    }
    let first = |path: &str| tax_categories.iter().find_map(|t| t.get(path));
    item.vat_category_code = first("cbc:ID").map(|e| e.value().to_owned());
    item.vat_rate = v.decimal(first("cbc:Percent"), "BT-152");
    item.tax_scheme = first("cac:TaxScheme/cbc:ID").map(|e| e.value().to_owned());
    (item, incomplete_attributes)
}
