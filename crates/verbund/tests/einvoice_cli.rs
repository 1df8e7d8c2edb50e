//! `verbund einvoice validate|show` as a user runs them: the real binary, real files, exit
//! codes and output. Tests that need the official test suite in `../shared` print
//! `skipped: …` when it is absent and fail instead when `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use verbund_store::testing::say_skipped;

const BIN: &str = env!("CARGO_BIN_EXE_verbund");

/// The XRechnung test suite directory, or `None` after saying why it is skipped.
fn suite(test: &str) -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/testdata/xrechnung-testsuite"))
        .find(|dir| dir.is_dir());
    if found.is_none() {
        let reason = "no ancestor of CARGO_MANIFEST_DIR has shared/testdata/xrechnung-testsuite";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: {reason} (CI=true)"
        );
        say_skipped(&format!("{test}: {reason}"));
    }
    found
}

fn run(args: &[&str]) -> Output {
    // A directory without verbund.toml and no VERBUND_* settings: validate needs neither.
    let dir = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .current_dir(dir.path())
        .args(args)
        .env_remove("VERBUND_DATABASE_URL")
        .output()
        .expect("run verbund")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Vec<Value> {
    match serde_json::from_slice(&o.stdout) {
        Ok(Value::Array(files)) => files,
        other => panic!("not a JSON array: {other:?}\n{}", stdout(o)),
    }
}

fn error_ids(file: &Value) -> Vec<&str> {
    file["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_test_suite_is_accepted_in_path_order() {
    let Some(suite) = suite("the_test_suite_is_accepted_in_path_order") else {
        return;
    };
    let out = run(&["einvoice", "validate", "--format", "json", s(&suite)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let files = json(&out);
    assert_eq!(files.len(), 86);
    let mut names = Vec::new();
    for f in &files {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["errors", "file", "infos", "scenario", "verdict", "warnings"]
        );
        assert_eq!(f["verdict"], "accept", "{f}");
        assert!(f["scenario"].is_string(), "{f}");
        assert!(f["errors"].as_array().unwrap().is_empty(), "{f}");
        names.push(f["file"].as_str().unwrap().to_owned());
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "results must come in path order");
}

#[test]
fn the_text_report_ends_with_a_summary_in_either_language() {
    let Some(suite) = suite("the_text_report_ends_with_a_summary_in_either_language") else {
        return;
    };
    let out = run(&["einvoice", "validate", s(&suite)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let summary = text.lines().last().unwrap();
    // The suite directory also holds a licence and READMEs: left out and counted.
    assert_eq!(
        summary,
        "Zusammenfassung: 86 Dateien geprüft: 86 angenommen, 0 abgelehnt, 0 unbestimmt; \
         4 Dateien übersprungen (keine .xml-Datei)"
    );
    let out = run(&["einvoice", "validate", "--lang", "en", s(&suite)]);
    let text = stdout(&out);
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with("Summary: 86 files checked: 86 accepted, 0 rejected, 0 undefined"),
        "{text}"
    );
}

/// A suite invoice edited the way a test of the rules would: a total changed, and once the
/// invoice number removed, which the XML Schema already refuses.
#[test]
fn a_broken_invoice_is_rejected_with_the_rule_ids() {
    let Some(suite) = suite("a_broken_invoice_is_rejected_with_the_rule_ids") else {
        return;
    };
    let original =
        std::fs::read_to_string(suite.join("business-cases/standard/01.01a-INVOICE_ubl.xml"))
            .unwrap();
    let broken = original.replacen(
        ">336.9</cbc:PayableAmount>",
        ">1336.9</cbc:PayableAmount>",
        1,
    );
    assert_ne!(broken, original, "the suite file changed; adapt the edit");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.xml");
    std::fs::write(&path, broken).unwrap();
    let good = dir.path().join("good.xml");
    std::fs::write(&good, &original).unwrap();

    let out = run(&["einvoice", "validate", "--format", "json", s(dir.path())]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let files = json(&out);
    assert_eq!(files.len(), 2);
    assert!(files[0]["file"].as_str().unwrap().ends_with("broken.xml"));
    assert_eq!(files[0]["verdict"], "reject");
    assert!(error_ids(&files[0]).contains(&"BR-CO-16"), "{}", files[0]);
    assert_eq!(files[0]["errors"][0]["level"], "error");
    assert!(files[0]["errors"][0]["location"].is_string());
    assert_eq!(files[1]["verdict"], "accept");

    let out = run(&["einvoice", "validate", s(&path)]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("abgelehnt") && text.contains("BR-CO-16"),
        "{text}"
    );

    // Without its invoice number the invoice is not valid against the UBL schema: the rules
    // do not run, the finding says where the schema was violated.
    let no_number = original.replacen("<cbc:ID>123456XX</cbc:ID>", "", 1);
    std::fs::write(&path, no_number).unwrap();
    let out = run(&["einvoice", "validate", "--format", "json", s(&path)]);
    assert_eq!(code(&out), 1);
    let files = json(&out);
    assert_eq!(error_ids(&files[0]), ["VB-EINV-XSD"], "{}", files[0]);
    assert_eq!(files[0]["errors"][0]["location"], "/Invoice/cbc:IssueDate");
}

#[test]
fn a_file_that_is_not_an_invoice_is_not_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("brief.txt");
    std::fs::write(&text, "Sehr geehrte Damen und Herren,").unwrap();
    let pdf = dir.path().join("rechnung.pdf");
    std::fs::write(&pdf, "%PDF-1.7\n%âãÏÓ\n").unwrap();

    // Named on the command line, both are checked whatever their name says.
    let out = run(&[
        "einvoice",
        "validate",
        "--format",
        "json",
        s(&text),
        s(&pdf),
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let files = json(&out);
    assert_eq!(files[0]["verdict"], "reject");
    assert_eq!(error_ids(&files[0]), ["VB-EINV-NOT-XML"]);
    assert!(files[0]["scenario"].is_null());
    assert_eq!(files[1]["verdict"], "undefined");
    assert_eq!(error_ids(&files[1]), ["VB-EINV-PDF-NOT-SUPPORTED"]);

    // In a directory, only *.xml files are checked.
    let out = run(&["einvoice", "validate", s(dir.path())]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with(
            "Zusammenfassung: 0 Dateien geprüft: 0 angenommen, 0 abgelehnt, 0 unbestimmt; \
             2 Dateien übersprungen (keine .xml-Datei)\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_path_is_an_io_error_with_a_message() {
    let out = run(&["einvoice", "validate", "/nonexistent/rechnung.xml"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot read /nonexistent/rechnung.xml"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty());

    let out = run(&["einvoice", "show", "--html", "/nonexistent/rechnung.xml"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("cannot read"));

    // No path at all is a usage error.
    let out = run(&["einvoice", "validate"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn show_html_renders_every_group_with_german_labels() {
    let Some(suite) = suite("show_html_renders_every_group_with_german_labels") else {
        return;
    };
    let file = suite.join("technical-cases/cius/01.01_comprehensive_test_ubl.xml");
    let out = run(&["einvoice", "show", "--html", s(&file)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"));
    for expected in [
        "Rechnungsnummer <span class=\"term\">(BT-1)</span>",
        "Gültig: die Rechnung wird angenommen",
        "Verkäufer <span class=\"term\">(BG-4)</span>",
        "Käufer <span class=\"term\">(BG-7)</span>",
        "Gesamtbeträge <span class=\"term\">(BG-22)</span>",
        "Aufschlüsselung der Umsatzsteuer",
        "Rechnungspositionen <span class=\"term\">(BG-25)</span>",
        "Fälliger Zahlungsbetrag <span class=\"term\">(BT-115)</span>",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    // Self-contained: nothing is loaded from elsewhere.
    for external in ["<script", "<link", " src=", "url("] {
        assert!(!html.contains(external), "{external} in the page");
    }

    // --output writes the same page to a file; a text summary without --html.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("rechnung.html");
    let out = run(&["einvoice", "show", "--html", "--output", s(&page), s(&file)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), html);
    let out = run(&["einvoice", "show", s(&file)]);
    assert!(
        stdout(&out).contains("Prüfergebnis: angenommen"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn show_html_escapes_what_the_document_says() {
    let Some(suite) = suite("show_html_escapes_what_the_document_says") else {
        return;
    };
    let original =
        std::fs::read_to_string(suite.join("business-cases/standard/01.01a-INVOICE_ubl.xml"))
            .unwrap();
    let hostile = original.replacen(
        "<cbc:ID>123456XX</cbc:ID>",
        "<cbc:ID>&lt;script&gt;alert(1)&lt;/script&gt;</cbc:ID>",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.xml");
    std::fs::write(&path, hostile).unwrap();
    let out = run(&["einvoice", "show", "--html", s(&path)]);
    let html = stdout(&out);
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
}
