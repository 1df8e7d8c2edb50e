//! End-to-end tests in Debian's Chromium: `e2e/run.mjs` (puppeteer-core + axe-core) drives
//! the real binary's demo on SQLite and, when configured, PostgreSQL. Without Chromium or
//! Node.js the test prints `skipped: …`; with `CI=true` it fails instead.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Server, backends, in_ci};

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e")
}

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMIUM").unwrap_or_default(),
        "/usr/bin/chromium".into(),
        "/usr/bin/chromium-browser".into(),
    ];
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn skip(reason: &str) {
    assert!(
        !in_ci(),
        "CI=true but the browser suite cannot run: {reason}"
    );
    // Written to the real stderr, not the captured one, so a passing run still shows it.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: browser end-to-end tests ({reason})"
    );
}

/// Installs the pinned npm packages (package-lock.json) once.
fn npm_ci(dir: &Path) -> Result<(), String> {
    if dir.join("node_modules/puppeteer-core").exists()
        && dir.join("node_modules/axe-core").exists()
    {
        return Ok(());
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("npm not runnable: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "npm ci failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Writes the suite invoice with the Leitweg-ID of `th-landeshauptkasse` into `dir`.
fn demo_invoice(dir: &Path) -> Option<PathBuf> {
    let shared = verbund_store::testing::shared_dir(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "browser e-invoice flow",
    )?;
    let xml = std::fs::read_to_string(
        shared.join("testdata/xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_ubl.xml"),
    )
    .expect("suite file");
    let from = "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>";
    assert!(xml.contains(from), "recipe no longer applies");
    let path = dir.join("rechnung-landeshauptkasse.xml");
    std::fs::write(
        &path,
        xml.replace(
            from,
            "<cbc:BuyerReference>16-LHK001-89</cbc:BuyerReference>",
        ),
    )
    .expect("write invoice");
    Some(path)
}

#[tokio::test(flavor = "multi_thread")]
async fn ui_end_to_end_with_axe_on_every_page() {
    let Some(chromium) = chromium() else {
        return skip("Chromium not installed (apt-get install chromium)");
    };
    if Command::new("node").arg("--version").output().is_err() {
        return skip("Node.js not installed");
    }
    let dir = e2e_dir();
    if let Err(e) = npm_ci(&dir) {
        return skip(&e);
    }
    // The e-invoice flow uploads a suite invoice addressed to the demo's Landeshauptkasse
    // Thüringen (recipe: suite file, BT-10 replaced); without ../shared that part is skipped.
    let invoice = tempfile::tempdir().expect("temp dir");
    let invoice_path = demo_invoice(invoice.path());
    for db in backends().await {
        let label = if db.is_some() { "postgres" } else { "sqlite" };
        let server = Server::start("demo", db);
        let mut node = Command::new("node");
        node.arg("run.mjs")
            .arg(server.url())
            .env("CHROMIUM", &chromium)
            .current_dir(&dir);
        if let Some(path) = &invoice_path {
            node.env("VERBUND_E2E_INVOICE", path);
        }
        let out = node.output().expect("run node");
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!("--- browser suite on {label} ---\n{stdout}");
        assert!(
            out.status.success(),
            "browser suite failed on {label}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(" passed, 0 failed"));
    }
}
