//! Every rule id of the official schematron sources is implemented in the rule table, or
//! listed below as unable to fire, with a reason. An implemented rule's flag,
//! syntaxes and messages must equal the source's, so a CEN or KoSIT update shows up here.

mod shared_data;

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::Event;
use verbund_einvoice::rules::structure::{self, CII_RULES, UBL_RULES};
use verbund_einvoice::rules::{Flag, RULES};

/// Ids (exact, or a family prefix ending in `*`) whose assert can never fail, with the reason; they need no check.
const CANNOT_FIRE: &[(&str, &str)] = &[
    ("BR-CO-05", "the assert's test is `true()` in both syntaxes"),
    ("BR-CO-06", "the assert's test is `true()` in both syntaxes"),
    ("BR-CO-07", "the assert's test is `true()` in both syntaxes"),
    ("BR-CO-08", "the assert's test is `true()` in both syntaxes"),
    (
        "CII-SR-464",
        "the test `(A or B) or (not(A) and not(B))` is always true",
    ),
];

/// What the source says about one assert.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Assert {
    flag: String,
    /// The assert's text with whitespace runs collapsed, as the SVRL `svrl:text` shows it.
    message: String,
}

/// Every `assert` of a schematron file by id.
fn asserts(sch: &str) -> BTreeMap<String, Assert> {
    let mut reader = Reader::from_str(sch);
    let mut found = BTreeMap::new();
    let mut open: Option<(String, String, String)> = None;
    loop {
        match reader.read_event().expect("schematron is well-formed") {
            Event::Start(e) if e.local_name().into_inner() == "assert" => {
                let attr = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default()
                };
                open = Some((attr("id"), attr("flag"), String::new()));
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = open.as_mut() {
                    text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, _, text)) = open.as_mut() {
                    text.push_str(match &*r {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(e) if e.local_name().into_inner() == "assert" => {
                if let Some((id, flag, text)) = open.take() {
                    let message = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    found.insert(id, Assert { flag, message });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

fn listed<'a>(table: &'a [(&str, &str)], id: &str) -> Option<&'a str> {
    table.iter().find_map(|(pattern, reason)| {
        let hit = match pattern.strip_suffix('*') {
            Some(prefix) => id.starts_with(prefix),
            None => *pattern == id,
        };
        hit.then_some(*reason)
    })
}

#[test]
fn every_rule_id_is_implemented_or_listed_with_a_reason() {
    let Some(shared) = shared_data::shared_dir("every_rule_id_is_implemented_or_listed") else {
        return;
    };
    let source = shared.join("reference/xrechnung-validation/schematron-source");
    let read = |file: &str| {
        let sch = std::fs::read_to_string(source.join(file)).expect("schematron is readable");
        asserts(&sch)
    };
    let mut ubl = read("cen-1.3.15/EN16931-UBL-validation-preprocessed.sch");
    ubl.extend(read("xrechnung-2.5.0/XRechnung-UBL-validation.sch"));
    let mut cii = read("cen-1.3.15/EN16931-CII-validation-preprocessed.sch");
    cii.extend(read("xrechnung-2.5.0/XRechnung-CII-validation.sch"));

    let mut problems = Vec::new();
    for rule in RULES {
        for (syntax, official, ours) in [("UBL", &ubl, rule.ubl), ("CII", &cii, rule.cii)] {
            match (official.get(rule.id), ours) {
                (None, None) => {}
                (Some(a), Some(form)) => {
                    let flag = match form.flag {
                        Flag::Fatal => "fatal",
                        Flag::Warning => "warning",
                        Flag::Information => "information",
                    };
                    if a.flag != flag || a.message != form.message {
                        problems.push(format!("{}: {syntax} flag/message differ: {a:?}", rule.id));
                    }
                }
                (a, _) => problems.push(format!("{}: {syntax} presence differs: {a:?}", rule.id)),
            }
        }
        if listed(CANNOT_FIRE, rule.id).is_some() {
            problems.push(format!("{}: implemented and listed", rule.id));
        }
    }
    for (syntax, official, table) in [("UBL", &ubl, UBL_RULES), ("CII", &cii, CII_RULES)] {
        for rule in table {
            let flag = match rule.flag {
                Flag::Fatal => "fatal",
                Flag::Warning => "warning",
                Flag::Information => "information",
            };
            match official.get(rule.id) {
                Some(a) if a.flag == flag && a.message == rule.message => {}
                a => problems.push(format!(
                    "{}: {syntax} structure entry differs: {a:?}",
                    rule.id
                )),
            }
            let listed_too = listed(CANNOT_FIRE, rule.id);
            if structure::implemented(rule) && listed_too.is_some() {
                problems.push(format!("{}: implemented and listed", rule.id));
            }
        }
    }
    let structure_ids: Vec<&str> = structure::implemented_ids().collect();
    let mut implemented = 0;
    for id in ubl.keys().chain(cii.keys()) {
        if RULES.iter().any(|r| r.id == id) || structure_ids.contains(&id.as_str()) {
            implemented += 1;
        } else if listed(CANNOT_FIRE, id).is_none() {
            problems.push(format!("{id}: neither implemented nor listed"));
        }
    }
    for (pattern, _) in CANNOT_FIRE {
        let prefix = pattern.strip_suffix('*');
        let used = ubl.keys().chain(cii.keys()).any(|id| match prefix {
            Some(prefix) => id.starts_with(prefix),
            None => id == pattern,
        });
        if !used {
            problems.push(format!("{pattern}: listed but not in the sources"));
        }
    }
    println!("implemented (id × syntax): {implemented}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
