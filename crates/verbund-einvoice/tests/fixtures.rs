//! The mutation recipes (`tests/fixtures/mutations.toml`) stay applicable and well-formed, and
//! the parser survives every mutated document. The expected verdicts come from the KoSIT
//! reference pipeline (`tools/einvoice-fixtures/generate.py`); no validator is compared here.

mod fixtures_support;
mod shared_data;

use std::panic::{AssertUnwindSafe, catch_unwind};

use fixtures_support::{Stage, Verdict, edits_apply, recipes, source_path};
use verbund_einvoice::{Limits, classify};

#[test]
fn recipes_parse_and_expectations_are_consistent() {
    let recipes = recipes();
    assert!(recipes.len() >= 200, "only {} recipes", recipes.len());
    for recipe in &recipes {
        let expected = &recipe.expected;
        let name = &recipe.name;
        match expected.stage {
            Stage::Wellformedness | Stage::Scenario => {
                assert_eq!(expected.verdict, Verdict::Reject, "{name}");
                assert_eq!(expected.scenario, None, "{name}: scenario without a match");
            }
            Stage::Xsd => {
                assert_eq!(expected.verdict, Verdict::Reject, "{name}");
                assert!(
                    expected.scenario.is_some(),
                    "{name}: XSD step needs a scenario"
                );
            }
            Stage::Schematron => {
                assert!(
                    expected.scenario.is_some(),
                    "{name}: schematron needs a scenario"
                );
                let has_errors = !expected.errors.is_empty();
                match expected.verdict {
                    Verdict::Accept => assert!(!has_errors, "{name}: accept with errors"),
                    Verdict::Reject => assert!(has_errors, "{name}: reject without errors"),
                    // KoSIT stops on an XSLT run-time error; kosit_ref.py names it.
                    Verdict::Undefined => assert!(
                        expected.errors.iter().any(|id| id == "PROCESSING_ERROR"),
                        "{name}: undefined without a processing error"
                    ),
                }
            }
        }
        if expected.stage != Stage::Schematron {
            let findings = expected.errors.len() + expected.warnings.len() + expected.infos.len();
            assert_eq!(findings, 0, "{name}: findings before the schematron step");
        }
    }
}

#[test]
fn every_recipe_applies_and_changes_its_source() {
    let Some(shared) = shared_data::shared_dir("every_recipe_applies_and_changes_its_source")
    else {
        return;
    };
    let mut failures = Vec::new();
    for recipe in recipes() {
        let path = source_path(&recipe, &shared);
        let Ok(source) = std::fs::read_to_string(&path) else {
            failures.push(format!(
                "{}: source {} missing",
                recipe.name,
                path.display()
            ));
            continue;
        };
        match edits_apply(&recipe, &source) {
            Ok(mutated) if mutated == source => {
                failures.push(format!("{}: edits leave the source unchanged", recipe.name));
            }
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn classify_survives_every_mutation() {
    let Some(shared) = shared_data::shared_dir("classify_survives_every_mutation") else {
        return;
    };
    let limits = Limits::default();
    let mut panicked = Vec::new();
    let mut checked = 0_usize;
    for recipe in recipes() {
        // Accepted mutations are real invoices; classify must survive them too, so all are run.
        let bytes = fixtures_support::apply(&recipe, &shared);
        if catch_unwind(AssertUnwindSafe(|| classify(&bytes, &limits))).is_err() {
            panicked.push(recipe.name.clone());
        }
        if recipe.expected.verdict == Verdict::Reject {
            checked += 1;
        }
    }
    assert!(checked > 0, "no reject recipe");
    assert!(panicked.is_empty(), "classify panicked on: {panicked:?}");
}

#[test]
fn credit_note_recipes_exist_and_one_is_accepted() {
    let recipes = recipes();
    let credit_notes: Vec<_> = recipes
        .iter()
        .filter(|r| r.syntax() == "UBL-CreditNote")
        .collect();
    assert!(
        credit_notes.len() >= 10,
        "{} credit notes",
        credit_notes.len()
    );
    assert!(
        credit_notes
            .iter()
            .any(|r| r.expected.verdict == Verdict::Accept
                && r.expected.scenario.as_deref() == Some("EN16931 XRechnung (UBL CreditNote)")),
        "no accepted XRechnung CreditNote recipe"
    );
}
