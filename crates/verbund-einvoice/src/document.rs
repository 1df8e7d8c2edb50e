//! The entry points: from bytes to a classified, parsed invoice.

use crate::error::EinvoiceError;
use crate::facts::SyntaxFacts;
use crate::limits::Limits;
use crate::mapping::Mapped;
use crate::model::Invoice;
use crate::report::Finding;
use crate::rules::structure::{Ambiguous, StructureFinding};
use crate::scenario::{Scenario, Syntax, scenario_select};
use crate::xml::input;
use crate::xml::reader::DocumentReader;
use crate::xsd::SchemaFinding;
use crate::{cii, ubl};

/// An invoice in a supported syntax with the validation scenario it selects.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedInvoice {
    /// The syntax it was written in.
    pub syntax: Syntax,
    /// The scenario its root element and BT-24 select; decides which rules apply.
    pub scenario: &'static Scenario,
    /// Its content.
    pub invoice: Invoice,
    /// The syntax asserts (UBL-CR/-SR/-DT, CII-SR/-DT) that failed, found while parsing;
    /// their level needs the scenario and is decided by [`crate::validate`].
    pub structure_findings: Vec<StructureFinding>,
    /// Paths that select several values where a rule of the reference reads one: the
    /// reference gives no verdict then, and neither does [`crate::validate`].
    pub ambiguous: Vec<Ambiguous>,
    /// What the syntax says beyond the model, for the Peppol rules.
    pub facts: SyntaxFacts,
}

/// What a document is, as far as the e-invoice intake is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Classification {
    /// Not well-formed XML, not UTF-8, or empty: there is no document to look at.
    NotXml {
        /// 1-based line of the problem (1 for an empty input).
        line: usize,
        /// 1-based column of the problem (1 for an empty input).
        column: usize,
        /// The error with its German message.
        error: EinvoiceError,
    },
    /// Well-formed XML whose root is not an invoice root element.
    NotInvoice {
        /// Namespace URI of the root element.
        namespace: Option<String>,
        /// Local name of the root element.
        local_name: String,
    },
    /// An invoice syntax, but no scenario for its BT-24: "kein passendes Prüfszenario".
    UnsupportedVersion {
        /// The syntax of the document.
        syntax: Syntax,
        /// BT-24 as found.
        specification_id: Option<String>,
    },
    /// Refused for safety or size (DTD, unknown entity, a limit, a foreign encoding), or a
    /// supported invoice with a value that cannot be read as its type.
    Rejected(EinvoiceError),
    /// A supported invoice with a scenario that is not valid against its XML Schema. As in
    /// the official validator, the rules are not run.
    SchemaInvalid {
        /// The syntax of the document.
        syntax: Syntax,
        /// The scenario its BT-24 selects.
        scenario: &'static Scenario,
        /// One finding per schema violation ([`crate::validate::SCHEMA`], level error).
        findings: Vec<Finding>,
    },
    /// A supported invoice, parsed.
    Invoice(Box<ParsedInvoice>),
}

/// Why [`parse`] found no invoice to validate.
enum Failure {
    Error(EinvoiceError),
    Schema {
        syntax: Syntax,
        scenario: &'static Scenario,
        findings: Vec<SchemaFinding>,
    },
}

impl From<EinvoiceError> for Failure {
    fn from(error: EinvoiceError) -> Self {
        Self::Error(error)
    }
}

/// Parses a document into the EN 16931 model and selects its scenario.
///
/// The checks run in the order of the official validator, so the error tells the first thing
/// that is wrong: encoding and well-formedness of the whole document, then root element, then
/// scenario (BT-24), then values.
pub fn invoice_parse(input: &[u8], limits: &Limits) -> Result<ParsedInvoice, EinvoiceError> {
    parse(input, limits).map_err(|failure| match failure {
        Failure::Error(error) => error,
        Failure::Schema { findings, .. } => EinvoiceError::SchemaInvalid {
            count: findings.len(),
            first: findings
                .into_iter()
                .next()
                .map(|f| f.message)
                .unwrap_or_default(),
        },
    })
}

/// The checks in the official order: well-formedness, root, scenario, XML Schema, values.
fn parse(input: &[u8], limits: &Limits) -> Result<ParsedInvoice, Failure> {
    let text = input::decode(input, limits)?;
    let mut reader = DocumentReader::new(text, limits);
    let root = reader.root()?;
    let namespace = reader.root_namespace().map(str::to_owned);
    let Some(syntax) = Syntax::from_root(namespace.as_deref(), &root.name) else {
        reader.skip_element()?;
        reader.finish()?;
        return Err(EinvoiceError::NotAnInvoice {
            namespace,
            local_name: root.name.into_owned(),
        }
        .into());
    };
    let mapped: Mapped = match syntax {
        Syntax::UblInvoice | Syntax::UblCreditNote => ubl::read(&mut reader, limits)?,
        Syntax::Cii => cii::read(&mut reader, limits)?,
    };
    reader.finish()?;
    let (structure_findings, recorded, mut ambiguous) = reader.structure_findings();
    let schema_findings = reader.schema_findings();
    let ids: Vec<&str> = mapped
        .specification_ids
        .iter()
        .map(String::as_str)
        .collect();
    let Some(scenario) = scenario_select(syntax, &ids) else {
        return Err(EinvoiceError::NoScenario {
            syntax,
            specification_id: mapped.invoice.process_control.specification_id,
        }
        .into());
    };
    if !schema_findings.is_empty() {
        return Err(Failure::Schema {
            syntax,
            scenario,
            findings: schema_findings,
        });
    }
    // Some places are read only on an invoice with a VAT breakdown of one category.
    let breakdowns = &mapped.invoice.vat_breakdown;
    ambiguous.retain(|found| {
        found.singleton.with_vat_category.is_none_or(|category| {
            breakdowns.iter().any(|b| {
                b.category_code
                    .as_deref()
                    .is_some_and(|c| crate::lexical::trim_xml(c) == category)
            })
        })
    });
    // The reference stops at an ambiguous value before any rule could reject a value the
    // model cannot hold.
    if let Some(error) = mapped.first_error
        && ambiguous.is_empty()
    {
        return Err(error.into());
    }
    let mut facts = mapped.facts;
    facts.recorded = recorded;
    Ok(ParsedInvoice {
        syntax,
        scenario,
        invoice: mapped.invoice,
        structure_findings,
        ambiguous,
        facts,
    })
}

/// [`invoice_parse`], sorted into the cases the intake treats differently. Never fails.
#[must_use]
pub fn classify(input: &[u8], limits: &Limits) -> Classification {
    match parse(input, limits) {
        Ok(parsed) => Classification::Invoice(Box::new(parsed)),
        Err(Failure::Schema {
            syntax,
            scenario,
            findings,
        }) => Classification::SchemaInvalid {
            syntax,
            scenario,
            findings: findings
                .into_iter()
                .map(crate::validate::schema_finding)
                .collect(),
        },
        Err(Failure::Error(error)) => match error {
            EinvoiceError::Empty => Classification::NotXml {
                line: 1,
                column: 1,
                error,
            },
            EinvoiceError::InvalidUtf8 { line, column }
            | EinvoiceError::NotWellFormed { line, column, .. } => Classification::NotXml {
                line,
                column,
                error,
            },
            EinvoiceError::NotAnInvoice {
                namespace,
                local_name,
            } => Classification::NotInvoice {
                namespace,
                local_name,
            },
            EinvoiceError::NoScenario {
                syntax,
                specification_id,
            } => Classification::UnsupportedVersion {
                syntax,
                specification_id,
            },
            other => Classification::Rejected(other),
        },
    }
}
