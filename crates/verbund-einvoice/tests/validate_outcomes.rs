//! What `validate` answers for documents that never reach the rules: each outcome is one
//! error finding with our own id, and the verdict is reject, never accept.

use verbund_einvoice::sample::{Sample, ubl_invoice};
use verbund_einvoice::{
    AMBIGUOUS, LIMIT, Level, Limits, NO_SCENARIO, NOT_INVOICE, NOT_XML, Report, SCHEMA, Syntax,
    UNSAFE, Verdict, validate,
};

fn only_finding(report: &Report) -> (&str, Level) {
    assert_eq!(report.findings.len(), 1, "{report:?}");
    (report.findings[0].id.as_ref(), report.findings[0].level)
}

#[test]
fn classification_outcomes_reject_with_our_ids() {
    let limits = Limits::default();
    let cases: [(&[u8], &str); 5] = [
        (b"", NOT_XML),
        (b"<a><b></a>", NOT_XML),
        (b"<html/>", NOT_INVOICE),
        (b"<!DOCTYPE x [<!ENTITY e 'x'>]><x>&e;</x>", UNSAFE),
        (
            b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2' \
              xmlns:cbc='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>\
              <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_2.3</cbc:CustomizationID></Invoice>",
            NO_SCENARIO,
        ),
    ];
    for (input, id) in cases {
        let report = validate(input, &limits);
        assert_eq!(report.verdict, Verdict::Reject, "{id}");
        assert_eq!(only_finding(&report), (id, Level::Error));
        assert!(report.scenario.is_none());
    }
}

#[test]
fn no_scenario_names_the_specification_id_found() {
    let input = b"<rsm:CrossIndustryInvoice xmlns:rsm='urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100'/>";
    let report = validate(input, &Limits::default());
    assert_eq!(report.syntax, Some(Syntax::Cii));
    assert_eq!(only_finding(&report).0, NO_SCENARIO);
    assert!(
        report.findings[0]
            .message
            .contains("kein passendes Prüfszenario")
    );
}

#[test]
fn a_limit_is_a_refusal_not_an_accept() {
    let limits = Limits {
        input_bytes_max: 4,
        ..Limits::default()
    };
    let report = validate(b"<html/>", &limits);
    assert_eq!(report.verdict, Verdict::Reject);
    assert_eq!(only_finding(&report).0, LIMIT);
}

#[test]
fn a_schema_invalid_xrechnung_is_rejected_before_the_rules() {
    let input = b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2' \
        xmlns:cbc='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>\
        <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID></Invoice>";
    let report = validate(input, &Limits::default());
    assert_eq!(report.verdict, Verdict::Reject);
    assert!(
        report.scenario.is_some(),
        "the scenario is known before the schema step"
    );
    let errors: Vec<&str> = report.error_ids().collect();
    assert_eq!(errors, [SCHEMA], "one schema finding, no rule ran");
    assert!(
        report.findings[0]
            .message
            .contains("„Invoice“ ist unvollständig")
            && report.findings[0].message.contains("cbc:ID"),
        "{}",
        report.findings[0].message
    );
    assert_eq!(report.findings[0].location, "/Invoice");
}

#[test]
fn a_minimal_xrechnung_is_judged_by_the_rules() {
    let input = b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2' \
        xmlns:cac='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2' \
        xmlns:cbc='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'>\
        <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>\
        <cbc:ID>1</cbc:ID><cbc:IssueDate>2026-01-31</cbc:IssueDate>\
        <cac:AccountingSupplierParty/><cac:AccountingCustomerParty/>\
        <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID='EUR'>0</cbc:PayableAmount></cac:LegalMonetaryTotal>\
        <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:LineExtensionAmount currencyID='EUR'>0</cbc:LineExtensionAmount><cac:Item/></cac:InvoiceLine>\
        </Invoice>";
    let report = validate(input, &Limits::default());
    assert_eq!(report.verdict, Verdict::Reject);
    assert!(report.scenario.is_some());
    let errors: Vec<&str> = report.error_ids().collect();
    assert!(!errors.contains(&SCHEMA), "schema-valid: {errors:?}");
    for id in [
        "BR-04",
        "BR-05",
        "BR-06",
        "BR-DE-1",
        "BR-DE-15",
        "PEPPOL-EN16931-R001",
    ] {
        assert!(errors.contains(&id), "{id} missing in {errors:?}");
    }
    // The party elements are empty, not missing a party: no context for R010/R020, but each
    // empty element is a finding of its own, at its path.
    for id in ["PEPPOL-EN16931-R010", "PEPPOL-EN16931-R020"] {
        assert!(!errors.contains(&id), "{id} without a party: {errors:?}");
    }
    let empty: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.id == "PEPPOL-EN16931-R008")
        .map(|f| f.location.as_str())
        .collect();
    assert_eq!(
        empty,
        [
            "/Invoice/cac:AccountingSupplierParty[1]",
            "/Invoice/cac:AccountingCustomerParty[1]",
            "/Invoice/cac:InvoiceLine[1]/cac:Item[1]"
        ]
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.location.starts_with("/Invoice"))
    );
}

/// The sample invoice with its buyer's legal entity (`cac:PartyLegalEntity`) written twice,
/// the copy with `copy` as its content.
fn buyer_legal_entity_twice(copy: &str) -> String {
    let xml = ubl_invoice(&Sample {
        number: "A-1",
        issue_date: "2026-12-01",
        leitweg_id: "04011000-12345-03",
        buyer_name: "Stadt Musterhausen",
        lines: 2,
    });
    let entity = "<cac:PartyLegalEntity><cbc:RegistrationName>Stadt Musterhausen\
                  </cbc:RegistrationName></cac:PartyLegalEntity>";
    assert!(xml.contains(entity), "the sample's buyer entity");
    xml.replacen(
        entity,
        &format!("{entity}<cac:PartyLegalEntity>{copy}</cac:PartyLegalEntity>"),
        1,
    )
}

#[test]
fn a_value_a_rule_reads_as_one_that_occurs_twice_gives_no_verdict() {
    let limits = Limits::default();
    let clean = buyer_legal_entity_twice("");
    let report = validate(clean.as_bytes(), &limits);
    // Without a second name BR-07 reads one value; the empty entity is only a syntax finding.
    assert_ne!(report.verdict, Verdict::Undefined, "{report:?}");

    let twice =
        buyer_legal_entity_twice("<cbc:RegistrationName>Stadt Musterhausen</cbc:RegistrationName>");
    let report = validate(twice.as_bytes(), &limits);
    assert_eq!(report.verdict, Verdict::Undefined, "{report:?}");
    assert_eq!(only_finding(&report), (AMBIGUOUS, Level::Error));
    let finding = &report.findings[0];
    assert_eq!(finding.location, "/Invoice");
    assert!(
        finding
            .message
            .contains("cbc:RegistrationName kommt hier 2-mal vor")
            && finding.message.contains("BR-07"),
        "{}",
        finding.message
    );
}
