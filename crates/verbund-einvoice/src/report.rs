//! The outcome of [`crate::validate`]: a verdict and the findings that led to it.
//!
//! This module owns the report vocabulary only; how findings are produced lives in
//! `validate.rs` (pipeline) and `rules/` (the rule table).

use std::borrow::Cow;

use crate::scenario::{Level, Scenario, Syntax};

/// The recommendation, as the KoSIT validator gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// No finding has level error.
    Accept,
    /// At least one finding has level error.
    Reject,
    /// Validation could not complete; never to be treated as accept.
    Undefined,
}

/// One failed rule (or a classification outcome with an id of our own, `VB-EINV-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The schematron assert id (`BR-CO-10`) or our own id (`VB-EINV-NOT-XML`).
    pub id: Cow<'static, str>,
    /// The level after the scenario's `customLevel` overrides.
    pub level: Level,
    /// The official message text of the assert, or a German text for our own ids.
    pub message: String,
    /// XPath-like path of the offending element (`/Invoice/cac:InvoiceLine[2]`).
    pub location: String,
}

/// Everything [`crate::validate`] found out about one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Accept, reject or undefined.
    pub verdict: Verdict,
    /// The scenario that was applied, if one matched.
    pub scenario: Option<&'static Scenario>,
    /// The syntax of the document, if it is an invoice syntax.
    pub syntax: Option<Syntax>,
    /// All findings in rule-table order (classification findings come alone).
    pub findings: Vec<Finding>,
}

impl Report {
    /// A report whose verdict follows from its findings: reject iff any has level error.
    #[must_use]
    pub fn from_findings(
        scenario: Option<&'static Scenario>,
        syntax: Option<Syntax>,
        findings: Vec<Finding>,
    ) -> Self {
        let verdict = if findings.iter().any(|f| f.level == Level::Error) {
            Verdict::Reject
        } else {
            Verdict::Accept
        };
        Self {
            verdict,
            scenario,
            syntax,
            findings,
        }
    }

    /// The ids of the findings with level error, in report order.
    pub fn error_ids(&self) -> impl Iterator<Item = &str> {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| f.id.as_ref())
    }
}
