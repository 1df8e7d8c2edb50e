// Browser end-to-end test of the Verbund web UI against a running `verbund demo`.
// Drives Debian's Chromium (puppeteer-core), runs axe-core (WCAG 2.1 A/AA) on every page,
// and validates the OpenAPI document. Usage: node run.mjs http://127.0.0.1:PORT
// Prints one line per check and a closing "N passed, M failed"; exit code 1 on any failure.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";
import { Validator } from "@seriousme/openapi-schema-validator";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const BASE = process.argv[2];
const PASSWORD = "Verbund-Demo-2026";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`); }
}

async function axe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }, WCAG_TAGS);
  check(`axe WCAG 2.1 AA: ${name}`, result.length === 0, result.join("; "));
}

async function visit(page, path, expectStatus = 200) {
  const res = await page.goto(BASE + path, { waitUntil: "load" });
  check(`GET ${path} -> ${expectStatus}`, res.status() === expectStatus, `got ${res.status()}`);
  await axe(page, path);
}

async function login(page, username) {
  await page.goto(BASE + "/anmelden", { waitUntil: "load" });
  await page.type("#username", username);
  await page.type("#password", PASSWORD);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
  const heading = await page.$eval("h1", (h) => h.textContent);
  check(`login as ${username}`, heading.startsWith("Willkommen"), heading);
}

async function logout(page) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.click("form[action='/abmelden'] button"),
  ]);
  check("logout returns to the login page", page.url().endsWith("/anmelden"), page.url());
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    await page.setBypassCSP(true); // lets axe-core run under the strict Content-Security-Policy
    page.setDefaultTimeout(15000);

    // Anonymous pages.
    await visit(page, "/anmelden");
    await visit(page, "/api/docs");
    await visit(page, "/gibt-es-nicht", 404);

    // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    await page.goto(BASE + "/anmelden", { waitUntil: "load" });
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement.textContent);
    check("first Tab stop is the skip link", first.includes("Zum Inhalt springen"), first);
    await page.keyboard.press("Enter");
    const afterSkip = await page.evaluate(() => document.activeElement.id || location.hash);
    check("skip link moves to the main content", afterSkip === "inhalt" || afterSkip === "#inhalt", afterSkip);

    // Wrong password: readable error, still accessible.
    await page.type("#username", "betrieb");
    await page.type("#password", "falsches-passwort");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
    const err = await page.$eval("[role=alert]", (e) => e.textContent);
    check("wrong password shows a German error", err.includes("Benutzername oder Passwort ist falsch"), err);
    await axe(page, "/anmelden (with error)");

    // Node operator and administrator of SID: every page.
    await login(page, "betrieb");
    await axe(page, "/ (dashboard, operator)");
    for (const slug of ["kommunikation", "e-payment", "e-akte", "online-dienste", "lagebild", "kooperation"]) {
      await visit(page, `/module/${slug}`);
      const badge = await page.$eval("main", (m) => m.textContent);
      check(`module ${slug} is marked as not yet available`, badge.includes("noch nicht verfügbar"));
    }
    await visit(page, "/verwaltung/benutzer");
    await visit(page, "/verwaltung/behoerden");
    await visit(page, "/protokoll");

    // Create a user through the form, first with errors, then correctly.
    await page.goto(BASE + "/verwaltung/benutzer", { waitUntil: "load" });
    await page.type("#username", "X Y");
    await page.type("#display_name", "X");
    await page.type("#password", "kurz");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form[action='/verwaltung/benutzer'] button[type=submit]")]);
    const errors = await page.$eval("#formular-fehler", (e) => e.textContent);
    check("invalid user form lists the errors", errors.includes("Benutzername") && errors.includes("Passwort"), errors);
    await axe(page, "/verwaltung/benutzer (with errors)");
    const username = `e2e.${Date.now()}`;
    await page.evaluate(() => {
      document.querySelector("#username").value = "";
      document.querySelector("#display_name").value = "";
    });
    await page.type("#username", username);
    await page.type("#display_name", "Erika Ende-zu-Ende");
    await page.type("#email", "erika@example.org");
    await page.type("#password", "ein-langes-passwort");
    await page.click("#role-clerk");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form[action='/verwaltung/benutzer'] button[type=submit]")]);
    const status = await page.$eval("[role=status]", (e) => e.textContent);
    check("user created through the form", status.includes(username), status);
    const listed = await page.$eval("table", (t) => t.textContent);
    check("new user is listed", listed.includes(username));
    await axe(page, "/verwaltung/benutzer (after create)");
    await logout(page);

    // The new user can log in with the password set in the form.
    await page.type("#username", username);
    await page.type("#password", "ein-langes-passwort");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("button[type=submit]")]);
    check("the new user logs in", (await page.$eval("h1", (h) => h.textContent)).includes("Erika"));
    await logout(page);

    // A police officer of two authorities switches between them.
    await login(page, "david.lage");
    await axe(page, "/ (dashboard, clerk)");
    await page.select("#behoerde-wahl", "sn-pd-zwickau");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form[action='/behoerde'] button")]);
    const working = await page.$eval("main", (m) => m.textContent);
    check("switched to Polizeidirektion Zwickau", working.includes("Polizeidirektion Zwickau"), working.slice(0, 200));
    await logout(page);

    // E-Rechnung: a clerk of the Landeshauptkasse Thüringen takes in an invoice addressed to
    // its Leitweg-ID and processes it.
    await login(page, "ben.kasse");
    await visit(page, "/module/e-rechnung");
    await visit(page, "/module/e-rechnung/hochladen");
    const invoice = process.env.VERBUND_E2E_INVOICE;
    if (!invoice) {
      console.log("skipped: e-invoice upload flow (VERBUND_E2E_INVOICE not set: ../shared absent)");
    } else {
      const input = await page.$("#datei");
      await input.uploadFile(invoice);
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form[action='/module/e-rechnung/hochladen'] button[type=submit]")]);
      const heading = await page.$eval("h1", (h) => h.textContent);
      check("uploaded invoice opens with its number", heading.includes("123456XX"), heading);
      const facts = await page.$eval("main", (m) => m.textContent);
      check("the invoice is valid and validated", facts.includes("gültig") && facts.includes("Geprüft (gültig)"), facts.slice(0, 300));
      await axe(page, "/module/e-rechnung/{id}");
      const invoiceUrl = page.url();
      await visit(page, new URL(invoiceUrl).pathname + "/ansicht");
      const rendered = await page.$eval("body", (b) => b.textContent);
      check("the full invoice view shows the business terms", rendered.includes("BT-1") && rendered.includes("123456XX"), rendered.slice(0, 200));
      await page.goto(invoiceUrl, { waitUntil: "load" });
      for (const [label, status] of [["Sachliche Prüfung beginnen", "In sachlicher Prüfung"], ["Freigeben", "Freigegeben"]]) {
        const [button] = await page.$$(`xpath/.//button[normalize-space()="${label}"]`);
        await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
        const main = await page.$eval("main", (m) => m.textContent);
        check(`workflow step "${label}" leads to ${status}`, main.includes(status) && main.includes("gespeichert"), main.slice(0, 300));
      }
      await page.type("#reason-dispute", "Liefermenge weicht ab");
      const [dispute] = await page.$$(`xpath/.//button[normalize-space()="Beanstanden"]`);
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), dispute.click()]);
      const disputed = await page.$eval("main", (m) => m.textContent);
      check("a dispute is recorded with its reason", disputed.includes("Beanstandet") && disputed.includes("Liefermenge weicht ab"), disputed.slice(0, 300));
      await axe(page, "/module/e-rechnung/{id} (disputed)");
      await page.goto(BASE + "/module/e-rechnung?ansicht=disputed", { waitUntil: "load" });
      const inbox = await page.$eval("main", (m) => m.textContent);
      check("the inbox lists the disputed invoice", inbox.includes("123456XX"), inbox.slice(0, 300));
      await axe(page, "/module/e-rechnung?ansicht=disputed");
      const original = await fetch(invoiceUrl + "/original", { headers: { cookie: (await page.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } });
      const kept = await original.text();
      check("the original is kept byte for byte", kept === readFileSync(invoice, "utf8"));
    }
    // The demo's clarification case (unknown Leitweg-ID) goes to the Saxon cash office.
    await visit(page, "/module/e-rechnung?ansicht=klaerung");
    const [caseLink] = await page.$$(`xpath/.//a[normalize-space()="RE-2026-0433"]`);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), caseLink.click()]);
    const clarification = await page.$eval("main", (m) => m.textContent);
    check("the clarification case says why", clarification.includes("keiner Behörde dieses Knotens zugeordnet"), clarification.slice(0, 300));
    await axe(page, "/module/e-rechnung/{id} (clarification)");
    await page.select("#authority", "sn-hauptkasse");
    await page.type("#forward-note", "Leistung für Sachsen erbracht");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form[action$='/weiterleiten'] button[type=submit]")]);
    const forwarded = await page.$eval("main", (m) => m.textContent);
    check("a clarification case is forwarded", forwarded.includes("Hauptkasse des Freistaates Sachsen"), forwarded.slice(0, 300));
    await axe(page, "/module/e-rechnung/{id}/weiterleiten (done)");
    // A document that is no invoice: stored, rejected, with a printable rejection notice.
    const broken = join(mkdtempSync(join(tmpdir(), "verbund-e2e-")), "kaputt.xml");
    writeFileSync(broken, "<Rechnung>nicht wohlgeformt");
    await page.goto(BASE + "/module/e-rechnung/hochladen", { waitUntil: "load" });
    await (await page.$("#datei")).uploadFile(broken);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form[action='/module/e-rechnung/hochladen'] button[type=submit]")]);
    const rejected = await page.$eval("main", (m) => m.textContent);
    check("a broken file is rejected with its report", rejected.includes("Abgelehnt") && rejected.includes("VB-EINV-NOT-XML"), rejected.slice(0, 300));
    await axe(page, "/module/e-rechnung/{id} (rejected)");
    const [noticeLink] = await page.$$(`xpath/.//a[contains(., "Zurückweisung an den Absender")]`);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), noticeLink.click()]);
    const letter = await page.$eval("main", (m) => m.textContent);
    check("the rejection notice names the reason", letter.includes("Zurückweisung Ihrer elektronischen Rechnung") && letter.includes("VB-EINV-NOT-XML"), letter.slice(0, 300));
    await axe(page, "/module/e-rechnung/{id}/bescheid");
    await logout(page);

    // Auditor and the other dashboards.
    for (const user of ["clara.revision", "anna.admin", "frieda.bund"]) {
      await login(page, user);
      await axe(page, `/ (dashboard, ${user})`);
      await logout(page);
    }
    await login(page, "clara.revision");
    await visit(page, "/protokoll");
    await visit(page, "/verwaltung/benutzer", 403);
    await logout(page);

    // The OpenAPI document is a valid OpenAPI 3.1 document.
    const doc = await (await fetch(BASE + "/api/v1/openapi.json")).json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    check(`openapi.json is valid OpenAPI ${validator.version}`, result.valid && validator.version === "3.1",
          JSON.stringify(result.errors ?? "").slice(0, 500));
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL unexpected error: ${e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
