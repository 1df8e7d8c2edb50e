//! Hostile and broken inputs: each gives its specific error, none panics.

mod shared_data;

use std::fmt::Write as _;

use verbund_einvoice::{
    Classification, EinvoiceError, LimitKind, Limits, Profile, Syntax, classify, invoice_parse,
};

const UBL_MINIMAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ID>R-1</cbc:ID>
  <cbc:IssueDate>2024-02-29</cbc:IssueDate>
  <cbc:Note>Fish &amp; Chips &#x263A; &#65;</cbc:Note>
  <cac:AccountingSupplierParty/>
  <cac:AccountingCustomerParty/>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">0</cbc:PayableAmount></cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="H87">2</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="EUR">0</cbc:LineExtensionAmount><cac:Item/></cac:InvoiceLine>
</Invoice>
"#;

fn parse(input: &[u8]) -> Result<verbund_einvoice::ParsedInvoice, EinvoiceError> {
    invoice_parse(input, &Limits::default())
}

#[test]
fn minimal_invoice_parses_with_entities_resolved() {
    let parsed = parse(UBL_MINIMAL.as_bytes()).expect("parses");
    assert_eq!(parsed.scenario.profile, Profile::XRechnung);
    assert_eq!(parsed.invoice.notes[0].text, "Fish & Chips \u{263A} A");
    assert_eq!(parsed.invoice.lines.len(), 1);
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), UBL_MINIMAL.as_bytes()].concat();
    assert!(parse(&with_bom).is_ok(), "a UTF-8 byte order mark is fine");
}

#[test]
fn xxe_is_refused_at_the_doctype() {
    let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"#;
    assert_eq!(
        parse(xxe.as_bytes()),
        Err(EinvoiceError::DoctypeForbidden { line: 2, column: 1 })
    );
    let external_dtd = r#"<!DOCTYPE Invoice SYSTEM "http://example.invalid/x.dtd"><Invoice/>"#;
    assert!(matches!(
        parse(external_dtd.as_bytes()),
        Err(EinvoiceError::DoctypeForbidden { .. })
    ));
}

#[test]
fn billion_laughs_is_refused_at_the_doctype() {
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        let body = format!("&{prev};").repeat(10);
        writeln!(bomb, "<!ENTITY lol{i} \"{body}\">").expect("writing to a String");
    }
    bomb.push_str("]>\n<lolz>&lol9;</lolz>");
    assert!(matches!(
        parse(bomb.as_bytes()),
        Err(EinvoiceError::DoctypeForbidden { .. })
    ));
}

#[test]
fn undeclared_entities_are_refused_in_text_and_attributes() {
    let in_text = UBL_MINIMAL.replace("Fish &amp;", "Fish &xxe;");
    assert!(
        matches!(parse(in_text.as_bytes()), Err(EinvoiceError::UndeclaredEntity { name, .. }) if name == "xxe")
    );
    let in_attr = UBL_MINIMAL.replace("unitCode=\"H87\"", "unitCode=\"&xxe;\"");
    assert!(
        matches!(parse(in_attr.as_bytes()), Err(EinvoiceError::UndeclaredEntity { name, .. }) if name == "xxe")
    );
    let bad_char_ref = UBL_MINIMAL.replace("&#65;", "&#0;");
    assert!(matches!(
        parse(bad_char_ref.as_bytes()),
        Err(EinvoiceError::NotWellFormed { .. })
    ));
}

#[test]
fn deep_nesting_hits_the_depth_limit() {
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    let result = parse(deep.as_bytes());
    assert!(
        matches!(
            result,
            Err(EinvoiceError::LimitExceeded {
                limit: LimitKind::Depth,
                max: 64,
                ..
            })
        ),
        "{result:?}"
    );
    // Inside an invoice record too, where fragments are built.
    let inner = format!(
        "{}x{}",
        "<cbc:Note>".repeat(10_000),
        "</cbc:Note>".repeat(10_000)
    );
    let deep_invoice = UBL_MINIMAL.replace("<cbc:ID>R-1</cbc:ID>", &inner);
    assert!(matches!(
        parse(deep_invoice.as_bytes()),
        Err(EinvoiceError::LimitExceeded {
            limit: LimitKind::Depth,
            ..
        })
    ));
    // A configured depth beyond the ceiling is held at the ceiling.
    let lax = Limits {
        depth_max: usize::MAX,
        ..Limits::default()
    };
    let capped = invoice_parse(deep.as_bytes(), &lax);
    assert!(matches!(
        capped,
        Err(EinvoiceError::LimitExceeded {
            max: Limits::DEPTH_CEILING,
            ..
        })
    ));
}

#[test]
fn element_attribute_and_line_counts_are_limited() {
    let tight = Limits {
        element_count_max: 5,
        ..Limits::default()
    };
    let result = invoice_parse(UBL_MINIMAL.as_bytes(), &tight);
    assert!(matches!(
        result,
        Err(EinvoiceError::LimitExceeded {
            limit: LimitKind::ElementCount,
            ..
        })
    ));
    let tight = Limits {
        attribute_count_max: 2,
        ..Limits::default()
    };
    let result = invoice_parse(UBL_MINIMAL.as_bytes(), &tight);
    assert!(matches!(
        result,
        Err(EinvoiceError::LimitExceeded {
            limit: LimitKind::AttributeCount,
            ..
        })
    ));
    let tight = Limits {
        record_element_count_max: 2,
        ..Limits::default()
    };
    let result = invoice_parse(UBL_MINIMAL.as_bytes(), &tight);
    assert!(matches!(
        result,
        Err(EinvoiceError::LimitExceeded {
            limit: LimitKind::RecordElementCount,
            ..
        })
    ));
    // One record stuffed with a million tiny elements stays bounded.
    let stuffed = UBL_MINIMAL.replace("<cbc:ID>1</cbc:ID>", &"<cbc:X/>".repeat(1_000_000));
    let result = invoice_parse(stuffed.as_bytes(), &Limits::default());
    assert!(matches!(
        result,
        Err(EinvoiceError::LimitExceeded {
            limit: LimitKind::RecordElementCount,
            ..
        })
    ));
    let tight = Limits {
        line_count_max: 0,
        ..Limits::default()
    };
    let result = invoice_parse(UBL_MINIMAL.as_bytes(), &tight);
    assert!(matches!(
        result,
        Err(EinvoiceError::LimitExceeded {
            limit: LimitKind::LineCount,
            ..
        })
    ));
    let tight = Limits {
        input_bytes_max: 100,
        ..Limits::default()
    };
    assert!(matches!(
        invoice_parse(UBL_MINIMAL.as_bytes(), &tight),
        Err(EinvoiceError::TooLarge { .. })
    ));
}

#[test]
fn truncated_documents_are_not_well_formed() {
    for cut in [10, UBL_MINIMAL.len() / 2, UBL_MINIMAL.len() - 3] {
        let result = parse(&UBL_MINIMAL.as_bytes()[..cut]);
        assert!(
            matches!(result, Err(EinvoiceError::NotWellFormed { .. })),
            "cut at {cut}: {result:?}"
        );
        assert!(matches!(
            classify(&UBL_MINIMAL.as_bytes()[..cut], &Limits::default()),
            Classification::NotXml { .. }
        ));
    }
}

#[test]
fn wrong_encodings_are_named() {
    let mut raw_latin1 = UBL_MINIMAL.as_bytes().to_vec();
    let at = UBL_MINIMAL.find("Fish").expect("marker");
    raw_latin1[at] = 0xF6;
    assert_eq!(
        parse(&raw_latin1),
        Err(EinvoiceError::InvalidUtf8 {
            line: 8,
            column: 13
        })
    );
    let declared = UBL_MINIMAL.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    assert_eq!(
        parse(declared.as_bytes()),
        Err(EinvoiceError::UnsupportedEncoding {
            encoding: "ISO-8859-1".into()
        })
    );
    let lowercase = UBL_MINIMAL.replace("encoding=\"UTF-8\"", "encoding=\"utf-8\"");
    assert!(parse(lowercase.as_bytes()).is_ok());
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(UBL_MINIMAL.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(
        parse(&utf16),
        Err(EinvoiceError::UnsupportedEncoding {
            encoding: "UTF-16".into()
        })
    );
    let xml11 = UBL_MINIMAL.replace("version=\"1.0\"", "version=\"1.1\"");
    assert!(matches!(
        parse(xml11.as_bytes()),
        Err(EinvoiceError::NotWellFormed { .. })
    ));
}

#[test]
fn empty_and_garbage_inputs_are_not_xml() {
    assert_eq!(parse(b""), Err(EinvoiceError::Empty));
    assert!(matches!(
        classify(b"", &Limits::default()),
        Classification::NotXml {
            line: 1,
            column: 1,
            ..
        }
    ));
    for garbage in [
        &b"   \n "[..],
        b"hello",
        b"<",
        b"<a></b>",
        b"<a/><b/>",
        b"<a/>tail",
        b"<p:a/>",
        b"\x89PNG\r\n\x1a\n",
        b"<a x='1' x='2'/>",
    ] {
        let got = classify(garbage, &Limits::default());
        assert!(
            matches!(got, Classification::NotXml { .. }),
            "{:?} -> {got:?}",
            String::from_utf8_lossy(garbage)
        );
    }
}

#[test]
fn foreign_roots_and_versions_are_classified() {
    let html = classify(
        b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
        &Limits::default(),
    );
    assert_eq!(
        html,
        Classification::NotInvoice {
            namespace: Some("http://www.w3.org/1999/xhtml".into()),
            local_name: "html".into()
        }
    );
    let no_ns_invoice = classify(b"<Invoice/>", &Limits::default());
    assert!(matches!(
        no_ns_invoice,
        Classification::NotInvoice {
            namespace: None,
            ..
        }
    ));
    // A foreign root is still checked for well-formedness first, as the official validator does.
    assert!(matches!(
        classify(b"<html><body></html>", &Limits::default()),
        Classification::NotXml { .. }
    ));
    for old in [
        "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.3",
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
    ] {
        let xml = UBL_MINIMAL.replace(
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            old,
        );
        let got = classify(xml.as_bytes(), &Limits::default());
        assert_eq!(
            got,
            Classification::UnsupportedVersion {
                syntax: Syntax::UblInvoice,
                specification_id: Some(old.into())
            }
        );
        let message = parse(xml.as_bytes()).expect_err("no scenario").to_string();
        assert!(
            message.contains("kein passendes Prüfszenario") && message.contains(old),
            "{message}"
        );
    }
    let without = UBL_MINIMAL
        .replace("<cbc:CustomizationID>", "<cbc:X>")
        .replace("</cbc:CustomizationID>", "</cbc:X>");
    let got = classify(without.as_bytes(), &Limits::default());
    assert_eq!(
        got,
        Classification::UnsupportedVersion {
            syntax: Syntax::UblInvoice,
            specification_id: None
        }
    );
    // Exact comparison as in XPath: surrounding whitespace does not match.
    let padded = UBL_MINIMAL.replace(
        ">urn:cen.eu:en16931:2017#compliant",
        "> urn:cen.eu:en16931:2017#compliant",
    );
    assert!(matches!(
        classify(padded.as_bytes(), &Limits::default()),
        Classification::UnsupportedVersion { .. }
    ));
}

#[test]
fn bad_values_in_a_supported_invoice_are_schema_errors_with_their_place() {
    let bad_date = UBL_MINIMAL.replace("2024-02-29", "2023-02-29");
    let err = parse(bad_date.as_bytes()).expect_err("impossible date");
    let EinvoiceError::SchemaInvalid { count: 1, first } = &err else {
        panic!("one schema error expected, got {err:?}");
    };
    assert!(
        first.contains("Zeile 7") && first.contains("„2023-02-29“") && first.contains("xs:date"),
        "{first}"
    );
    let Classification::SchemaInvalid { findings, .. } =
        classify(bad_date.as_bytes(), &Limits::default())
    else {
        panic!("schema-invalid");
    };
    assert_eq!(findings[0].location, "/Invoice/cbc:IssueDate");
    let bad_quantity =
        UBL_MINIMAL.replace(">2</cbc:InvoicedQuantity>", ">2,5</cbc:InvoicedQuantity>");
    assert!(matches!(
        parse(bad_quantity.as_bytes()),
        Err(EinvoiceError::SchemaInvalid { count: 1, first }) if first.contains("xs:decimal")
    ));
}

#[test]
fn a_credit_note_selects_the_credit_note_scenario() {
    let credit_note = UBL_MINIMAL
        .replace(
            "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"",
            "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"",
        )
        .replace("</Invoice>", "</CreditNote>")
        .replace("cac:InvoiceLine>", "cac:CreditNoteLine>")
        .replace("cbc:InvoicedQuantity", "cbc:CreditedQuantity")
        .replace(
            "<cbc:Note>",
            "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode><cbc:Note>",
        );
    let parsed = parse(credit_note.as_bytes()).expect("credit note parses");
    assert_eq!(
        (parsed.syntax, parsed.scenario.syntax),
        (Syntax::UblCreditNote, Syntax::UblCreditNote)
    );
    assert_eq!(
        parsed.invoice.lines[0].quantity.as_ref().map(|q| q.value),
        Some(2.into())
    );
}

#[test]
fn truncating_every_suite_file_never_panics() {
    let Some(shared) = shared_data::shared_dir("truncating_every_suite_file") else {
        return;
    };
    for file in shared_data::xml_files(&shared.join("testdata/xrechnung-testsuite"))
        .iter()
        .step_by(7)
    {
        let bytes = std::fs::read(file).expect("readable");
        for cut in (0..bytes.len()).step_by(bytes.len() / 40 + 1) {
            let got = classify(&bytes[..cut], &Limits::default());
            assert!(
                !matches!(got, Classification::Invoice(_)),
                "{} cut at {cut}",
                file.display()
            );
        }
    }
}

#[test]
fn namespace_prefixes_cdata_comments_and_crlf_are_read_like_the_plain_form() {
    let variant = UBL_MINIMAL
        .replace("<Invoice xmlns=", "<ubl:Invoice xmlns:ubl=")
        .replace("</Invoice>", "</ubl:Invoice>")
        .replace("xmlns:cbc=", "xmlns:b=")
        .replace("cbc:", "b:")
        .replace(
            "<b:ID>R-1</b:ID>",
            "<b:ID><![CDATA[R-]]><!-- split -->1<?pi here?></b:ID>",
        )
        .replace('\n', "\r\n");
    let parsed = parse(variant.as_bytes()).expect("same invoice, other spelling");
    let plain = parse(UBL_MINIMAL.as_bytes()).expect("plain");
    assert_eq!(parsed.invoice.number.as_deref(), Some("R-1"));
    assert_eq!(parsed.invoice, plain.invoice);
    // The same local name in a foreign namespace is not invoice content: the schema says so.
    let foreign = UBL_MINIMAL.replace(
        "<cbc:ID>R-1</cbc:ID>",
        "<x:ID xmlns:x=\"urn:other\">R-1</x:ID>",
    );
    assert!(matches!(
        parse(foreign.as_bytes()),
        Err(EinvoiceError::SchemaInvalid { count: 1, first }) if first.contains("„*:ID“ ist hier nicht erlaubt")
    ));
}
