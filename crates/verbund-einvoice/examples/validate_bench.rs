//! In-process validation time per invoice, for BENCHMARKS.md (never a test):
//! `cargo run --release -p verbund-einvoice --example validate_bench -- ROUNDS FILE_OR_DIR...`
//!
//! Reads every `*.xml` below the arguments into memory, validates each file ROUNDS times after
//! one warm-up round, and prints per file the median time, then the median over files of those
//! medians, the mean, and the verdict counts. Files are validated one at a time on one thread.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use verbund_einvoice::{Limits, Verdict, validate};

/// The allocator of the `verbund` binary, so that the times are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args
        .next()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20)
        .max(1);
    let mut files = Vec::new();
    for arg in args {
        collect(Path::new(&arg), &mut files);
    }
    files.sort();
    if files.is_empty() {
        eprintln!("usage: validate_bench ROUNDS FILE_OR_DIR...");
        std::process::exit(2);
    }
    let limits = Limits::default();
    let mut medians = Vec::with_capacity(files.len());
    let (mut accepted, mut other) = (0, 0);
    let mut bytes = 0;
    for path in &files {
        let Ok(data) = std::fs::read(path) else {
            eprintln!("cannot read {}", path.display());
            std::process::exit(2);
        };
        bytes += data.len();
        let verdict = validate(&data, &limits).verdict;
        if verdict == Verdict::Accept {
            accepted += 1;
        } else {
            other += 1;
        }
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(validate(std::hint::black_box(&data), &limits));
                start.elapsed()
            })
            .collect();
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{:>10.1} µs  {:>9} B  {}",
            median.as_secs_f64() * 1e6,
            data.len(),
            path.display()
        );
        medians.push(median);
    }
    let mut sorted = medians.clone();
    sorted.sort();
    let mean = medians.iter().sum::<Duration>() / u32::try_from(medians.len()).unwrap_or(1);
    println!(
        "files={} bytes={} rounds={} accepted={} other={} median_of_medians={:.1} µs mean={:.1} µs max={:.1} µs",
        files.len(),
        bytes,
        rounds,
        accepted,
        other,
        sorted[sorted.len() / 2].as_secs_f64() * 1e6,
        mean.as_secs_f64() * 1e6,
        sorted[sorted.len() - 1].as_secs_f64() * 1e6,
    );
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for entry in entries.flatten() {
                collect(&entry.path(), files);
            }
        }
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
    {
        files.push(path.to_path_buf());
    }
}
