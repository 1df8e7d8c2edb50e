//! The no-false-positive guard: every instance of the official XRechnung test suite is valid,
//! so [`validate`] must accept all 86 and report no finding of level error.

mod shared_data;

use verbund_einvoice::{Level, Limits, Verdict, validate};

#[test]
fn every_testsuite_invoice_is_accepted_without_error_findings() {
    let Some(shared) = shared_data::shared_dir("every_testsuite_invoice_is_accepted") else {
        return;
    };
    let files = shared_data::xml_files(&shared.join("testdata/xrechnung-testsuite"));
    assert_eq!(files.len(), 86, "the suite has 86 instances");
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).expect("test suite file is readable");
        let report = validate(&bytes, &Limits::default());
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| format!("{} at {}", f.id, f.location))
            .collect();
        if report.verdict != Verdict::Accept || !errors.is_empty() {
            failures.push(format!(
                "{}: {:?} {errors:?}",
                file.display(),
                report.verdict
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} not accepted:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
