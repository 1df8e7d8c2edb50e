//! The HTML view: every business term of the model has a German label, every suite invoice
//! renders with what it says, and values are escaped.

mod shared_data;

use std::collections::BTreeSet;

use verbund_einvoice::{Classification, Limits, classify, render, validate_classified};

const RENDERER: &str = include_str!("../src/render/sections.rs");
const MODEL: [&str; 4] = [
    include_str!("../src/model.rs"),
    include_str!("../src/model/line.rs"),
    include_str!("../src/model/party.rs"),
    include_str!("../src/model/settlement.rs"),
];

/// Every `BT-n` / `BT-DEX-nnn` id in a text (sub-ids like BT-29-1 count as their term).
fn terms(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("BT-") {
        let rest = &text[i + 3..];
        let id: String = if let Some(dex) = rest.strip_prefix("DEX-") {
            format!(
                "BT-DEX-{}",
                dex.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            )
        } else {
            format!(
                "BT-{}",
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            )
        };
        if !id.ends_with('-') {
            found.insert(id);
        }
    }
    found
}

#[test]
fn every_term_of_the_model_has_a_label() {
    let model: BTreeSet<String> = MODEL.iter().flat_map(|m| terms(m)).collect();
    let rendered = terms(RENDERER);
    let missing: Vec<&String> = model.difference(&rendered).collect();
    assert!(missing.is_empty(), "terms without a label: {missing:?}");
    assert!(
        model.len() > 140,
        "found only {} terms in the model",
        model.len()
    );
}

#[test]
fn every_suite_invoice_renders_what_it_says() {
    let Some(shared) = shared_data::shared_dir("every_suite_invoice_renders_what_it_says") else {
        return;
    };
    let files = shared_data::xml_files(&shared.join("testdata/xrechnung-testsuite"));
    assert_eq!(files.len(), 86);
    let mut shown = BTreeSet::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let classification = classify(&bytes, &Limits::default());
        let report = validate_classified(&classification);
        let Classification::Invoice(parsed) = &classification else {
            panic!("{}: not an invoice", file.display());
        };
        let html = render::invoice_html("rechnung.xml", Some(parsed), &report);
        let name = file.display();
        assert!(
            html.contains("Gültig: die Rechnung wird angenommen"),
            "{name}"
        );
        let inv = &parsed.invoice;
        let number = inv.number.as_deref().unwrap();
        assert!(
            html.contains(&format!("<title>Rechnung {}", escape(number))),
            "{name}"
        );
        for text in [&inv.seller.name, &inv.buyer.name].into_iter().flatten() {
            assert!(html.contains(&escape(text)), "{name}: {text} not shown");
        }
        let headings =
            html.matches("<h3>Position ").count() + html.matches("<h3>Unterposition ").count();
        assert_eq!(headings, inv.lines.len(), "{name}: one block per line");
        shown.extend(terms(&html));
    }
    // The comprehensive test cases fill every term, so each label shows up somewhere.
    let labelled = terms(RENDERER);
    let missing: Vec<&String> = labelled.difference(&shown).collect();
    assert!(missing.is_empty(), "terms never rendered: {missing:?}");
}

/// askama's HTML escaping of the characters that occur in the suite's texts.
fn escape(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn a_document_that_is_not_an_invoice_shows_only_the_findings() {
    let classification = classify(b"<html/>", &Limits::default());
    let report = validate_classified(&classification);
    let html = render::invoice_html("<b>datei</b>.xml", None, &report);
    assert!(html.contains("Ungültig: die Rechnung wird abgelehnt"));
    assert!(html.contains("VB-EINV-NOT-INVOICE"));
    assert!(!html.contains("<h2 id=\"verkaeufer\""));
    assert!(!html.contains("<b>datei</b>"), "the file name is escaped");
}
