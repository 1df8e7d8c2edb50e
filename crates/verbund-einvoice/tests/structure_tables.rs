//! The structure tables (`src/rules/structure/{ubl,cii}.rs`) equal what the CEN `.sch` sources
//! say: this test parses the `UBL-syntax` and `EN16931-CII-Syntax` patterns with a small parser
//! for the XPath subset they use (steps, `|` unions, `//`, `@attr`, and the test shapes `not(p)`,
//! `count(p) <= n`, `count(p) = n`, `(p)`, `not(a and b)`, `not(p) or <exemption>`), renders
//! both sides as one line per context and per assert, and fails with the differing lines.
//!
//! With `VERBUND_STRUCTURE_TABLES_EMIT=DIR` it also writes the derived tables as Rust source
//! (`DIR/ubl.rs`, `DIR/cii.rs`), which is how the tables were first written.

mod shared_data;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use quick_xml::Reader;
use quick_xml::events::Event;
use verbund_einvoice::rules::Flag;
use verbund_einvoice::rules::structure::{
    Anchor, CII_CONTEXTS, CII_RULES, Context, StructureRule, Test, UBL_CONTEXTS, UBL_RULES,
};

const FAMILIES: &[&str] = &["UBL-CR-", "UBL-SR-", "UBL-DT-", "CII-SR-", "CII-DT-"];

/// One assert as the source states it.
struct SourceAssert {
    id: String,
    flag: String,
    context: usize,
    test: String,
    message: String,
}

/// The syntax pattern of one `.sch` file: its rule contexts in order and the family asserts.
fn syntax_pattern(sch: &str) -> (Vec<String>, Vec<SourceAssert>) {
    let mut reader = Reader::from_str(sch);
    let (mut contexts, mut asserts) = (Vec::new(), Vec::<SourceAssert>::new());
    let (mut in_syntax, mut open) = (false, false);
    loop {
        match reader.read_event().expect("schematron is well-formed") {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| shared_data::attribute(&e, name);
                match e.local_name().into_inner() {
                    "pattern" => in_syntax = attr("id").to_lowercase().ends_with("syntax"),
                    "rule" if in_syntax => contexts.push(collapse(&attr("context"))),
                    "assert" if in_syntax => {
                        let id = attr("id");
                        open = FAMILIES.iter().any(|f| id.starts_with(f));
                        if open {
                            asserts.push(SourceAssert {
                                id,
                                flag: attr("flag"),
                                context: contexts.len() - 1,
                                test: collapse(&attr("test")),
                                message: String::new(),
                            });
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if open => {
                let last = asserts.last_mut().expect("open assert");
                last.message.push_str(&t.into_inner());
            }
            Event::GeneralRef(r) if open => {
                let last = asserts.last_mut().expect("open assert");
                last.message.push_str(match &*r {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            Event::End(e) if e.local_name().into_inner() == "assert" && open => {
                open = false;
                let last = asserts.last_mut().expect("open assert");
                last.message = collapse(&last.message);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (contexts, asserts)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A parsed path: union branches, each a list of steps in the table's notation.
type Branches = Vec<Vec<String>>;

fn is_qname(step: &str) -> bool {
    let mut parts = step.split(':');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// `a/b`, `//a/b`, `(a|b)/c`, `a/@x`, `//@x` into branches; `None` outside the subset.
fn path_parse(text: &str) -> Option<Branches> {
    let (descendant, rest) = match text.strip_prefix("//") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (firsts, rest): (Vec<String>, &str) = if let Some(inner) = rest.strip_prefix('(') {
        let close = inner.find(')')?;
        let names = inner[..close]
            .split('|')
            .map(|s| s.trim().to_owned())
            .collect();
        let tail = &inner[close + 1..];
        (names, tail.strip_prefix('/').unwrap_or(tail))
    } else {
        let end = rest.find('/').unwrap_or(rest.len());
        (
            vec![rest[..end].to_owned()],
            rest[end..].strip_prefix('/').unwrap_or(""),
        )
    };
    let mut tail = Vec::new();
    let mut pending_descendant = false;
    for step in rest.split('/') {
        if rest.is_empty() {
            break;
        }
        if step.is_empty() {
            pending_descendant = true;
            continue;
        }
        let plain = step.strip_prefix('@').unwrap_or(step);
        let attribute = step.starts_with('@') && plain.bytes().all(|b| b.is_ascii_alphanumeric());
        if !(is_qname(plain) || attribute) {
            return None;
        }
        tail.push(if pending_descendant {
            format!("//{step}")
        } else {
            step.to_owned()
        });
        pending_descendant = false;
    }
    let mut branches = Vec::new();
    for first in firsts {
        let plain = first.strip_prefix('@').unwrap_or(&first);
        let attr_ok = first.starts_with('@')
            && plain.bytes().all(|b| b.is_ascii_alphanumeric())
            && tail.is_empty();
        if !is_qname(plain) && !attr_ok {
            return None;
        }
        let mut steps = vec![if descendant {
            format!("//{first}")
        } else {
            first
        }];
        steps.extend(tail.iter().cloned());
        // An attribute step may only come last.
        if steps[..steps.len() - 1].iter().any(|s| s.contains('@')) {
            return None;
        }
        branches.push(steps);
    }
    Some(branches)
}

/// Removes parentheses that enclose the whole expression.
fn unwrap(mut text: &str) -> &str {
    loop {
        text = text.trim();
        let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
            return text;
        };
        let mut depth = 0_i32;
        let balanced = inner.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if !balanced || depth != 0 {
            return text;
        }
        text = inner;
    }
}

/// `not(X)` → `X`, with the parentheses of `not` matching.
fn not_arg(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("not(")?.strip_suffix(')')?;
    let mut depth = 0_i32;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    (depth == 0).then_some(inner)
}

/// The derived form of one test: `(test rendering, unless)`, or `None` for a special one.
fn test_parse(test: &str) -> Option<(String, Option<String>)> {
    let norm = test
        .replace("not (", "not(")
        .replace("( ", "(")
        .replace(" )", ")");
    let norm = norm
        .replace(" <=", "<=")
        .replace("<= ", "<=")
        .replace(" =", "=")
        .replace("= ", "=");
    let t = unwrap(&norm);
    if let Some(arg) = not_arg(t) {
        if let Some(branches) = path_parse(arg) {
            return Some((count(&branches, 0, 0), None));
        }
        if let Some((a, b)) = arg.split_once(" and ") {
            let (a, b) = (path_parse(a)?, path_parse(b)?);
            return single_pair(&a, &b).map(|s| (s, None));
        }
    }
    if let Some(rest) = t.strip_prefix("count(") {
        let (path, bound) = rest.rsplit_once(')')?;
        let branches = path_parse(path)?;
        if let Some(n) = bound.strip_prefix("<=") {
            return Some((count(&branches, 0, n.parse().ok()?), None));
        }
        if let Some(n) = bound.strip_prefix('=') {
            let n = n.parse().ok()?;
            return Some((count(&branches, n, n), None));
        }
        return None;
    }
    // (not(A) and B) or (A and not(B)) or (not(A) and not(B)) is not(A and B).
    let parts: Vec<&str> = t.split(" or ").map(unwrap).collect();
    if let [p1, _, _] = parts.as_slice() {
        let (na, b) = p1.split_once(" and ")?;
        let a = not_arg(na)?;
        let expected =
            format!("(not({a}) and {b}) or ({a} and not({b})) or (not({a}) and not({b}))");
        return (t == expected)
            .then(|| single_pair(&path_parse(a)?, &path_parse(b)?))
            .flatten()
            .map(|s| (s, None));
    }
    if let Some((head, tail)) = t.split_once(" or ") {
        let arg = not_arg(head)?;
        let branches = path_parse(arg)?;
        let tail = unwrap(tail);
        if tail == format!("count({arg})=1") {
            return Some((count(&branches, 0, 1), None));
        }
        let exemption = tail.starts_with("self::")
            || tail.starts_with("ancestor::")
            || tail == "../cn:CreditNote";
        if exemption
            && is_qname(
                tail.rsplit("::")
                    .next()
                    .unwrap_or(tail)
                    .trim_start_matches("../"),
            )
        {
            return Some((count(&branches, 0, 0), Some(tail.to_owned())));
        }
        return None;
    }
    let branches = path_parse(t)?;
    Some((count(&branches, 1, u32::MAX), None))
}

fn single_pair(a: &Branches, b: &Branches) -> Option<String> {
    match (a.as_slice(), b.as_slice()) {
        ([a], [b]) => Some(format!("not-both({} , {})", a.join("/"), b.join("/"))),
        _ => None,
    }
}

fn count(branches: &Branches, min: u32, max: u32) -> String {
    let paths: Vec<String> = branches.iter().map(|b| b.join("/")).collect();
    let max = if max == u32::MAX {
        "*".to_owned()
    } else {
        max.to_string()
    };
    format!("count({}) in {min}..{max}", paths.join(" | "))
}

/// The derived anchor of a context, rendered.
fn context_parse(xpath: &str) -> String {
    let ends_with = |prefix: &str| {
        let rest = xpath
            .strip_prefix(prefix)?
            .strip_prefix("[ends-with(name(), '")?;
        rest.strip_suffix("')]")
            .filter(|s| s.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    if let Some(suffix) = ends_with("//*") {
        return format!("ends-with(*, {suffix})");
    }
    if let Some(suffix) = ends_with("//ram:*") {
        return format!("ends-with(ram, {suffix})");
    }
    let branches: Vec<&str> = xpath.split('|').map(str::trim).collect();
    let absolute = branches
        .iter()
        .all(|b| b.starts_with('/') && !b.starts_with("//"));
    let mut paths = Vec::new();
    for branch in &branches {
        let steps: Vec<&str> = branch.trim_start_matches('/').split('/').collect();
        if !steps.iter().all(|s| is_qname(s))
            || (absolute != (branch.starts_with('/') && !branch.starts_with("//")))
        {
            return "special".to_owned();
        }
        paths.push(steps.join("/"));
    }
    format!(
        "{}({})",
        if absolute { "absolute" } else { "relative" },
        paths.join(" | ")
    )
}

fn render_anchor(anchor: &Anchor) -> String {
    let join = |paths: &[&[&str]]| {
        paths
            .iter()
            .map(|p| p.join("/"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    match anchor {
        Anchor::Absolute(paths) => format!("absolute({})", join(paths)),
        Anchor::Relative(paths) => format!("relative({})", join(paths)),
        Anchor::EndsWith { prefix, suffix } => {
            format!("ends-with({}, {suffix})", prefix.unwrap_or("*"))
        }
        Anchor::Special => "special".to_owned(),
    }
}

fn render_test(test: &Test) -> String {
    match test {
        Test::Count { paths, min, max } => {
            let branches: Branches = paths
                .iter()
                .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
                .collect();
            count(&branches, *min, *max)
        }
        Test::NotBoth(a, b) => format!("not-both({} , {})", a.join("/"), b.join("/")),
        Test::Special => "special".to_owned(),
    }
}

fn flag_name(flag: Flag) -> &'static str {
    match flag {
        Flag::Fatal => "fatal",
        Flag::Warning => "warning",
        Flag::Information => "information",
    }
}

fn lines_ours(contexts: &[Context], rules: &[StructureRule]) -> Vec<String> {
    let mut lines: Vec<String> = contexts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "context {i:02}: {} => {}",
                c.xpath,
                render_anchor(&c.anchor)
            )
        })
        .collect();
    lines.extend(rules.iter().map(|r| {
        format!(
            "{} {} @{:02} {} unless {:?} | {}",
            r.id,
            flag_name(r.flag),
            r.context,
            render_test(&r.test),
            r.unless,
            r.message
        )
    }));
    lines
}

fn lines_source(contexts: &[String], asserts: &[SourceAssert]) -> Vec<String> {
    let mut lines: Vec<String> = contexts
        .iter()
        .enumerate()
        .map(|(i, c)| format!("context {i:02}: {c} => {}", context_parse(c)))
        .collect();
    lines.extend(asserts.iter().map(|a| {
        let (test, unless) = test_parse(&a.test).unwrap_or_else(|| ("special".to_owned(), None));
        format!(
            "{} {} @{:02} {test} unless {unless:?} | {}",
            a.id, a.flag, a.context, a.message
        )
    }));
    lines
}

/// Rust source of the derived tables, for `VERBUND_STRUCTURE_TABLES_EMIT`.
fn emit(syntax: &str, contexts: &[String], asserts: &[SourceAssert]) -> String {
    let upper = syntax.to_uppercase();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The {upper} syntax asserts of the CEN schematron as data, in source order. Written from\n\
         //! the derived tables of `tests/structure_tables.rs`, which compares them with the `.sch`.\n\n\
         use super::Anchor::{{Absolute, EndsWith, Relative, Special}};\n\
         use super::{{Context, StructureRule, Test, absent, count, NOT_BOTH rule}};\n\
         use crate::rules::Flag::{{Fatal, Warning}};\n\n\
         /// The rule contexts of the {upper} syntax pattern, in source order (first match wins).\n\
         #[rustfmt::skip]\n\
         pub static {upper}_CONTEXTS: &[Context] = &["
    );
    let list = |paths: &str| {
        let items: Vec<String> = paths.split(" | ").map(steps_rs).collect();
        format!("&[{}]", items.join(", "))
    };
    for c in contexts {
        let parsed = context_parse(c);
        let anchor = if let Some(inner) = parsed.strip_prefix("absolute(") {
            format!(
                "Absolute({})",
                list(inner.strip_suffix(')').unwrap_or(inner))
            )
        } else if let Some(inner) = parsed.strip_prefix("relative(") {
            format!(
                "Relative({})",
                list(inner.strip_suffix(')').unwrap_or(inner))
            )
        } else if let Some(inner) = parsed.strip_prefix("ends-with(") {
            let (prefix, suffix) = inner
                .strip_suffix(')')
                .unwrap_or(inner)
                .split_once(", ")
                .unwrap_or_default();
            let prefix = if prefix == "*" {
                "None".to_owned()
            } else {
                format!("Some({prefix:?})")
            };
            format!("EndsWith {{ prefix: {prefix}, suffix: {suffix:?} }}")
        } else {
            "Special".to_owned()
        };
        let _ = writeln!(out, "    Context {{ xpath: {c:?}, anchor: {anchor} }},");
    }
    let _ = writeln!(
        out,
        "];\n\n/// The {upper} syntax asserts.\n#[rustfmt::skip]\npub static {upper}_RULES: &[StructureRule] = &["
    );
    for a in asserts {
        let flag = if a.flag == "fatal" {
            "Fatal"
        } else {
            "Warning"
        };
        let (test, unless) = test_parse(&a.test).unwrap_or_else(|| ("special".to_owned(), None));
        let test = if test == "special" {
            "Test::Special".to_owned()
        } else if let Some(inner) = test.strip_prefix("not-both(") {
            let (x, y) = inner
                .strip_suffix(')')
                .unwrap_or(inner)
                .split_once(" , ")
                .unwrap_or_default();
            format!("not_both({}, {})", steps_rs(x), steps_rs(y))
        } else {
            let inner = test.strip_prefix("count(").unwrap_or(&test);
            let (paths, range) = inner.rsplit_once(") in ").unwrap_or_default();
            let (min, max) = range.split_once("..").unwrap_or_default();
            if (min, max) == ("0", "0") {
                format!("absent({})", list(paths))
            } else {
                let max = if max == "*" { "u32::MAX" } else { max };
                format!("count({}, {min}, {max})", list(paths))
            }
        };
        let unless = unless.map_or("None".to_owned(), |u| format!("Some({u:?})"));
        let _ = writeln!(
            out,
            "    rule({:?}, {flag}, {}, {test}, {unless}, {:?}),",
            a.id, a.context, a.message
        );
    }
    out.push_str("];\n");
    let used = if out.contains("not_both(&") {
        "not_both, "
    } else {
        ""
    };
    out.replacen("NOT_BOTH ", used, 1)
}

/// `a/b//c/@d` as Rust `&["a", "b", "//c", "@d"]`.
fn steps_rs(path: &str) -> String {
    let mut steps = Vec::new();
    let mut descendant = false;
    for piece in path.split('/') {
        if piece.is_empty() {
            descendant = true;
        } else {
            steps.push(format!(
                "{:?}",
                if descendant {
                    format!("//{piece}")
                } else {
                    piece.to_owned()
                }
            ));
            descendant = false;
        }
    }
    format!("&[{}]", steps.join(", "))
}

fn diff(ours: &[String], theirs: &[String]) -> Vec<String> {
    let (a, b): (BTreeSet<&String>, BTreeSet<&String>) =
        (ours.iter().collect(), theirs.iter().collect());
    let mut out: Vec<String> = b.difference(&a).map(|l| format!("+ source: {l}")).collect();
    out.extend(a.difference(&b).map(|l| format!("- table:  {l}")));
    out
}

#[test]
fn structure_tables_equal_the_schematron_sources() {
    let Some(shared) = shared_data::shared_dir("structure_tables_equal_the_schematron_sources")
    else {
        return;
    };
    let dir = shared.join("reference/xrechnung-validation/schematron-source/cen-1.3.15");
    let mut problems = Vec::new();
    let mut counted = 0;
    for (syntax, file, contexts, rules) in [
        (
            "ubl",
            "EN16931-UBL-validation-preprocessed.sch",
            UBL_CONTEXTS,
            UBL_RULES,
        ),
        (
            "cii",
            "EN16931-CII-validation-preprocessed.sch",
            CII_CONTEXTS,
            CII_RULES,
        ),
    ] {
        let sch = std::fs::read_to_string(dir.join(file)).expect("schematron is readable");
        let (source_contexts, asserts) = syntax_pattern(&sch);
        counted += asserts.len();
        if let Ok(out) = std::env::var("VERBUND_STRUCTURE_TABLES_EMIT") {
            let path = std::path::Path::new(&out).join(format!("{syntax}.rs"));
            std::fs::write(&path, emit(syntax, &source_contexts, &asserts)).expect("emit");
        }
        problems.extend(diff(
            &lines_ours(contexts, rules),
            &lines_source(&source_contexts, &asserts),
        ));
    }
    assert_eq!(counted, 1310, "the five families have 1,310 asserts");
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_xpath_subset_parser_reads_each_shape() {
    let note = "(count(cbc:Note) &lt;= 1)".replace("&lt;", "<");
    let cases = [
        ("not(cbc:UUID)", "count(cbc:UUID) in 0..0"),
        (
            "not((cac:InvoiceLine|cac:CreditNoteLine)/cbc:UUID)",
            "count(cac:InvoiceLine/cbc:UUID | cac:CreditNoteLine/cbc:UUID) in 0..0",
        ),
        ("not(//@schemeName)", "count(//@schemeName) in 0..0"),
        (
            "not(//cac:Country/cbc:IdentificationCode/@listID)",
            "count(//cac:Country/cbc:IdentificationCode/@listID) in 0..0",
        ),
        (note.as_str(), "count(cbc:Note) in 0..1"),
        (
            "count(cac:Item/cac:ClassifiedTaxCategory) = 1",
            "count(cac:Item/cac:ClassifiedTaxCategory) in 1..1",
        ),
        (
            "not(cac:AddressLine) or count(cac:AddressLine) = 1",
            "count(cac:AddressLine) in 0..1",
        ),
        ("(@mimeCode)", "count(@mimeCode) in 1..*"),
        (
            "not(ram:A/ram:B and ram:A/ram:C)",
            "not-both(ram:A/ram:B , ram:A/ram:C)",
        ),
    ];
    for (test, expected) in cases {
        assert_eq!(
            test_parse(test).map(|t| t.0).as_deref(),
            Some(expected),
            "{test}"
        );
    }
    assert_eq!(
        test_parse("not(ram:BasisAmount) or (ancestor::ram:ApplicableHeaderTradeSettlement)"),
        Some((
            "count(ram:BasisAmount) in 0..0".to_owned(),
            Some("ancestor::ram:ApplicableHeaderTradeSettlement".to_owned())
        ))
    );
    assert_eq!(
        test_parse("not(cbc:UBLVersionID) or cbc:UBLVersionID = '2.1'"),
        None
    );
    assert_eq!(
        test_parse("count(//cbc:PaymentID[not(preceding::cbc:PaymentID/. = .)]) <= 1"),
        None
    );
    assert_eq!(
        context_parse("//cac:PostalAddress | //cac:Address"),
        "relative(cac:PostalAddress | cac:Address)"
    );
    assert_eq!(
        context_parse("cac:AllowanceCharge[cbc:ChargeIndicator = false()]"),
        "special"
    );
}
