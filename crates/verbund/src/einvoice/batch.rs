//! Finding the files of a batch and checking them in parallel, results in path order.

use std::borrow::Cow;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use verbund_einvoice::{Finding, Level, Limits, Report, Verdict, validate};

/// Our id for a PDF (ZUGFeRD/Factur-X) given where only XML is supported yet.
pub const PDF_NOT_SUPPORTED: &str = "VB-EINV-PDF-NOT-SUPPORTED";

/// The files a batch checks.
pub struct Found {
    /// Every file to check, sorted by path, without duplicates.
    pub files: Vec<PathBuf>,
    /// Files in walked directories that were left out (not `*.xml`).
    pub skipped: usize,
}

/// Expands the command line's paths; every path that cannot be read is reported, all at once.
pub fn collect(paths: &[PathBuf]) -> Result<Found, Vec<String>> {
    let mut found = Found {
        files: Vec::new(),
        skipped: 0,
    };
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => walk(path, &mut found, &mut errors),
            Ok(_) => found.files.push(path.clone()),
            Err(e) => errors.push(format!("cannot read {}: {e}", path.display())),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    found.files.sort();
    found.files.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Found, errors: &mut Vec<String>) {
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(format!("cannot read directory {}: {e}", dir.display()));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push(format!("cannot read directory {}: {e}", dir.display()));
                    continue;
                }
            };
            let path = entry.path();
            // `file_type` does not follow links: a linked directory is not entered (no loops),
            // a linked file is checked like a file.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
                && !std::fs::metadata(&path).is_ok_and(|m| m.is_dir())
            {
                found.files.push(path);
            } else {
                found.skipped += 1;
            }
        }
    }
}

/// True if the bytes are a PDF (its header may follow up to 1024 bytes of junk, as readers
/// accept; we look at the start only, where every conforming writer puts it).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// The report for a PDF: undefined, with one finding saying why.
pub fn pdf_report() -> Report {
    Report {
        verdict: Verdict::Undefined,
        scenario: None,
        syntax: None,
        findings: vec![Finding {
            id: Cow::Borrowed(PDF_NOT_SUPPORTED),
            level: Level::Error,
            message: "PDF-Rechnungen (ZUGFeRD/Factur-X) werden noch nicht unterstützt; \
                      bitte die XML-Rechnung prüfen."
                .to_owned(),
            location: "/".to_owned(),
        }],
    }
}

/// Reads and validates one file.
pub fn check(path: &Path) -> std::io::Result<Report> {
    let bytes = std::fs::read(path)?;
    Ok(if is_pdf(&bytes) {
        pdf_report()
    } else {
        validate(&bytes, &Limits::default())
    })
}

/// Checks every file, in parallel over the available cores; results in the order of `files`.
pub fn check_all(files: &[PathBuf]) -> Vec<std::io::Result<Report>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len());
    if workers <= 1 {
        return files.iter().map(|f| check(f)).collect();
    }
    let progress = Progress::new(files.len());
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<std::io::Result<Report>>> = Vec::new();
    results.resize_with(files.len(), || None);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else {
                            break done;
                        };
                        done.push((i, check(file)));
                        progress.tick();
                    }
                })
            })
            .collect();
        for handle in handles {
            // A worker only panics if the validator does, which it promises not to;
            // re-raising keeps such a bug loud instead of dropping files silently.
            let done = handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
    });
    progress.finish();
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| unreachable!("every index is claimed by one worker")))
        .collect()
}

/// A one-line progress display on stderr, drawn only when stderr is a terminal.
struct Progress {
    total: usize,
    done: AtomicUsize,
    /// When the line was last drawn; `None` when not drawing at all.
    drawn: Option<Mutex<Instant>>,
}

impl Progress {
    const REDRAW: Duration = Duration::from_millis(100);
    const WIDTH: usize = 30;

    fn new(total: usize) -> Self {
        let drawn = std::io::stderr()
            .is_terminal()
            .then(|| Mutex::new(Instant::now()));
        Self {
            total,
            done: AtomicUsize::new(0),
            drawn,
        }
    }

    fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let Some(drawn) = &self.drawn else { return };
        let Ok(mut last) = drawn.try_lock() else {
            return; // another worker is drawing
        };
        if last.elapsed() < Self::REDRAW && done < self.total {
            return;
        }
        *last = Instant::now();
        let filled = done * Self::WIDTH / self.total.max(1);
        let _ = write!(
            std::io::stderr().lock(),
            "\r[{}{}] {done}/{}",
            "#".repeat(filled),
            " ".repeat(Self::WIDTH - filled),
            self.total
        );
    }

    fn finish(&self) {
        if self.drawn.is_some() {
            // Clear the line so the report starts clean when stdout is the same terminal.
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}
