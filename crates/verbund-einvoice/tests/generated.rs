//! Large generated invoices parse completely. (Speed and memory are measured by the
//! benchmarks in BENCHMARKS.md, never by timed tests.)

use std::fmt::Write as _;

use verbund_einvoice::{Limits, invoice_parse};

/// A UBL invoice with `lines` realistic lines (about 1.2 KB each).
fn generated_invoice(lines: usize) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ID>PERF-1</cbc:ID><cbc:IssueDate>2026-01-31</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>
  <cac:AccountingSupplierParty/><cac:AccountingCustomerParty/>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">0</cbc:PayableAmount></cac:LegalMonetaryTotal>
"#,
    );
    for i in 1..=lines {
        write!(
            xml,
            r#"  <cac:InvoiceLine>
    <cbc:ID>{i}</cbc:ID>
    <cbc:Note>Leistungszeitraum Januar, Position {i}</cbc:Note>
    <cbc:InvoicedQuantity unitCode="HUR">{q}.5</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">{a}.25</cbc:LineExtensionAmount>
    <cac:OrderLineReference><cbc:LineID>{i}</cbc:LineID></cac:OrderLineReference>
    <cac:Item>
      <cbc:Description>Beratungsleistung nach Rahmenvertrag 2026, Los 3</cbc:Description>
      <cbc:Name>Beratung</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>ART-{i}</cbc:ID></cac:SellersItemIdentification>
      <cac:CommodityClassification><cbc:ItemClassificationCode listID="IB">0721-880X</cbc:ItemClassificationCode></cac:CommodityClassification>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
      <cac:AdditionalItemProperty><cbc:Name>Kostenstelle</cbc:Name><cbc:Value>KST-4711</cbc:Value></cac:AdditionalItemProperty>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">95.50</cbc:PriceAmount><cbc:BaseQuantity unitCode="HUR">1</cbc:BaseQuantity></cac:Price>
  </cac:InvoiceLine>
"#,
            q = i % 40,
            a = i * 3,
        )
        .expect("writing to a String");
    }
    xml.push_str("</Invoice>\n");
    xml
}

#[test]
fn thousand_line_invoice_parses() {
    let xml = generated_invoice(1_000);
    let parsed = invoice_parse(xml.as_bytes(), &Limits::default()).expect("parses");
    assert_eq!(parsed.invoice.lines.len(), 1_000);
    assert_eq!(parsed.invoice.lines[999].id.as_deref(), Some("1000"));
    assert_eq!(
        parsed.invoice.lines[999].net_amount,
        Some(rust_decimal::Decimal::new(300_025, 2))
    );
}
