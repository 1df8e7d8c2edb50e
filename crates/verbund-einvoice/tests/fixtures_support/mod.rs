//! Mutation recipes of the official XRechnung test invoices with their expected KoSIT verdicts
//! (`tests/fixtures/mutations.toml`, computed by `tools/einvoice-fixtures/generate.py`).
//!
//! A recipe names a source file of `../shared/testdata/xrechnung-testsuite` and a list of
//! exact-substring edits; the mutated XML exists only in memory. Shared by `tests/fixtures.rs`
//! (the recipes must not rot) and the differential test of the rules engine (our findings
//! against `Expected`, id by id).
#![allow(
    dead_code,
    reason = "each test crate uses a different part of this module"
)]

use std::path::{Path, PathBuf};

/// The recipe file, inside the crate.
pub const RECIPES_FILE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mutations.toml");

/// Where recipe sources live, relative to the `shared/` directory.
pub const SUITE_DIR: &str = "testdata/xrechnung-testsuite";

/// One exact-substring replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Text that must occur in the document as it is after the previous edits.
    pub find: String,
    /// Replacement text (empty deletes).
    pub replace: String,
    /// Replace every occurrence instead of the first one.
    pub all: bool,
}

/// The KoSIT recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Reject,
    /// A run-time error in the schematron: KoSIT gives no recommendation (never accept).
    Undefined,
}

/// The step of the KoSIT procedure at which the decision fell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Not well-formed XML.
    Wellformedness,
    /// No scenario (or more than one) matched: unsupported document or BT-24.
    Scenario,
    /// The scenario's XML Schema failed; the schematron was skipped.
    Xsd,
    /// The schematron ran; `errors`/`warnings`/`infos` hold its findings.
    Schematron,
}

/// What the reference pipeline says about the mutated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub verdict: Verdict,
    pub stage: Stage,
    /// KoSIT scenario name; `None` when no scenario matched or the input is not XML.
    pub scenario: Option<String>,
    /// Rule ids with level error after the scenario's `customLevel`, sorted, unique.
    pub errors: Vec<String>,
    /// Rule ids with level warning after `customLevel`, sorted, unique.
    pub warnings: Vec<String>,
    /// Rule ids with level information after `customLevel`, sorted, unique.
    pub infos: Vec<String>,
}

/// One mutation of one official test invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    /// Unique, `[a-z0-9][a-z0-9._-]*`.
    pub name: String,
    /// Rule family it targets (`BR`, `BR-CO`, `BR-DE`, `UBL-CR`, `XSD`, `SCENARIO`, …).
    pub family: String,
    /// Source invoice, relative to `shared/testdata/xrechnung-testsuite`.
    pub source: String,
    /// Which rule the mutation targets and how.
    pub purpose: String,
    pub edits: Vec<Edit>,
    pub expected: Expected,
}

impl Recipe {
    /// `UBL-Invoice`, `UBL-CreditNote` or `CII`, from the source file and the edits.
    #[must_use]
    pub fn syntax(&self) -> &'static str {
        if self.source.ends_with("_uncefact.xml") {
            "CII"
        } else if self
            .edits
            .iter()
            .any(|e| e.replace.contains(":CreditNote-2"))
        {
            "UBL-CreditNote"
        } else {
            "UBL-Invoice"
        }
    }
}

/// All recipes in file order. Panics with the recipe's name when the file is malformed
/// (unknown keys, bad verdict/stage, unsorted ids, duplicate names).
#[must_use]
pub fn recipes() -> Vec<Recipe> {
    let text =
        std::fs::read_to_string(RECIPES_FILE).unwrap_or_else(|e| panic!("{RECIPES_FILE}: {e}"));
    recipes_parse(&text).unwrap_or_else(|e| panic!("{RECIPES_FILE}: {e}"))
}

/// Parses the recipe file's text.
pub fn recipes_parse(text: &str) -> Result<Vec<Recipe>, String> {
    let table: toml::Table = text.parse().map_err(|e| format!("not TOML: {e}"))?;
    let Some(toml::Value::Array(items)) = table.get("recipe") else {
        return Err("no [[recipe]] array".to_owned());
    };
    let mut recipes: Vec<Recipe> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let recipe = recipe_parse(item).map_err(|e| format!("recipe #{index}: {e}"))?;
        if recipes.iter().any(|r| r.name == recipe.name) {
            return Err(format!("recipe {}: duplicate name", recipe.name));
        }
        recipes.push(recipe);
    }
    Ok(recipes)
}

fn recipe_parse(item: &toml::Value) -> Result<Recipe, String> {
    let table = item.as_table().ok_or("not a table")?;
    keys_known(
        table,
        &["name", "family", "source", "purpose", "edits", "expected"],
    )?;
    let name = string(table, "name")?;
    let named = |e: String| format!("{name}: {e}");
    let valid_name = name.bytes().enumerate().all(|(i, b)| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || (i > 0 && matches!(b, b'.' | b'_' | b'-'))
    });
    if name.is_empty() || !valid_name {
        return Err(named("name must match [a-z0-9][a-z0-9._-]*".to_owned()));
    }
    let source = string(table, "source").map_err(named)?;
    if name.starts_with("cii-") != source.ends_with("_uncefact.xml")
        || !(name.starts_with("cii-") || name.starts_with("ubl-"))
    {
        return Err(named(
            "name must start with cii- for CII sources, ubl- for UBL sources".to_owned(),
        ));
    }
    let edits = match table.get("edits") {
        Some(toml::Value::Array(edits)) => edits
            .iter()
            .map(edit_parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(named)?,
        _ => return Err(named("edits missing".to_owned())),
    };
    if edits.is_empty() {
        return Err(named("no edits".to_owned()));
    }
    let expected = table
        .get("expected")
        .ok_or_else(|| {
            named("expected missing: run tools/einvoice-fixtures/generate.py".to_owned())
        })
        .and_then(|e| expected_parse(e).map_err(named))?;
    Ok(Recipe {
        family: string(table, "family").map_err(named)?,
        source,
        purpose: string(table, "purpose").map_err(named)?,
        name,
        edits,
        expected,
    })
}

fn edit_parse(item: &toml::Value) -> Result<Edit, String> {
    let table = item.as_table().ok_or("edit is not a table")?;
    keys_known(table, &["find", "replace", "all"])?;
    let find = string(table, "find")?;
    if find.is_empty() {
        return Err("edit with an empty find".to_owned());
    }
    let replace = match table.get("replace") {
        None => String::new(),
        Some(v) => v.as_str().ok_or("replace is not a string")?.to_owned(),
    };
    let all = match table.get("all") {
        None => false,
        Some(v) => v.as_bool().ok_or("all is not a boolean")?,
    };
    Ok(Edit { find, replace, all })
}

fn expected_parse(item: &toml::Value) -> Result<Expected, String> {
    let table = item.as_table().ok_or("expected is not a table")?;
    keys_known(
        table,
        &[
            "verdict", "stage", "scenario", "errors", "warnings", "infos",
        ],
    )?;
    let verdict = match string(table, "verdict")?.as_str() {
        "accept" => Verdict::Accept,
        "reject" => Verdict::Reject,
        "undefined" => Verdict::Undefined,
        other => return Err(format!("unknown verdict {other:?}")),
    };
    let stage = match string(table, "stage")?.as_str() {
        "wellformedness" => Stage::Wellformedness,
        "scenario" => Stage::Scenario,
        "xsd" => Stage::Xsd,
        "schematron" => Stage::Schematron,
        other => return Err(format!("unknown stage {other:?}")),
    };
    let scenario = match table.get("scenario") {
        None => None,
        Some(v) => Some(v.as_str().ok_or("scenario is not a string")?.to_owned()),
    };
    Ok(Expected {
        verdict,
        stage,
        scenario,
        errors: ids(table, "errors")?,
        warnings: ids(table, "warnings")?,
        infos: ids(table, "infos")?,
    })
}

fn keys_known(table: &toml::Table, known: &[&str]) -> Result<(), String> {
    match table.keys().find(|k| !known.contains(&k.as_str())) {
        Some(key) => Err(format!("unknown key {key:?}")),
        None => Ok(()),
    }
}

fn string(table: &toml::Table, key: &str) -> Result<String, String> {
    match table.get(key).and_then(toml::Value::as_str) {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(format!("{key} missing or not a non-empty string")),
    }
}

/// A list of rule ids that must be sorted, unique and non-empty strings.
fn ids(table: &toml::Table, key: &str) -> Result<Vec<String>, String> {
    let values = table
        .get(key)
        .and_then(toml::Value::as_array)
        .ok_or_else(|| format!("{key} missing or not an array"))?;
    let ids = values
        .iter()
        .map(|v| match v.as_str() {
            Some(s) if !s.is_empty() && !s.contains(char::is_whitespace) => Ok(s.to_owned()),
            _ => Err(format!("{key}: {v} is not a rule id")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if ids.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("{key} not sorted and unique: {ids:?}"));
    }
    Ok(ids)
}

/// The source invoice of `recipe` below `shared` (the directory `shared_data::shared_dir`
/// returns).
#[must_use]
pub fn source_path(recipe: &Recipe, shared: &Path) -> PathBuf {
    shared.join(SUITE_DIR).join(&recipe.source)
}

/// Applies the edits to `source`, in order. Errors name the first edit whose `find` does not
/// occur.
pub fn edits_apply(recipe: &Recipe, source: &str) -> Result<String, String> {
    let mut text = source.to_owned();
    for (index, edit) in recipe.edits.iter().enumerate() {
        if !text.contains(&edit.find) {
            return Err(format!(
                "{}: edit #{index}: find {:?} does not occur",
                recipe.name, edit.find
            ));
        }
        text = if edit.all {
            text.replace(&edit.find, &edit.replace)
        } else {
            text.replacen(&edit.find, &edit.replace, 1)
        };
    }
    Ok(text)
}

/// The mutated document of `recipe`. Panics when the source is missing or not UTF-8, or an
/// edit does not apply (the recipe has rotted).
#[must_use]
pub fn apply(recipe: &Recipe, shared: &Path) -> Vec<u8> {
    let path = source_path(recipe, shared);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {}: {e}", recipe.name, path.display()));
    edits_apply(recipe, &source)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_bytes()
}
