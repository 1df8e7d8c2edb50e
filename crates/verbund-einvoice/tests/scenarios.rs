//! The scenario table must be exactly the official `scenarios.xml`: same scenarios, same
//! order, same root elements, same BT-24 values.

mod shared_data;

use quick_xml::Reader;
use quick_xml::events::Event;
use verbund_einvoice::{Level, SCENARIOS, Syntax};

#[derive(Debug, Default)]
struct OfficialScenario {
    name: String,
    namespaces: Vec<(String, String)>,
    match_xpath: String,
    custom_levels: Vec<(String, String)>,
}

fn official_scenarios(xml: &str) -> Vec<OfficialScenario> {
    let mut reader = Reader::from_str(xml);
    let mut scenarios = Vec::new();
    let mut current: Option<OfficialScenario> = None;
    let mut path: Vec<String> = Vec::new();
    let mut prefix = String::new();
    loop {
        match reader.read_event().expect("scenarios.xml is well-formed") {
            Event::Start(e) => {
                let name = e.local_name().into_inner().to_owned();
                if name == "scenario" {
                    current = Some(OfficialScenario::default());
                }
                if name == "customLevel" {
                    let attr = e
                        .try_get_attribute("level")
                        .expect("attribute")
                        .expect("level");
                    prefix = attr.value.into_owned();
                }
                if name == "namespace" {
                    let attr = e
                        .try_get_attribute("prefix")
                        .expect("attribute")
                        .expect("prefix");
                    prefix = attr.value.into_owned();
                }
                path.push(name);
            }
            Event::Text(t) => {
                let text = t.xml10_content().trim().to_owned();
                let parent = path.iter().rev().nth(1).map(String::as_str);
                let Some(scenario) = current.as_mut() else {
                    continue;
                };
                match (path.last().map(String::as_str), parent) {
                    (Some("name"), Some("scenario")) => scenario.name.push_str(&text),
                    (Some("match"), _) => scenario.match_xpath.push_str(&text),
                    (Some("namespace"), _) => scenario.namespaces.push((prefix.clone(), text)),
                    (Some("customLevel"), _) => scenario.custom_levels.push((text, prefix.clone())),
                    _ => {}
                }
            }
            Event::End(e) => {
                path.pop();
                if e.local_name().into_inner() == "scenario" {
                    scenarios.extend(current.take());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    scenarios
}

/// (root namespace, root local name, compared literal) of a match XPath such as
/// `exists(/invoice:Invoice/cbc:CustomizationID[ . = '…'])`.
fn match_parts(scenario: &OfficialScenario) -> (String, String, String) {
    let xpath = &scenario.match_xpath;
    let root_step = xpath.split('/').nth(1).expect("absolute path");
    let root_step = root_step.split('[').next().unwrap_or(root_step);
    let (prefix, local) = root_step.split_once(':').expect("prefixed root");
    let namespace = scenario
        .namespaces
        .iter()
        .find(|(p, _)| p == prefix)
        .expect("prefix declared")
        .1
        .clone();
    let literal = xpath
        .split('\'')
        .nth(1)
        .expect("one quoted literal")
        .to_owned();
    assert_eq!(
        xpath.matches('\'').count(),
        2,
        "exactly one literal in {xpath}"
    );
    (namespace, local.to_owned(), literal)
}

#[test]
fn scenario_table_matches_the_official_scenarios_xml() {
    let Some(shared) = shared_data::shared_dir("scenario_table_matches_scenarios_xml") else {
        return;
    };
    let path = shared.join("reference/xrechnung-validation/scenarios.xml");
    let xml = std::fs::read_to_string(path).expect("scenarios.xml is readable");
    let official = official_scenarios(&xml);
    assert_eq!(official.len(), 11);
    assert_eq!(official.len(), SCENARIOS.len());
    for (ours, theirs) in SCENARIOS.iter().zip(&official) {
        let (namespace, local, literal) = match_parts(theirs);
        assert_eq!(ours.name, theirs.name);
        assert_eq!(
            Syntax::from_root(Some(&namespace), &local),
            Some(ours.syntax),
            "{}",
            ours.name
        );
        assert_eq!(ours.specification_id, literal, "{}", ours.name);
        let levels: Vec<(String, String)> = ours
            .custom_levels
            .iter()
            .map(|(rule, level)| {
                let level = match level {
                    Level::Error => "error",
                    Level::Warning => "warning",
                    Level::Information => "information",
                };
                ((*rule).to_owned(), level.to_owned())
            })
            .collect();
        assert_eq!(levels, theirs.custom_levels, "{}: customLevel", ours.name);
        // The value is compared at the BT-24 path our mappings read.
        let bt24 = match ours.syntax {
            Syntax::UblInvoice | Syntax::UblCreditNote => "cbc:CustomizationID",
            Syntax::Cii => {
                "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
            }
        };
        assert!(
            theirs.match_xpath.contains(bt24),
            "{}: {}",
            ours.name,
            theirs.match_xpath
        );
    }
}
