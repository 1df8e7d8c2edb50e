//! Finds the read-only `shared/` data directory that sits beside the project checkout.
#![allow(
    dead_code,
    reason = "each test crate uses a different part of this module"
)]

use std::path::{Path, PathBuf};

/// The first ancestor of the crate directory with a `shared/testdata` child, joined with
/// `shared`. Returns `None` after printing `skipped: …` when it is absent; panics instead when
/// `CI=true`, because CI must never pass by skipping.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared"))
        .find(|shared| shared.join("testdata").is_dir());
    if found.is_none() {
        let reason = "no ancestor of CARGO_MANIFEST_DIR has shared/testdata";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: {reason} (CI=true)"
        );
        say_skipped(&format!("{test}: {reason}"));
    }
    found
}

/// All `*.xml` files below `dir`, sorted, so failures name the same file every run.
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Prints `skipped: <what>` on the process's real stderr: the test harness captures `print!`
/// and `eprint!` of passing tests, and a skip must be visible in a passing run.
pub fn say_skipped(what: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {what}");
}

/// The value of attribute `name` of a start tag, normalized as XML 1.0 says; empty if absent.
pub fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> String {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .expect("attribute")
                .into_owned()
        })
        .unwrap_or_default()
}
