//! Any bytes: classification and validation must return, never panic, and stay within the
//! limits; a report is never `accept` with an error finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbund_einvoice::{Level, Limits, Verdict, classify, validate};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast, so the fuzzer explores structure rather than size.
    let limits = Limits {
        depth_max: 32,
        element_count_max: 20_000,
        record_element_count_max: 5_000,
        ..Limits::default()
    };
    let _ = classify(data, &limits);
    let report = validate(data, &limits);
    if report.verdict == Verdict::Accept {
        assert!(report.findings.iter().all(|f| f.level != Level::Error));
    }
});
