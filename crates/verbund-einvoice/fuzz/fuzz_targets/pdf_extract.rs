//! Any bytes behind a PDF header: the ZUGFeRD / Factur-X extractor must return, never panic,
//! and decode no more than its budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbund_einvoice::{Limits, PdfError, pdf_extract};

fuzz_target!(|data: &[u8]| {
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
});
