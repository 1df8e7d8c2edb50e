//! CII `ram:IncludedSupplyChainTradeLineItem` into BG-25.

use crate::facts::{BaseQuantity, LineFacts, PriceCharge, PriceKind, SyntaxFacts};
use crate::mapping::{Values, identifier};
use crate::model::{
    Identifier, InvoiceLine, Item, ItemAttribute, ItemClassification, LineAllowanceCharge, Price,
};
use crate::rules::Where;
use crate::xml::fragment::Element;

/// One line and its syntax facts; `index` is its place in the model.
pub(super) fn line(
    v: &mut Values,
    facts: &mut SyntaxFacts,
    index: usize,
    e: Element<'_, '_>,
) -> (InvoiceLine, LineFacts) {
    let mut line_facts = LineFacts::default();
    let doc = e.get("ram:AssociatedDocumentLineDocument");
    let agreement = e.get("ram:SpecifiedLineTradeAgreement");
    let settlement = e.get("ram:SpecifiedLineTradeSettlement");
    let mut line = InvoiceLine {
        id: doc.and_then(|d| d.text("ram:LineID")),
        parent_line_id: doc.and_then(|d| d.text("ram:ParentLineID")),
        note: doc.and_then(|d| d.text("ram:IncludedNote/ram:Content")),
        quantity: v.quantity(
            e.get("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
            "BT-129",
        ),
        order_line_reference: agreement
            .and_then(|a| a.text("ram:BuyerOrderReferencedDocument/ram:LineID")),
        price: agreement
            .map(|a| price(v, a, &mut line_facts))
            .unwrap_or_default(),
        item: e
            .get("ram:SpecifiedTradeProduct")
            .map(item)
            .unwrap_or_default(),
        ..InvoiceLine::default()
    };
    line_facts.incomplete_attributes = e
        .all("ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic")
        .into_iter()
        .filter(|c| c.get("ram:Description").is_none() || c.get("ram:Value").is_none())
        .count();
    if let Some(s) = settlement {
        line.net_amount = v.decimal(
            s.get("ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
            "BT-131",
        );
        line.buyer_accounting_reference =
            s.text("ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID");
        line.period = s
            .get("ram:BillingSpecifiedPeriod")
            .map(|p| super::period(v, p, "BG-26"));
        let references = s.all("ram:AdditionalReferencedDocument");
        line.object_id = references
            .iter()
            .find(|d| d.text("ram:TypeCode").as_deref() == Some("130"))
            .map(|d| Identifier {
                value: d.text("ram:IssuerAssignedID").unwrap_or_default(),
                scheme_id: d.text("ram:ReferenceTypeCode"),
            });
        line_facts.reference_not_object = !references.is_empty() && line.object_id.is_none();
        line.item.vat_category_code = s.text("ram:ApplicableTradeTax/ram:CategoryCode");
        line.item.tax_scheme = s.text("ram:ApplicableTradeTax/ram:TypeCode");
        line.item.vat_rate = v.decimal(
            s.get("ram:ApplicableTradeTax/ram:RateApplicablePercent"),
            "BT-152",
        );
        for ac in s.all("ram:SpecifiedTradeAllowanceCharge") {
            let Some((is_charge, literal)) = super::indicator(v, ac) else {
                let unclassified = super::unclassified(v, ac, Some(index));
                facts.unclassified_charges.push(unclassified);
                continue;
            };
            let mapped = LineAllowanceCharge {
                amount: v.decimal(ac.get("ram:ActualAmount"), "BT-136/BT-141"),
                base_amount: v.decimal(ac.get("ram:BasisAmount"), "BT-137/BT-142"),
                percentage: v.decimal(ac.get("ram:CalculationPercent"), "BT-138/BT-143"),
                reason: ac.text("ram:Reason"),
                reason_code: ac.text("ram:ReasonCode"),
            };
            let at = if is_charge {
                line.charges.push(mapped);
                Where::LineCharge(index, line.charges.len() - 1)
            } else {
                line.allowances.push(mapped);
                Where::LineAllowance(index, line.allowances.len() - 1)
            };
            if !literal {
                facts.indicators_not_literal.push(at);
            }
        }
    }
    (line, line_facts)
}

/// BG-29. The base quantity BT-149 may sit on the net or the gross price; net wins. The
/// Peppol rules also test every price allowance and base quantity of both prices: those go
/// into `facts`.
fn price(v: &mut Values, a: Element<'_, '_>, facts: &mut LineFacts) -> Price {
    for (path, kind) in [
        ("ram:NetPriceProductTradePrice", PriceKind::Net),
        ("ram:GrossPriceProductTradePrice", PriceKind::Gross),
    ] {
        for p in a.all(path) {
            for q in p.all("ram:BasisQuantity") {
                if let Some(q) = v.quantity(Some(q), "BT-149") {
                    facts.base_quantities.push(BaseQuantity {
                        price: kind,
                        value: q.value,
                        unit_code: q.unit_code,
                    });
                }
            }
            for ac in p.all("ram:AppliedTradeAllowanceCharge") {
                facts.price_charges.push(PriceCharge {
                    price: kind,
                    indicator: ac.text("ram:ChargeIndicator/udt:Indicator"),
                    base_amount: None,
                    amount: v.decimal(ac.get("ram:ActualAmount"), "BT-147"),
                });
            }
        }
    }
    let base = a
        .get("ram:NetPriceProductTradePrice/ram:BasisQuantity")
        .or_else(|| a.get("ram:GrossPriceProductTradePrice/ram:BasisQuantity"));
    Price {
        net_price: v.decimal(
            a.get("ram:NetPriceProductTradePrice/ram:ChargeAmount"),
            "BT-146",
        ),
        discount: v.decimal(
            a.get(
                "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount",
            ),
            "BT-147",
        ),
        gross_price: v.decimal(
            a.get("ram:GrossPriceProductTradePrice/ram:ChargeAmount"),
            "BT-148",
        ),
        base_quantity: v.quantity(base, "BT-149"),
    }
}

fn item(p: Element<'_, '_>) -> Item {
    Item {
        name: p.text("ram:Name"),
        description: p.text("ram:Description"),
        seller_id: p.text("ram:SellerAssignedID"),
        buyer_id: p.text("ram:BuyerAssignedID"),
        standard_id: identifier(p.get("ram:GlobalID")),
        classifications: p
            .all("ram:DesignatedProductClassification/ram:ClassCode")
            .into_iter()
            .map(|c| ItemClassification {
                value: c.value().to_owned(),
                scheme_id: c.attr("listID").map(str::to_owned),
                scheme_version: c.attr("listVersionID").map(str::to_owned),
            })
            .collect(),
        origin_country: p.text("ram:OriginTradeCountry/ram:ID"),
        attributes: p
            .all("ram:ApplicableProductCharacteristic")
            .into_iter()
            .map(|c| ItemAttribute {
                name: c.text("ram:Description").unwrap_or_default(),
                value: c.text("ram:Value").unwrap_or_default(),
            })
            .collect(),
        vat_category_code: None,
        vat_rate: None,
        tax_scheme: None,
    }
}
