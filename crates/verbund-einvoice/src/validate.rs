//! The validation pipeline: bytes in, [`Report`] out, in the order of the KoSIT validator.
//!
//! 1. Classify and parse (encoding, well-formedness, hardening limits, root element, scenario
//!    by BT-24, typed values) in one streaming pass — [`crate::classify`].
//! 2. XML Schema validity against the syntax's XSD ([`crate::xsd`]), checked in the same pass
//!    as step 1. As the reference, a schema-invalid document is rejected with one finding per
//!    violation ([`SCHEMA`]) and the rules are not run.
//! 3. The rule table ([`crate::rules::RULES`]) over the model, then the syntax asserts the
//!    structure checker found during step 1 ([`crate::rules::structure`]), each finding
//!    levelled by its flag and the scenario's `customLevel`.
//!
//! Outcomes before step 3 become one finding with an id of our own (`VB-EINV-*`), level error.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::document::{Classification, ParsedInvoice, classify};
use crate::error::EinvoiceError;
use crate::limits::Limits;
use crate::report::{Finding, Report, Verdict};
use crate::rules::{Input, RULES, context_missing, level_in, location};
use crate::scenario::{Level, Syntax};
use crate::xsd::SchemaFinding;

/// Not UTF-8, empty or not well-formed XML.
pub const NOT_XML: &str = "VB-EINV-NOT-XML";
/// Well-formed XML whose root is not an invoice.
pub const NOT_INVOICE: &str = "VB-EINV-NOT-INVOICE";
/// An invoice syntax whose BT-24 selects no scenario ("kein passendes Prüfszenario").
pub const NO_SCENARIO: &str = "VB-EINV-NO-SCENARIO";
/// Refused for safety: a DTD or an undeclared entity.
pub const UNSAFE: &str = "VB-EINV-UNSAFE";
/// Too large, or a [`Limits`] bound was exceeded.
pub const LIMIT: &str = "VB-EINV-LIMIT";
/// A declared encoding other than UTF-8.
pub const ENCODING: &str = "VB-EINV-ENCODING";
/// A violation of the syntax's XML Schema (the reference's schema step).
pub const SCHEMA: &str = "VB-EINV-XSD";
/// A typed value the schema allows but the model cannot hold (an impossible CII date in
/// format 102, an amount beyond 28 significant digits).
pub const INVALID_VALUE: &str = "VB-EINV-INVALID-VALUE";
/// A rule check failed internally; the verdict is [`Verdict::Undefined`].
pub const INTERNAL: &str = "VB-EINV-INTERNAL";
/// A path that a rule of the reference reads as one value selects several (two
/// `ram:LineTotalAmount` in the document totals): the reference stops with a processing error,
/// so the verdict is [`Verdict::Undefined`].
pub const AMBIGUOUS: &str = "VB-EINV-AMBIGUOUS";

/// Validates one document against the XRechnung 3.0.2 configuration.
///
/// Never fails and never panics on input: every outcome is a [`Report`]. The verdict is
/// reject iff a finding has level error; an internal failure gives [`Verdict::Undefined`].
#[must_use]
pub fn validate(input: &[u8], limits: &Limits) -> Report {
    validate_classified(&classify(input, limits))
}

/// [`validate`] for a document already classified, so a caller that also needs the parsed
/// invoice (to show it) reads the bytes once.
#[must_use]
pub fn validate_classified(classification: &Classification) -> Report {
    match classification {
        Classification::Invoice(parsed) => rules_run(parsed),
        Classification::NotXml {
            line,
            column,
            error,
        } => refusal(
            NOT_XML,
            None,
            error.to_string(),
            format!("Zeile {line}, Spalte {column}"),
        ),
        Classification::NotInvoice {
            namespace,
            local_name,
        } => {
            let message = EinvoiceError::NotAnInvoice {
                namespace: namespace.clone(),
                local_name: local_name.clone(),
            }
            .to_string();
            refusal(NOT_INVOICE, None, message, "/".to_owned())
        }
        Classification::UnsupportedVersion {
            syntax,
            specification_id,
        } => {
            let message = EinvoiceError::NoScenario {
                syntax: *syntax,
                specification_id: specification_id.clone(),
            }
            .to_string();
            refusal(NO_SCENARIO, Some(*syntax), message, "/".to_owned())
        }
        Classification::SchemaInvalid {
            syntax,
            scenario,
            findings,
        } => Report::from_findings(Some(scenario), Some(*syntax), findings.clone()),
        Classification::Rejected(error) => {
            let id = match error {
                EinvoiceError::DoctypeForbidden { .. } | EinvoiceError::UndeclaredEntity { .. } => {
                    UNSAFE
                }
                EinvoiceError::TooLarge { .. } | EinvoiceError::LimitExceeded { .. } => LIMIT,
                EinvoiceError::UnsupportedEncoding { .. } => ENCODING,
                EinvoiceError::InvalidValue { .. } => INVALID_VALUE,
                // Classified before `Rejected`; kept so a new variant cannot be accepted.
                _ => NOT_XML,
            };
            refusal(id, None, error.to_string(), "/".to_owned())
        }
    }
}

/// The report on a document whose rules cannot be decided as the reference decides them.
fn ambiguous_report(parsed: &ParsedInvoice) -> Report {
    let findings = parsed
        .ambiguous
        .iter()
        .map(|found| {
            let singleton = found.singleton;
            let path = singleton.path.join("/");
            Finding {
                id: Cow::Borrowed(AMBIGUOUS),
                level: Level::Error,
                message: format!(
                    "{path} kommt hier {count}-mal vor, die Regel {rule} liest es als einen \
                     Wert. Der KoSIT-Validator bricht daran mit einem Verarbeitungsfehler ab; \
                     es gibt kein Prüfergebnis.",
                    count = found.count,
                    rule = singleton.rule,
                ),
                location: found.location.clone(),
            }
        })
        .collect();
    Report {
        verdict: Verdict::Undefined,
        scenario: Some(parsed.scenario),
        syntax: Some(parsed.syntax),
        findings,
    }
}

/// A schema violation as a report finding.
pub(crate) fn schema_finding(found: SchemaFinding) -> Finding {
    Finding {
        id: Cow::Borrowed(SCHEMA),
        level: Level::Error,
        message: found.message,
        location: found.location,
    }
}

fn refusal(id: &'static str, syntax: Option<Syntax>, message: String, location: String) -> Report {
    let finding = Finding {
        id: Cow::Borrowed(id),
        level: Level::Error,
        message,
        location,
    };
    Report::from_findings(None, syntax, vec![finding])
}

/// Step 3: every applicable rule over the model.
fn rules_run(parsed: &ParsedInvoice) -> Report {
    let scenario = parsed.scenario;
    if !parsed.ambiguous.is_empty() {
        return ambiguous_report(parsed);
    }
    let input = Input {
        invoice: &parsed.invoice,
        syntax: parsed.syntax,
        facts: &parsed.facts,
    };
    // The checks are ours and must not panic; if one does anyway, the answer is "undefined",
    // never a silent accept, and the process keeps serving other documents.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut findings = Vec::new();
        let mut places = Vec::new();
        for rule in RULES {
            let Some(form) = rule.form_for(parsed.syntax) else {
                continue;
            };
            if !rule.applies(scenario) || context_missing(&input, rule.id) {
                continue;
            }
            places.clear();
            (rule.check)(&input, &mut places);
            for &at in &places {
                findings.push(Finding {
                    id: Cow::Borrowed(rule.id),
                    level: level_in(scenario, rule.id, form.flag),
                    message: form.message.to_owned(),
                    location: location(&input, at),
                });
            }
        }
        // The syntax asserts are all CEN rules: they apply in every scenario.
        for found in &parsed.structure_findings {
            let rule = found.rule;
            findings.push(Finding {
                id: Cow::Borrowed(rule.id),
                level: level_in(scenario, rule.id, rule.flag),
                message: rule.message.to_owned(),
                location: found.location.clone(),
            });
        }
        findings
    }));
    match outcome {
        Ok(findings) => Report::from_findings(Some(scenario), Some(parsed.syntax), findings),
        Err(_) => Report {
            verdict: Verdict::Undefined,
            scenario: Some(scenario),
            syntax: Some(parsed.syntax),
            findings: vec![Finding {
                id: Cow::Borrowed(INTERNAL),
                level: Level::Error,
                message: "Interner Fehler bei der Regelprüfung; kein Prüfergebnis.".to_owned(),
                location: "/".to_owned(),
            }],
        },
    }
}
