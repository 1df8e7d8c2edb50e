//! The official XRechnung 3.0.2 test suite: every instance must parse and select the right
//! XRechnung scenario.

mod shared_data;

use verbund_einvoice::{Limits, Profile, Syntax, invoice_parse};

#[test]
fn every_testsuite_invoice_parses_into_an_xrechnung_scenario() {
    let Some(shared) = shared_data::shared_dir("every_testsuite_invoice_parses") else {
        return;
    };
    let files = shared_data::xml_files(&shared.join("testdata/xrechnung-testsuite"));
    assert_eq!(files.len(), 86, "the suite has 86 instances");
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(file).expect("test suite file is readable");
        let expected_syntax = if name.contains("_ubl") {
            Syntax::UblInvoice
        } else {
            Syntax::Cii
        };
        let expected_profile = if file.to_string_lossy().contains("/extension/") {
            Profile::XRechnungExtension
        } else if name.contains("cvd") {
            Profile::XRechnungCvd
        } else {
            Profile::XRechnung
        };
        match invoice_parse(&bytes, &Limits::default()) {
            Ok(parsed) => {
                let got = (
                    parsed.syntax,
                    parsed.scenario.syntax,
                    parsed.scenario.profile,
                );
                if got != (expected_syntax, expected_syntax, expected_profile)
                    || !parsed.scenario.is_xrechnung()
                {
                    failures.push(format!("{name}: got {got:?}"));
                }
                if parsed.invoice.lines.is_empty() || parsed.invoice.number.is_none() {
                    failures.push(format!("{name}: no lines or no BT-1"));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

fn parse_suite_file(shared: &std::path::Path, relative: &str) -> verbund_einvoice::ParsedInvoice {
    let path = shared.join("testdata/xrechnung-testsuite").join(relative);
    let bytes = std::fs::read(&path).expect("test suite file is readable");
    invoice_parse(&bytes, &Limits::default()).expect("suite file parses")
}

fn dec(text: &str) -> Option<rust_decimal::Decimal> {
    text.parse().ok()
}

#[test]
fn comprehensive_ubl_and_cii_agree_on_their_business_terms() {
    let Some(shared) = shared_data::shared_dir("comprehensive_ubl_and_cii_agree") else {
        return;
    };
    let ubl = parse_suite_file(
        &shared,
        "technical-cases/cius/01.01_comprehensive_test_ubl.xml",
    )
    .invoice;
    let cii = parse_suite_file(
        &shared,
        "technical-cases/cius/01.01_comprehensive_test_uncefact.xml",
    )
    .invoice;
    // The CII file carries one preceding invoice, the UBL file two.
    for (inv, preceding) in [(&ubl, 2), (&cii, 1)] {
        assert_eq!(inv.number.as_deref(), Some("1234567"));
        assert_eq!(
            inv.issue_date.map(|d| d.to_string()).as_deref(),
            Some("2018-04-13")
        );
        assert_eq!(inv.type_code.as_deref(), Some("380"));
        assert_eq!(inv.currency_code.as_deref(), Some("EUR"));
        assert_eq!(inv.vat_accounting_currency_code.as_deref(), Some("GBP"));
        assert_eq!(inv.buyer_reference.as_deref(), Some("90000000-03083-72"));
        assert_eq!(inv.totals.line_net_sum, dec("10781.25"));
        assert_eq!(inv.totals.vat_total, dec("2048.44"));
        assert_eq!(inv.totals.vat_total_accounting_currency, dec("2048.44"));
        assert_eq!(inv.totals.total_with_vat, dec("12829.69"));
        assert_eq!(inv.totals.amount_due, dec("12829.69"));
        assert_eq!((inv.allowances.len(), inv.charges.len()), (2, 2));
        assert_eq!(inv.vat_breakdown.len(), 2);
        assert_eq!(
            inv.vat_breakdown[1].exemption_reason_code.as_deref(),
            Some("VATEX-EU-132-1A")
        );
        assert_eq!(inv.preceding_invoices.len(), preceding);
        assert_eq!(inv.notes[0].subject_code.as_deref(), Some("AAC"));
        assert_eq!(inv.notes[0].text, "Invoice Note Description");
        assert_eq!(inv.seller.vat_id.as_deref(), Some("ATU123456789"));
        assert_eq!(
            inv.seller.tax_registration_id.as_deref(),
            Some("123/456/789")
        );
        assert_eq!(
            inv.seller
                .electronic_address
                .as_ref()
                .and_then(|a| a.scheme_id.as_deref()),
            Some("EM")
        );
        let pi = inv.payment_instructions.as_ref().expect("BG-16");
        assert_eq!(pi.means_code.as_deref(), Some("58"));
        assert_eq!(pi.credit_transfers.len(), 2);
        assert_eq!(
            pi.credit_transfers[1].account_id.as_deref(),
            Some("DE16000000002345678901")
        );
        assert_eq!(inv.lines.len(), 2);
        let line = &inv.lines[0];
        assert_eq!(
            line.quantity
                .as_ref()
                .map(|q| (q.value, q.unit_code.as_deref())),
            Some((30.into(), Some("XPP")))
        );
        assert_eq!(line.net_amount, dec("4743.75"));
        assert_eq!(line.price.net_price, dec("158.125"));
        assert_eq!(line.price.gross_price, dec("168.125"));
        assert_eq!(line.item.vat_category_code.as_deref(), Some("S"));
        assert_eq!(line.item.vat_rate, dec("19"));
        assert_eq!(line.item.classifications.len(), 2);
        assert_eq!(line.item.attributes.len(), 2);
        assert_eq!(line.charges.len(), 2);
        // Two embedded PDFs of 150,128 bytes each (measured by decoding the base64).
        let sizes: Vec<_> = inv
            .attachments
            .iter()
            .filter_map(|a| a.content.as_ref())
            .map(|c| c.decoded_len_bytes)
            .collect();
        assert_eq!(sizes, [150_128, 150_128]);
    }
    assert_eq!(ubl.tender_or_lot_reference.as_deref(), Some("ANG987654321"));
    assert_eq!(
        ubl.invoiced_object_id.as_ref().map(|i| i.value.as_str()),
        Some("OK987654321")
    );
    assert_eq!(
        cii.invoiced_object_id.as_ref().map(|i| i.value.as_str()),
        Some("OK987654321")
    );
}

#[test]
fn extension_third_party_payments_are_read() {
    let Some(shared) = shared_data::shared_dir("extension_third_party_payments") else {
        return;
    };
    let parsed = parse_suite_file(&shared, "business-cases/extension/05.01a-INVOICE_ubl.xml");
    let payments = parsed.invoice.third_party_payments;
    let amounts: Vec<_> = payments.iter().map(|p| p.amount).collect();
    assert_eq!(amounts, [dec("19.96"), dec("10.00")]);
    assert_eq!(payments[0].payment_type.as_deref(), Some("MobilesBezahlen"));
    assert_eq!(payments[1].amount_currency.as_deref(), Some("EUR"));
    assert!(
        payments[1]
            .description
            .as_deref()
            .is_some_and(|d| d.ends_with("Anbieter B)"))
    );
}

#[test]
fn extension_sub_lines_are_flattened_under_their_parent() {
    let Some(shared) = shared_data::shared_dir("extension_sub_lines") else {
        return;
    };
    let parsed = parse_suite_file(&shared, "business-cases/extension/04.01a-INVOICE_ubl.xml");
    assert_eq!(parsed.scenario.profile, Profile::XRechnungExtension);
    let inv = parsed.invoice;
    assert_eq!(inv.buyer_reference.as_deref(), Some("12345678-12345-83"));
    assert_eq!(inv.totals.total_with_vat, dec("14918.84"));
    assert_eq!(inv.totals.amount_due, dec("4918.84"));
    assert_eq!(inv.lines.len(), 15, "2 lines + 13 sub-lines");
    assert_eq!(
        inv.lines
            .iter()
            .filter(|l| l.parent_line_id.is_none())
            .count(),
        2
    );
    let ids: Vec<_> = inv.lines.iter().filter_map(|l| l.id.as_deref()).collect();
    for sub in inv.lines.iter().filter(|l| l.parent_line_id.is_some()) {
        assert!(ids.contains(&sub.parent_line_id.as_deref().unwrap_or_default()));
    }
}

/// A plain text scan, independent of the parser: the first `<tag…>text<` of `tag`.
fn scan(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}"))?;
    let rest = &xml[start..];
    let text = &rest[rest.find('>')? + 1..];
    Some(text[..text.find('<')?].to_owned())
}

#[test]
fn every_file_agrees_with_a_plain_text_scan() {
    let Some(shared) = shared_data::shared_dir("every_file_agrees_with_a_plain_text_scan") else {
        return;
    };
    for file in shared_data::xml_files(&shared.join("testdata/xrechnung-testsuite")) {
        let xml = std::fs::read_to_string(&file).expect("readable UTF-8");
        let inv = invoice_parse(xml.as_bytes(), &Limits::default())
            .expect("parses")
            .invoice;
        let name = file.display();
        let cii = xml.contains("CrossIndustryInvoice");
        let (lines, due, reference) = if cii {
            (
                xml.matches("<ram:IncludedSupplyChainTradeLineItem>")
                    .count(),
                scan(&xml, "ram:DuePayableAmount"),
                scan(&xml, "ram:BuyerReference"),
            )
        } else {
            let lines = xml.matches("<cac:InvoiceLine>").count()
                + xml.matches("<cac:SubInvoiceLine>").count();
            (
                lines,
                scan(&xml, "cbc:PayableAmount"),
                scan(&xml, "cbc:BuyerReference"),
            )
        };
        assert_eq!(inv.lines.len(), lines, "{name}: BG-25 count");
        assert_eq!(
            inv.totals.amount_due,
            due.as_deref().and_then(|d| d.trim().parse().ok()),
            "{name}: BT-115"
        );
        assert_eq!(inv.buyer_reference, reference, "{name}: BT-10");
    }
}
