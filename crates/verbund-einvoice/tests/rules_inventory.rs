//! `RULES.md` must state the rule counts the official schematron sources really have.

mod shared_data;

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::Event;

/// (rule id, flag) of every `assert` in a schematron file.
fn asserts(sch: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(sch);
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("schematron is well-formed") {
            Event::Start(e) | Event::Empty(e) if e.local_name().into_inner() == "assert" => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default()
                };
                found.push((attr("id"), attr("flag")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

/// The family column of `RULES.md` for a rule id; longest prefixes first.
fn family(id: &str) -> String {
    const PREFIXES: [&str; 25] = [
        "BR-DE-CVD-",
        "BR-TMP-CVD-",
        "BR-DEX-",
        "BR-DE-TMP-",
        "BR-TMP-",
        "BR-DE-",
        "BR-CO-",
        "BR-CL-",
        "BR-DEC-",
        "UBL-CR-",
        "UBL-SR-",
        "UBL-DT-",
        "CII-SR-",
        "CII-DT-",
        "BR-AE-",
        "BR-AF-",
        "BR-AG-",
        "BR-E-",
        "BR-G-",
        "BR-IC-",
        "BR-O-",
        "BR-S-",
        "BR-Z-",
        "BR-B-",
        "PEPPOL-EN16931-R",
    ];
    match PREFIXES.iter().find(|p| id.starts_with(*p)) {
        Some(p) => format!("{p}*"),
        None if id.starts_with("BR-") && id[3..].starts_with(|c: char| c.is_ascii_digit()) => {
            "BR-nn".to_owned()
        }
        None => id.to_owned(),
    }
}

/// "58 (57 fatal, 1 warning)", flags in alphabetical order, or "—".
fn summary(flags: &BTreeMap<String, usize>) -> String {
    let total: usize = flags.values().sum();
    if total == 0 {
        return "—".to_owned();
    }
    let parts: Vec<String> = flags
        .iter()
        .map(|(flag, n)| format!("{n} {flag}"))
        .collect();
    format!("{total} ({})", parts.join(", "))
}

#[test]
fn rules_md_counts_match_the_schematron_sources() {
    let Some(shared) = shared_data::shared_dir("rules_md_counts_match") else {
        return;
    };
    let source = shared.join("reference/xrechnung-validation/schematron-source");
    let files = [
        ("UBL", "cen-1.3.15/EN16931-UBL-validation-preprocessed.sch"),
        ("CII", "cen-1.3.15/EN16931-CII-validation-preprocessed.sch"),
        ("UBL", "xrechnung-2.5.0/XRechnung-UBL-validation.sch"),
        ("CII", "xrechnung-2.5.0/XRechnung-CII-validation.sch"),
    ];
    // family -> syntax -> flag -> count
    let mut counted: BTreeMap<String, BTreeMap<&str, BTreeMap<String, usize>>> = BTreeMap::new();
    for (syntax, file) in files {
        let sch =
            std::fs::read_to_string(source.join(file)).expect("schematron source is readable");
        for (id, flag) in asserts(&sch) {
            *counted
                .entry(family(&id))
                .or_default()
                .entry(syntax)
                .or_default()
                .entry(flag)
                .or_default() += 1;
        }
    }
    let rules_md = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/RULES.md"))
        .expect("RULES.md");
    let mut stated = BTreeMap::new();
    for row in rules_md
        .lines()
        .filter(|l| l.contains(" | CEN | ") || l.contains(" | XR | "))
    {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let family = cells[0].split(' ').next().unwrap_or_default().to_owned();
        stated.insert(family, (cells[2].to_owned(), cells[3].to_owned()));
    }
    assert_eq!(
        stated.len(),
        counted.len(),
        "one RULES.md row per family: {:?}",
        counted.keys()
    );
    for (family, per_syntax) in &counted {
        let empty = BTreeMap::new();
        let ubl = summary(per_syntax.get("UBL").unwrap_or(&empty));
        let cii = summary(per_syntax.get("CII").unwrap_or(&empty));
        assert_eq!(
            stated.get(family),
            Some(&(ubl, cii)),
            "RULES.md row for {family}"
        );
    }
}
