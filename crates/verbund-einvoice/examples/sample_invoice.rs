//! Writes a synthetic, valid XRechnung UBL invoice with N lines to standard output, for the
//! benchmarks: `cargo run --release -p verbund-einvoice --example sample_invoice -- 1000`.

use std::io::Write as _;

use verbund_einvoice::sample::{Sample, ubl_invoice};

fn main() {
    let lines = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let xml = ubl_invoice(&Sample {
        number: "BENCH-1",
        issue_date: "2026-11-20",
        leitweg_id: "04011000-12345-03",
        buyer_name: "Beispielbehörde",
        lines,
    });
    if std::io::stdout().write_all(xml.as_bytes()).is_err() {
        std::process::exit(2);
    }
}
