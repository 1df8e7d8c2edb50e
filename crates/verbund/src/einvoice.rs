//! `verbund einvoice validate|show`: the e-invoice library on files.
//!
//! This path is deliberately light: no configuration, no database, no async runtime, no
//! logging subscriber. `main` dispatches here before any of those is built, so checking one
//! file costs little more than process start-up and the parse itself.
//!
//! Which files: a path named on the command line is always checked, whatever its name; a
//! directory is walked recursively and only files ending in `.xml` (any case) are checked —
//! other files are counted as skipped and named in the summary. Symbolic links to
//! directories are not followed (no loops). A PDF named directly (`%PDF-` magic) gets the
//! verdict undefined with the finding [`batch::PDF_NOT_SUPPORTED`]: it may well hold a valid
//! ZUGFeRD/Factur-X invoice, so "reject" would be wrong, and "accept" would be a lie.

mod batch;
mod output;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use verbund_einvoice::{Classification, Limits, Report, classify, render, validate_classified};

/// Validate or show XRechnung e-invoices (UBL or CII) without a database.
#[derive(Subcommand)]
pub enum EinvoiceCommand {
    /// Validate invoices against the XRechnung 3.0.2 rules. Exit code 0 when every file is
    /// accepted, 1 when any is rejected or undefined, 2 on a usage or I/O error.
    Validate(ValidateArgs),
    /// Show one invoice: a short German summary, or a printable HTML page with --html.
    /// Exit code as for validate.
    Show(ShowArgs),
}

/// Output format of `validate`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A report for people, with a summary line.
    Text,
    /// One JSON array with an object per file, sorted by path.
    Json,
}

/// Language of the text report. Headings, verdicts, levels and the summary are translated;
/// rule messages stay as published (official rules: English; our VB-EINV ids: German).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Deutsch.
    De,
    /// English.
    En,
}

#[derive(Args)]
pub struct ValidateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Language of the text report (rule messages stay as published).
    #[arg(long, value_enum, default_value_t = Lang::De)]
    lang: Lang,
    /// Invoice files, or directories searched recursively for *.xml.
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    paths: Vec<PathBuf>,
}

#[derive(Args)]
pub struct ShowArgs {
    /// Write a self-contained, printable HTML page instead of the text summary.
    #[arg(long)]
    html: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The invoice file (UBL or CII XML).
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Exit code: every file accepted.
const EXIT_ACCEPTED: u8 = 0;
/// Exit code: some file rejected or undefined.
const EXIT_NOT_ACCEPTED: u8 = 1;
/// Exit code: usage or I/O error.
const EXIT_IO: u8 = 2;

/// Runs one `verbund einvoice …` command; never needs the runtime, configuration or database.
pub fn run(command: EinvoiceCommand) -> ExitCode {
    match command {
        EinvoiceCommand::Validate(args) => ExitCode::from(validate_run(&args)),
        EinvoiceCommand::Show(args) => ExitCode::from(show_run(&args)),
    }
}

fn validate_run(args: &ValidateArgs) -> u8 {
    let found = match batch::collect(&args.paths) {
        Ok(found) => found,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return EXIT_IO;
        }
    };
    let results = batch::check_all(&found.files);
    let mut io_failed = false;
    let mut checked = Vec::with_capacity(results.len());
    for (path, result) in found.files.iter().zip(results) {
        match result {
            Ok(report) => checked.push((path.as_path(), report)),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                io_failed = true;
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Json => output::json(&mut out, &checked),
        Format::Text => output::text(&mut out, &checked, found.skipped, args.lang),
    };
    match written.and_then(|()| out.flush()) {
        // The reader stopped early (`| head`): nothing to report, the verdict still counts.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            return EXIT_IO;
        }
        Ok(()) => {}
    }
    if io_failed {
        EXIT_IO
    } else if checked
        .iter()
        .all(|(_, r)| r.verdict == verbund_einvoice::Verdict::Accept)
    {
        EXIT_ACCEPTED
    } else {
        EXIT_NOT_ACCEPTED
    }
}

fn show_run(args: &ShowArgs) -> u8 {
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.file.display());
            return EXIT_IO;
        }
    };
    let (classification, report) = if batch::is_pdf(&bytes) {
        (None, batch::pdf_report())
    } else {
        let classification = classify(&bytes, &Limits::default());
        let report = validate_classified(&classification);
        (Some(classification), report)
    };
    let parsed = match &classification {
        Some(Classification::Invoice(p)) => Some(p.as_ref()),
        _ => None,
    };
    let name = file_name(&args.file);
    let page = if args.html {
        render::invoice_html(&name, parsed, &report)
    } else {
        output::summary_de(&name, parsed, &report)
    };
    let written = if let Some(path) = &args.output {
        std::fs::write(path, page.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(page.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write to standard output: {e}"))
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_IO;
    }
    exit_for(&report)
}

fn exit_for(report: &Report) -> u8 {
    if report.verdict == verbund_einvoice::Verdict::Accept {
        EXIT_ACCEPTED
    } else {
        EXIT_NOT_ACCEPTED
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
