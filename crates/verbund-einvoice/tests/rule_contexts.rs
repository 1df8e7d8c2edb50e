//! The CII context gates (`rules::CII_TOTALS_RULES`, `rules::CII_SELLER_RULES`) list exactly
//! the model rules that the CEN and XRechnung schematrons test in those contexts. That a
//! document without the context element reports none of them, as the reference, is shown by the
//! differential recipes `cii-totals-missing` and `cii-seller-party-missing`.

mod shared_data;

use std::collections::BTreeSet;

use quick_xml::Reader;
use quick_xml::events::Event;
use verbund_einvoice::rules::{CII_SELLER_RULES, CII_TOTALS_RULES};

/// The assert ids of every `<rule>` whose context is one of `contexts`.
fn ids_in_contexts(sch: &str, contexts: &[&str]) -> BTreeSet<String> {
    let mut reader = Reader::from_str(sch);
    let mut ids = BTreeSet::new();
    let mut inside = false;
    loop {
        match reader.read_event().expect("schematron is well-formed") {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| shared_data::attribute(&e, name);
                match e.local_name().into_inner() {
                    "rule" => inside = contexts.contains(&attr("context").as_str()),
                    "assert" if inside => {
                        ids.insert(attr("id"));
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.local_name().into_inner() == "rule" => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    ids
}

#[test]
fn the_cii_context_gates_equal_the_schematron_contexts() {
    let Some(shared) =
        shared_data::shared_dir("the_cii_context_gates_equal_the_schematron_contexts")
    else {
        return;
    };
    let sources = shared.join("reference/xrechnung-validation/schematron-source");
    let read = |path: &str| std::fs::read_to_string(sources.join(path)).expect("schematron");
    let cen = read("cen-1.3.15/EN16931-CII-validation-preprocessed.sch");
    let xr = read("xrechnung-2.5.0/XRechnung-CII-validation.sch");
    let strings = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<_>>();

    let totals = ids_in_contexts(
        &cen,
        &["//ram:SpecifiedTradeSettlementHeaderMonetarySummation"],
    );
    assert_eq!(totals, strings(&CII_TOTALS_RULES));

    let seller_contexts = [
        "//ram:SellerTradeParty",
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty",
    ];
    let mut seller = ids_in_contexts(&cen, &seller_contexts);
    seller.extend(ids_in_contexts(&xr, &seller_contexts));
    assert_eq!(seller, strings(&CII_SELLER_RULES));
}
