//! Synthetic XRechnung 3.0 invoices (UBL) of any size, valid under the official rules: for
//! the demo data set, the benchmarks (a 1,000- or 100,000-line invoice) and tests. All parties
//! are fictitious.

use std::fmt::Write as _;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Sample<'a> {
    /// BT-1 Invoice number.
    pub number: &'a str,
    /// BT-2 Issue date, `YYYY-MM-DD`.
    pub issue_date: &'a str,
    /// BT-10 Buyer reference (the Leitweg-ID of the receiving authority).
    pub leitweg_id: &'a str,
    /// BT-44 Buyer name.
    pub buyer_name: &'a str,
    /// Number of invoice lines; each is 8 hours of consulting at 95.00 EUR, 19 % VAT.
    pub lines: usize,
}

/// The price of one line: 8 hours at 95.00 EUR.
const LINE_NET_CENTS: u64 = 76_000;

/// A valid XRechnung 3.0 UBL invoice. Every amount is exact: each line is 760.00 EUR net and
/// 19 % of any multiple of 760.00 has no fraction of a cent.
#[must_use]
pub fn ubl_invoice(sample: &Sample<'_>) -> String {
    let lines = sample.lines.max(1) as u64;
    let net = LINE_NET_CENTS * lines;
    let vat = net * 19 / 100;
    let gross = net + vat;
    let eur = |cents: u64| format!("{}.{:02}", cents / 100, cents % 100);
    let mut xml = String::with_capacity(3_000 + 1_300 * sample.lines);
    let _ = write!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{date}</cbc:IssueDate>
  <cbc:DueDate>{date}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:Note>Beratungsleistungen nach Rahmenvertrag RV-2026-17.</cbc:Note>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>{leitweg}</cbc:BuyerReference>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="EM">rechnung@beispiel-beratung.example</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Beispiel Beratung</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>Musterweg 12</cbc:StreetName>
        <cbc:CityName>Chemnitz</cbc:CityName>
        <cbc:PostalZone>09111</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>DE999999999</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Beispiel Beratung GmbH</cbc:RegistrationName>
        <cbc:CompanyID>HRB 99999</cbc:CompanyID>
      </cac:PartyLegalEntity>
      <cac:Contact>
        <cbc:Name>Erika Beispiel</cbc:Name>
        <cbc:Telephone>+49 371 000000</cbc:Telephone>
        <cbc:ElectronicMail>erika@beispiel-beratung.example</cbc:ElectronicMail>
      </cac:Contact>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="EM">rechnungseingang@behoerde.example</cbc:EndpointID>
      <cac:PostalAddress>
        <cbc:StreetName>Amtsplatz 1</cbc:StreetName>
        <cbc:CityName>Erfurt</cbc:CityName>
        <cbc:PostalZone>99084</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>{buyer}</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>DE02120300000000202051</cbc:ID><cbc:Name>Beispiel Beratung GmbH</cbc:Name></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>Zahlbar innerhalb von 30 Tagen ohne Abzug.</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">{vat}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">{net}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">{vat}</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">{net}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">{net}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">{gross}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">{gross}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
"#,
        number = escape(sample.number),
        date = escape(sample.issue_date),
        leitweg = escape(sample.leitweg_id),
        buyer = escape(sample.buyer_name),
        vat = eur(vat),
        net = eur(net),
        gross = eur(gross),
    );
    for i in 1..=lines {
        line(&mut xml, i);
    }
    xml.push_str("</ubl:Invoice>\n");
    xml
}

/// One invoice line: 8 hours at 95.00 EUR.
fn line(xml: &mut String, i: u64) {
    let _ = write!(
        xml,
        r#"  <cac:InvoiceLine>
    <cbc:ID>{i}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="HUR">8</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">760.00</cbc:LineExtensionAmount>
    <cac:OrderLineReference><cbc:LineID>{i}</cbc:LineID></cac:OrderLineReference>
    <cac:Item>
      <cbc:Description>Beratung nach Rahmenvertrag, Leistungstag {i}</cbc:Description>
      <cbc:Name>Beratungstag</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>BT-{i}</cbc:ID></cac:SellersItemIdentification>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">95.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
"#
    );
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, Verdict, validate};

    fn sample(lines: usize) -> String {
        ubl_invoice(&Sample {
            number: "RE-2026-0001",
            issue_date: "2026-11-20",
            leitweg_id: "16-LHK001-89",
            buyer_name: "Landeshauptkasse <Thüringen>",
            lines,
        })
    }

    #[test]
    fn samples_are_valid_at_every_size() {
        for lines in [1, 3, 250] {
            let report = validate(sample(lines).as_bytes(), &Limits::default());
            assert_eq!(
                report.verdict,
                Verdict::Accept,
                "{lines}: {:?}",
                report.findings
            );
        }
    }
}
