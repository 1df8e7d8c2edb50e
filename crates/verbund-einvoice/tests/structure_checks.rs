//! Hand-made syntax violations of suite files, one or more per family and per hand-written
//! check of `src/rules/structure/special.rs`: the structure ids (UBL-CR/SR/DT, CII-SR/DT) at
//! level error and warning, and the verdict, equal what the KoSIT reference (`kosit_ref.py`)
//! gave for the same edits. Every mutated document passes the reference's XML Schema step.

mod shared_data;

use std::collections::BTreeSet;

use verbund_einvoice::{Level, Limits, Verdict, validate};

struct Case {
    name: &'static str,
    base: &'static str,
    /// (find, replace), first occurrence each.
    edits: &'static [(&'static str, &'static str)],
    verdict: &'static str,
    errors: &'static [&'static str],
    warnings: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "ubl_cr_forbidden_uuid",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:ID>123456XX</cbc:ID>",
            "<cbc:ID>123456XX</cbc:ID><cbc:UUID>u-1</cbc:UUID>",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &["UBL-CR-005"],
    },
    Case {
        name: "ubl_cr_002_version_20",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:CustomizationID>",
            "<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:CustomizationID>",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &["UBL-CR-002"],
    },
    Case {
        name: "ubl_cr_002_version_21",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:CustomizationID>",
            "<cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:CustomizationID>",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &[],
    },
    Case {
        name: "ubl_sr_08_two_periods",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>",
            "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference><cac:InvoicePeriod><cbc:StartDate>2016-01-01</cbc:StartDate></cac:InvoicePeriod><cac:InvoicePeriod><cbc:EndDate>2016-01-31</cbc:EndDate></cac:InvoicePeriod>",
        )],
        verdict: "reject",
        errors: &["UBL-SR-08"],
        warnings: &[],
    },
    Case {
        name: "ubl_sr_34_two_line_notes",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:Note>Die letzte Lieferung",
            "<cbc:Note>zweite</cbc:Note><cbc:Note>Die letzte Lieferung",
        )],
        verdict: "reject",
        errors: &["UBL-SR-34"],
        warnings: &[],
    },
    Case {
        name: "ubl_dt_27_scheme_agency",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:EndpointID schemeID=\"EM\">seller@email.de",
            "<cbc:EndpointID schemeID=\"EM\" schemeAgencyID=\"X\">seller@email.de",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &["UBL-DT-27"],
    },
    Case {
        name: "ubl_dt_18_name_attribute",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:InvoiceTypeCode>380",
            "<cbc:InvoiceTypeCode name=\"Rechnung\">380",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &["UBL-DT-18"],
    },
    Case {
        name: "ubl_cr_666_673_invoiced_object",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:AccountingSupplierParty>",
            "<cac:AdditionalDocumentReference><cbc:ID schemeID=\"ABT\">A1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode><cbc:DocumentDescription>x</cbc:DocumentDescription><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"a.pdf\">QUJD</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference><cac:AccountingSupplierParty>",
        )],
        verdict: "reject",
        errors: &["UBL-CR-666", "UBL-CR-673"],
        warnings: &[],
    },
    Case {
        name: "ubl_sr_43_cr_665_scheme_without_130",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:AccountingSupplierParty>",
            "<cac:AdditionalDocumentReference><cbc:ID schemeID=\"ABT\">A1</cbc:ID></cac:AdditionalDocumentReference><cac:AccountingSupplierParty>",
        )],
        verdict: "reject",
        errors: &["UBL-SR-43"],
        warnings: &["UBL-CR-665"],
    },
    Case {
        name: "ubl_sr_04_two_invoiced_objects",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:AccountingSupplierParty>",
            "<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference><cac:AdditionalDocumentReference><cbc:ID>A2</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference><cac:AccountingSupplierParty>",
        )],
        verdict: "reject",
        errors: &["UBL-SR-04"],
        warnings: &[],
    },
    Case {
        name: "ubl_sr_53_no_company_id",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:CompanyID>DE 123456789</cbc:CompanyID>", "")],
        verdict: "reject",
        errors: &["UBL-SR-53"],
        warnings: &[],
    },
    Case {
        name: "ubl_sr_12_two_seller_vat_ids",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:CompanyID>DE 123456789</cbc:CompanyID>\n                <cac:TaxScheme>\n                    <cbc:ID>VAT</cbc:ID>\n                </cac:TaxScheme>\n            </cac:PartyTaxScheme>",
            "<cbc:CompanyID>DE 123456789</cbc:CompanyID>\n                <cac:TaxScheme>\n                    <cbc:ID>VAT</cbc:ID>\n                </cac:TaxScheme>\n            </cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>DE 987654321</cbc:CompanyID><cac:TaxScheme><cbc:ID>vat</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
        )],
        verdict: "reject",
        errors: &["UBL-SR-12"],
        warnings: &[],
    },
    Case {
        name: "ubl_sr_47_different_means_codes",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "</cac:PaymentMeans>",
            "</cac:PaymentMeans><cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>R1</cbc:PaymentID></cac:PaymentMeans><cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>R2</cbc:PaymentID></cac:PaymentMeans>",
        )],
        verdict: "reject",
        errors: &["UBL-SR-44", "UBL-SR-47"],
        warnings: &[],
    },
    Case {
        name: "ubl_dt_01_amount_three_decimals",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:TaxAmount currencyID=\"EUR\">22.04</cbc:TaxAmount>",
            "<cbc:TaxAmount currencyID=\"EUR\">22.040</cbc:TaxAmount>",
        )],
        verdict: "reject",
        errors: &["UBL-DT-01"],
        warnings: &[],
    },
    Case {
        name: "cii_sr_forbidden_document_name",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:ID>123456XX</ram:ID>",
            "<ram:ID>123456XX</ram:ID><ram:Name>Rechnung</ram:Name>",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &["CII-SR-013"],
    },
    Case {
        name: "cii_sr_452_453_two_payment_terms",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "</ram:SpecifiedTradePaymentTerms>",
            "</ram:SpecifiedTradePaymentTerms><ram:SpecifiedTradePaymentTerms><ram:Description>Zweite</ram:Description></ram:SpecifiedTradePaymentTerms>",
        )],
        verdict: "reject",
        errors: &["CII-SR-452", "CII-SR-453"],
        warnings: &[],
    },
    Case {
        name: "cii_dt_001_scheme_name_on_document_id",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:ID>123456XX</ram:ID>",
            "<ram:ID schemeName=\"X\">123456XX</ram:ID>",
        )],
        verdict: "reject",
        errors: &["CII-DT-001"],
        warnings: &[],
    },
    Case {
        name: "cii_dt_101_scheme_name_on_uriid",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:URIID schemeID=\"EM\">buyer@info.de",
            "<ram:URIID schemeID=\"EM\" schemeName=\"X\">buyer@info.de",
        )],
        verdict: "reject",
        errors: &["CII-DT-101"],
        warnings: &[],
    },
    Case {
        name: "cii_dt_010_shadowed_list_id",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:TypeCode>380</ram:TypeCode>",
            "<ram:TypeCode listID=\"1001\">380</ram:TypeCode>",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &[],
    },
    Case {
        name: "cii_dt_008_name_on_type_code",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:TypeCode>380</ram:TypeCode>",
            "<ram:TypeCode name=\"x\">380</ram:TypeCode>",
        )],
        verdict: "reject",
        errors: &["CII-DT-008"],
        warnings: &[],
    },
];

fn is_structure(id: &str) -> bool {
    ["UBL-CR-", "UBL-SR-", "UBL-DT-", "CII-SR-", "CII-DT-"]
        .iter()
        .any(|family| id.starts_with(family))
}

fn mutated(shared: &std::path::Path, case: &Case) -> Option<String> {
    let path = shared.join("testdata/xrechnung-testsuite").join(case.base);
    let mut text = std::fs::read_to_string(path).expect("suite file is readable");
    for (find, replace) in case.edits {
        let at = text.find(find)?;
        text.replace_range(at..at + find.len(), replace);
    }
    Some(text)
}

#[test]
fn syntax_violations_get_the_reference_ids() {
    let Some(shared) = shared_data::shared_dir("syntax_violations_get_the_reference_ids") else {
        return;
    };
    let mut failures = Vec::new();
    for case in CASES {
        let Some(text) = mutated(&shared, case) else {
            failures.push(format!("{}: edit text not found", case.name));
            continue;
        };
        let report = validate(text.as_bytes(), &Limits::default());
        let ids = |level: Level| -> BTreeSet<&str> {
            report
                .findings
                .iter()
                .filter(|f| f.level == level && is_structure(&f.id))
                .map(|f| f.id.as_ref())
                .collect()
        };
        let verdict = match report.verdict {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Undefined => "undefined",
        };
        let (errors, warnings) = (ids(Level::Error), ids(Level::Warning));
        let want_errors: BTreeSet<&str> = case.errors.iter().copied().collect();
        let want_warnings: BTreeSet<&str> = case.warnings.iter().copied().collect();
        if errors != want_errors || warnings != want_warnings || verdict != case.verdict {
            failures.push(format!(
                "{}: errors {errors:?} want {want_errors:?}, warnings {warnings:?} want \
                 {want_warnings:?}, verdict {verdict} want {}",
                case.name, case.verdict
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn findings_point_at_their_context_element() {
    let Some(shared) = shared_data::shared_dir("findings_point_at_their_context_element") else {
        return;
    };
    let expected = [
        (
            "ubl_sr_34_two_line_notes",
            "UBL-SR-34",
            "/Invoice/cac:InvoiceLine[1]",
        ),
        ("ubl_cr_forbidden_uuid", "UBL-CR-005", "/Invoice"),
        (
            "ubl_dt_01_amount_three_decimals",
            "UBL-DT-01",
            "/Invoice/cac:TaxTotal[1]/cbc:TaxAmount[1]",
        ),
        (
            "cii_sr_452_453_two_payment_terms",
            "CII-SR-452",
            "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeSettlement[1]",
        ),
        (
            "cii_dt_101_scheme_name_on_uriid",
            "CII-DT-101",
            "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeAgreement[1]/ram:BuyerTradeParty[1]/ram:URIUniversalCommunication[1]/ram:URIID[1]",
        ),
    ];
    for (name, id, location) in expected {
        let case = CASES.iter().find(|c| c.name == name).expect("case exists");
        let text = mutated(&shared, case).expect("edits apply");
        let report = validate(text.as_bytes(), &Limits::default());
        let found: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.id == id)
            .map(|f| f.location.as_str())
            .collect();
        assert_eq!(found, [location], "{name}");
    }
}

#[test]
fn forbidden_elements_are_found_inside_skipped_extensions() {
    // The mappings skip `ext:UBLExtensions`; the checker must still see it and what is in it.
    let Some(shared) =
        shared_data::shared_dir("forbidden_elements_are_found_inside_skipped_extensions")
    else {
        return;
    };
    let case = Case {
        name: "extension",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:CustomizationID>",
            "<ext:UBLExtensions xmlns:ext=\"urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2\"><ext:UBLExtension><ext:ExtensionContent><x:Amount xmlns:x=\"urn:x\" languageID=\"de\">1.234</x:Amount></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions><cbc:CustomizationID>",
        )],
        verdict: "reject",
        errors: &[],
        warnings: &[],
    };
    let text = mutated(&shared, &case).expect("edits apply");
    let report = validate(text.as_bytes(), &Limits::default());
    let ids: BTreeSet<&str> = report.findings.iter().map(|f| f.id.as_ref()).collect();
    for id in ["UBL-CR-001", "UBL-DT-19", "UBL-DT-01"] {
        assert!(ids.contains(id), "{id} missing: {ids:?}");
    }
    assert_eq!(report.verdict, Verdict::Reject, "UBL-DT-01 is fatal");
}
