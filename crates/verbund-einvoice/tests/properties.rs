//! Property tests: no input makes the parser panic, and a successful parse is deterministic.

use proptest::prelude::*;
use verbund_einvoice::{Classification, Limits, classify};

const SEED_INVOICE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
    <ram:ID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</ram:ID>
  </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>1</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240229</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct/>
      <ram:SpecifiedLineTradeAgreement/>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="H87">1.5</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>1.78</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement/>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:DuePayableAmount>1.78</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"#;

fn small_limits() -> Limits {
    Limits {
        depth_max: 16,
        element_count_max: 2_000,
        ..Limits::default()
    }
}

#[test]
fn seed_invoice_parses() {
    let classified = classify(SEED_INVOICE.as_bytes(), &Limits::default());
    assert!(
        matches!(classified, Classification::Invoice(_)),
        "{classified:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2_048)) {
        let _ = classify(&bytes, &small_limits());
    }

    #[test]
    fn xml_like_text_never_panics(text in "[<>/=\"'&;#xa-c:!?\\[\\]\\- \n]{0,300}") {
        let _ = classify(text.as_bytes(), &small_limits());
    }

    #[test]
    fn mutated_invoices_never_panic_and_parse_deterministically(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = SEED_INVOICE.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            if byte % 3 == 0 { bytes.remove(i); } else { bytes[i] = byte; }
        }
        let first = classify(&bytes, &small_limits());
        prop_assert_eq!(first, classify(&bytes, &small_limits()));
    }
}
