//! Any bytes behind a PDF header: the ZUGFeRD / Factur-X extractor must return, never panic,
//! decode no more than its budget, and finish in time: the reader is linear, so an input of
//! libFuzzer's default size (4 KiB) that takes longer than the deadline shows a shape that is
//! not (libFuzzer's own `-timeout` is 20 minutes by default, far beyond any such case).
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbund_einvoice::{Limits, PdfError, pdf_extract};

/// Generous for an instrumented build (AddressSanitizer, coverage); linear inputs of this size
/// take well under a millisecond.
const DEADLINE: std::time::Duration = std::time::Duration::from_millis(250);

fuzz_target!(|data: &[u8]| {
    let started = std::time::Instant::now();
    let limits = Limits {
        input_bytes_max: 1024 * 1024,
        ..Limits::default()
    };
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(data);
    match pdf_extract(&pdf, &limits) {
        Ok(found) => assert!(found.xml.len() <= limits.input_bytes_max),
        Err(PdfError::NotPdf) => panic!("a PDF header was not recognised"),
        Err(_) => {}
    }
    let took = started.elapsed();
    assert!(took < DEADLINE, "{} bytes took {took:?}", data.len());
});
