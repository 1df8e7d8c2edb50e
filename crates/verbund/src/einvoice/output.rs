//! The reports `validate` and `show` write: JSON for machines, text for people.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use verbund_einvoice::{Finding, Level, ParsedInvoice, Report, Verdict, render};

use super::Lang;

/// One file in the JSON report.
#[derive(Serialize)]
struct FileJson<'a> {
    file: String,
    verdict: &'static str,
    scenario: Option<&'static str>,
    errors: Vec<FindingJson<'a>>,
    warnings: Vec<FindingJson<'a>>,
    infos: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    id: &'a str,
    level: &'static str,
    message: &'a str,
    location: &'a str,
}

fn verdict_key(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Accept => "accept",
        Verdict::Reject => "reject",
        Verdict::Undefined => "undefined",
    }
}

fn level_key(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Information => "information",
    }
}

fn findings_json(report: &Report, level: Level) -> Vec<FindingJson<'_>> {
    report
        .findings
        .iter()
        .filter(|f| f.level == level)
        .map(|f| FindingJson {
            id: &f.id,
            level: level_key(f.level),
            message: &f.message,
            location: &f.location,
        })
        .collect()
}

/// Writes one JSON array, an object per file in the given (path) order.
pub fn json(out: &mut impl Write, checked: &[(&Path, Report)]) -> io::Result<()> {
    let files: Vec<FileJson<'_>> = checked
        .iter()
        .map(|(path, report)| FileJson {
            file: path.display().to_string(),
            verdict: verdict_key(report.verdict),
            scenario: report.scenario.map(|s| s.name),
            errors: findings_json(report, Level::Error),
            warnings: findings_json(report, Level::Warning),
            infos: findings_json(report, Level::Information),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &files)?;
    writeln!(out)
}

/// The words of the text report in one language.
struct Words {
    verdict: fn(Verdict) -> &'static str,
    level: fn(Level) -> &'static str,
    scenario: &'static str,
    summary: &'static str,
    files_checked: &'static str,
    skipped: &'static str,
}

const DE: Words = Words {
    verdict: |v| match v {
        Verdict::Accept => "angenommen",
        Verdict::Reject => "abgelehnt",
        Verdict::Undefined => "unbestimmt",
    },
    level: |l| match l {
        Level::Error => "Fehler",
        Level::Warning => "Warnung",
        Level::Information => "Hinweis",
    },
    scenario: "Prüfszenario",
    summary: "Zusammenfassung",
    files_checked: "Dateien geprüft",
    skipped: "Dateien übersprungen (keine .xml-Datei)",
};

const EN: Words = Words {
    verdict: |v| match v {
        Verdict::Accept => "accepted",
        Verdict::Reject => "rejected",
        Verdict::Undefined => "undefined",
    },
    level: |l| match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Information => "information",
    },
    scenario: "scenario",
    summary: "Summary",
    files_checked: "files checked",
    skipped: "files skipped (not .xml)",
};

/// Writes the text report: a line per file, its findings indented, then the summary line.
pub fn text(
    out: &mut impl Write,
    checked: &[(&Path, Report)],
    skipped: usize,
    lang: Lang,
) -> io::Result<()> {
    let words = match lang {
        Lang::De => &DE,
        Lang::En => &EN,
    };
    let mut counts = [0usize; 3];
    for (path, report) in checked {
        counts[slot(report.verdict)] += 1;
        write!(
            out,
            "{:<10}  {}",
            (words.verdict)(report.verdict),
            path.display()
        )?;
        if let Some(s) = report.scenario {
            write!(out, "  ({}: {})", words.scenario, s.name)?;
        }
        writeln!(out)?;
        for f in &report.findings {
            finding_line(out, f, words)?;
        }
    }
    write!(
        out,
        "{}: {} {}: {} {}, {} {}, {} {}",
        words.summary,
        checked.len(),
        words.files_checked,
        counts[slot(Verdict::Accept)],
        (words.verdict)(Verdict::Accept),
        counts[slot(Verdict::Reject)],
        (words.verdict)(Verdict::Reject),
        counts[slot(Verdict::Undefined)],
        (words.verdict)(Verdict::Undefined),
    )?;
    if skipped > 0 {
        write!(out, "; {skipped} {}", words.skipped)?;
    }
    writeln!(out)
}

fn slot(verdict: Verdict) -> usize {
    match verdict {
        Verdict::Accept => 0,
        Verdict::Reject => 1,
        Verdict::Undefined => 2,
    }
}

fn finding_line(out: &mut impl Write, f: &Finding, words: &Words) -> io::Result<()> {
    writeln!(
        out,
        "    {} {}: {}\n        {}",
        (words.level)(f.level),
        f.id,
        f.message.trim(),
        f.location
    )
}

/// A short German summary of one invoice for `verbund einvoice show` without `--html`.
pub fn summary_de(name: &str, parsed: Option<&ParsedInvoice>, report: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "Datei: {name}");
    let _ = writeln!(s, "Prüfergebnis: {}", (DE.verdict)(report.verdict));
    if let Some(sc) = report.scenario {
        let _ = writeln!(s, "Prüfszenario: {}", sc.name);
    }
    if let Some(p) = parsed {
        let inv = &p.invoice;
        let or_dash = |v: Option<&str>| v.unwrap_or("–").to_owned();
        let _ = writeln!(
            s,
            "Rechnungsnummer (BT-1): {}",
            or_dash(inv.number.as_deref())
        );
        let date = inv
            .issue_date
            .map_or_else(|| "–".to_owned(), render::date_de);
        let _ = writeln!(s, "Rechnungsdatum (BT-2): {date}");
        let _ = writeln!(
            s,
            "Verkäufer (BT-27): {}",
            or_dash(inv.seller.name.as_deref())
        );
        let _ = writeln!(s, "Käufer (BT-44): {}", or_dash(inv.buyer.name.as_deref()));
        let _ = writeln!(
            s,
            "Leitweg-ID / Käuferreferenz (BT-10): {}",
            or_dash(inv.buyer_reference.as_deref())
        );
        let currency = inv.currency_code.as_deref().unwrap_or("");
        let t = &inv.totals;
        for (label, value) in [
            ("Gesamtbetrag ohne USt. (BT-109)", t.total_without_vat),
            ("Gesamtbetrag mit USt. (BT-112)", t.total_with_vat),
            ("Fälliger Betrag (BT-115)", t.amount_due),
        ] {
            let value = value.map_or_else(
                || "–".to_owned(),
                |d| format!("{} {currency}", render::decimal_de(d)),
            );
            let _ = writeln!(s, "{label}: {value}");
        }
        let _ = writeln!(s, "Rechnungspositionen: {}", inv.lines.len());
    }
    for f in &report.findings {
        let _ = writeln!(s, "{} {}: {}", (DE.level)(f.level), f.id, f.message.trim());
    }
    s
}
