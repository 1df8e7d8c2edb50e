//! Tenant isolation: for every API endpoint and every UI page, a caller of authority A
//! (`sn-a`) tries to read or change authority B's (`by-b`) data. The coverage tests fail
//! when a route exists that has no probe here.

// Each probe is a scenario that reads top to bottom; splitting it would hide the story.
#![allow(clippy::too_many_lines)]

mod common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{Env, PASSWORD, envs};

/// The API operations probed below, as (method, path) in the OpenAPI document.
const API_PROBED: &[(&str, &str)] = &[
    ("get", "/api/v1/governments"),
    ("get", "/api/v1/authorities"),
    ("get", "/api/v1/authorities/{id}"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/einvoices"),
    ("get", "/api/v1/einvoices"),
    ("get", "/api/v1/einvoices/{id}"),
    ("get", "/api/v1/einvoices/{id}/original"),
    ("post", "/api/v1/einvoices/{id}/actions"),
    ("post", "/api/v1/einvoices/{id}/clarification"),
    ("post", "/api/v1/einvoices/{id}/forward"),
];

/// The UI routes probed below.
const PAGES_PROBED: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/anmelden"),
    ("POST", "/anmelden"),
    ("POST", "/abmelden"),
    ("POST", "/abmelden/ueberall"),
    ("POST", "/behoerde"),
    ("GET", "/module/{slug}"),
    ("GET", "/module/e-rechnung"),
    ("GET", "/module/e-rechnung/hochladen"),
    ("POST", "/module/e-rechnung/hochladen"),
    ("GET", "/module/e-rechnung/{id}"),
    ("GET", "/module/e-rechnung/{id}/original"),
    ("GET", "/module/e-rechnung/{id}/bescheid"),
    ("GET", "/module/e-rechnung/{id}/ansicht"),
    ("POST", "/module/e-rechnung/{id}/schritt"),
    ("POST", "/module/e-rechnung/{id}/klaerung"),
    ("POST", "/module/e-rechnung/{id}/weiterleiten"),
    ("GET", "/verwaltung/benutzer"),
    ("POST", "/verwaltung/benutzer"),
    ("GET", "/verwaltung/behoerden"),
    ("POST", "/verwaltung/behoerden"),
    ("GET", "/protokoll"),
    ("GET", "/api/docs"),
    ("GET", "/static/verbund.css"),
];

#[tokio::test]
async fn every_api_operation_has_a_probe() {
    let env = envs().await.remove(0);
    let doc = env
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let probed: BTreeSet<_> = API_PROBED
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented, probed,
        "API operations without an isolation probe (or stale probes)"
    );
}

#[test]
fn every_page_has_a_probe() {
    let pages: BTreeSet<_> = verbund_web::ui::PAGES.iter().collect();
    let probed: BTreeSet<_> = PAGES_PROBED.iter().collect();
    assert_eq!(
        pages, probed,
        "UI routes without an isolation probe (or stale probes)"
    );
}

async fn user_id(env: &Env, token: &str, username: &str) -> String {
    let users = env.get("/api/v1/users?limit=200", token).await.json();
    users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap_or_else(|| panic!("{username} not listed"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn token_ids(env: &Env, token: &str) -> Vec<String> {
    env.get("/api/v1/tokens", token)
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn api_callers_of_one_authority_never_reach_another() {
    for env in envs().await {
        let (ta, tb) = (
            env.token("a_admin").to_owned(),
            env.token("b_admin").to_owned(),
        );
        let label = env.label;
        // Directory: the same for everyone, and without tenant data.
        for path in [
            "/api/v1/governments",
            "/api/v1/authorities",
            "/api/v1/authorities/by-b",
        ] {
            let ra = env.get(path, &ta).await;
            let rb = env.get(path, &tb).await;
            assert_eq!(ra.status, StatusCode::OK);
            assert_eq!(ra.json(), rb.json(), "{label}: {path} differs by caller");
            for secret in ["admin-b", "clerk-b", "hash", "token"] {
                assert!(
                    !ra.text().contains(secret),
                    "{label}: {path} leaks {secret}"
                );
            }
        }
        // Me.
        assert_eq!(
            env.get("/api/v1/me", &ta).await.json()["authority_id"],
            "sn-a"
        );
        // Users: list, get, create.
        let listed = env.get("/api/v1/users?limit=200", &ta).await.text();
        assert!(
            listed.contains("admin-a")
                && !listed.contains("admin-b")
                && !listed.contains("clerk-b"),
            "{label}"
        );
        let b_user = user_id(&env, &tb, "clerk-b").await;
        env.get(&format!("/api/v1/users/{b_user}"), &ta)
            .await
            .assert_problem(404, "VB-0006");
        let created = env
            .api(Method::POST, "/api/v1/users", Some(&ta),
                 Some(r#"{"username":"neu-a","display_name":"Neu","password":"lang-genug-123","roles":["clerk"]}"#))
            .await;
        assert_eq!(created.status, StatusCode::CREATED);
        assert!(
            !env.get("/api/v1/users?limit=200", &tb)
                .await
                .text()
                .contains("neu-a")
        );
        env.api(Method::POST, "/api/v1/users", Some(&ta),
                Some(r#"{"username":"neu-b","display_name":"Neu","password":"lang-genug-123","roles":["clerk"],"authority":"by-b"}"#))
            .await
            .assert_problem(400, "VB-0001");
        // Tokens: list, create, revoke.
        let a_tokens = token_ids(&env, &ta).await;
        let b_tokens = token_ids(&env, &tb).await;
        assert!(a_tokens.iter().all(|t| !b_tokens.contains(t)), "{label}");
        let made = env
            .api(
                Method::POST,
                "/api/v1/tokens",
                Some(&ta),
                Some(r#"{"name":"x","role":"clerk"}"#),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
        let new_id = made.json()["token"]["id"].as_str().unwrap().to_owned();
        assert!(!token_ids(&env, &tb).await.contains(&new_id));
        for b_token in &b_tokens {
            env.api(
                Method::DELETE,
                &format!("/api/v1/tokens/{b_token}"),
                Some(&ta),
                None,
            )
            .await
            .assert_problem(404, "VB-0006");
        }
        assert_eq!(
            env.get("/api/v1/me", &tb).await.status,
            StatusCode::OK,
            "{label}: B's token was revoked by A"
        );
        // E-invoices: B's inbox is B's. (A document that is no invoice is stored, rejected.)
        let posted = env.post_xml("/api/v1/einvoices", &tb, b"kein xml").await;
        assert_eq!(posted.status, StatusCode::CREATED, "{label}");
        let b_invoice = posted.json()["id"].as_str().unwrap().to_owned();
        let listed = env.get("/api/v1/einvoices", &ta).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert!(!listed.text().contains(&b_invoice), "{label}");
        for path in [
            format!("/api/v1/einvoices/{b_invoice}"),
            format!("/api/v1/einvoices/{b_invoice}/original"),
        ] {
            env.get(&path, &ta).await.assert_problem(404, "VB-0006");
        }
        for (path, body) in [
            ("actions", r#"{"action":"review"}"#),
            ("clarification", r#"{"note":"erledigt"}"#),
            ("forward", r#"{"authority_id":"sn-a","note":"zu uns"}"#),
        ] {
            env.api(
                Method::POST,
                &format!("/api/v1/einvoices/{b_invoice}/{path}"),
                Some(&ta),
                Some(body),
            )
            .await
            .assert_problem(404, "VB-0006");
        }
        let a_posted = env
            .post_xml("/api/v1/einvoices", &ta, b"auch kein xml")
            .await;
        assert_eq!(a_posted.json()["authority_id"], "sn-a");
        assert!(
            !env.get("/api/v1/einvoices", &tb)
                .await
                .text()
                .contains(a_posted.json()["id"].as_str().unwrap())
        );
        // Audit.
        let audit = env.get("/api/v1/audit?limit=200", &ta).await.text();
        assert!(
            !audit.contains("by-b") && !audit.contains(&b_user),
            "{label}: A sees B's audit entries"
        );
    }
}

#[tokio::test]
async fn ui_sessions_of_one_authority_never_reach_another() {
    for env in envs().await {
        let label = env.label;
        let mut a = env.login("admin-a", PASSWORD).await;
        let csrf = a.csrf(&env).await;
        // Dashboard and modules show only A.
        let home = a.get(&env, "/").await.text();
        assert!(
            home.contains("Sächsische Testbehörde") && !home.contains("Bayerische Testbehörde"),
            "{label}"
        );
        let module = a.get(&env, "/module/kommunikation").await;
        assert_eq!(module.status, StatusCode::OK);
        assert!(module.text().contains("noch nicht verfügbar"));
        // E-Rechnung: B's invoice is invisible and untouchable from A's session.
        let b_invoice = env
            .post_xml("/api/v1/einvoices", env.token("b_clerk"), b"kein xml von B")
            .await
            .json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let inbox = a.get(&env, "/module/e-rechnung?ansicht=alle").await;
        assert_eq!(inbox.status, StatusCode::OK, "{label}");
        assert!(!inbox.text().contains(&b_invoice), "{label}");
        for path in ["", "/original", "/bescheid", "/ansicht"] {
            let res = a
                .get(&env, &format!("/module/e-rechnung/{b_invoice}{path}"))
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{label} {path}");
        }
        for (path, field, value) in [
            ("schritt", "action", "review"),
            ("klaerung", "note", "erledigt"),
            ("weiterleiten", "authority", "sn-a"),
        ] {
            let res = a
                .post(
                    &env,
                    &format!("/module/e-rechnung/{b_invoice}/{path}"),
                    &[("csrf", &csrf), (field, value)],
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{label} {path}");
        }
        assert_eq!(
            a.get(&env, "/module/e-rechnung/hochladen").await.status,
            StatusCode::OK
        );
        let uploaded = a
            .upload(
                &env,
                "/module/e-rechnung/hochladen",
                &[("csrf", &csrf)],
                ("datei", "a.xml", b"kein xml von A"),
            )
            .await;
        assert_eq!(
            uploaded.status,
            StatusCode::SEE_OTHER,
            "{}",
            uploaded.text()
        );
        assert!(
            !env.get("/api/v1/einvoices", env.token("b_clerk"))
                .await
                .text()
                .contains("a.xml"),
            "{label}: A's upload reached B"
        );
        assert_eq!(
            a.get(&env, "/module/by-b").await.status,
            StatusCode::NOT_FOUND
        );
        // Users page and form.
        let users = a.get(&env, "/verwaltung/benutzer").await.text();
        assert!(
            users.contains("admin-a") && !users.contains("admin-b") && !users.contains("clerk-b"),
            "{label}"
        );
        let made = a
            .post(
                &env,
                "/verwaltung/benutzer",
                &[
                    ("csrf", &csrf),
                    ("username", "formular-a"),
                    ("display_name", "Formular A"),
                    ("email", ""),
                    ("password", "lang-genug-123"),
                    ("roles", "clerk"),
                    ("authority", "by-b"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let b_users = env
            .get("/api/v1/users?limit=200", env.token("b_admin"))
            .await
            .text();
        assert!(
            !b_users.contains("formular-a"),
            "{label}: the form wrote into B"
        );
        // Audit page.
        let audit = a.get(&env, "/protokoll").await.text();
        assert!(
            audit.contains("user.create") && !audit.contains("by-b"),
            "{label}"
        );
        // Switching into an authority without a role there.
        let switch = a
            .post(&env, "/behoerde", &[("csrf", &csrf), ("authority", "by-b")])
            .await;
        assert_eq!(switch.status, StatusCode::FORBIDDEN, "{label}");
        assert!(
            a.get(&env, "/")
                .await
                .text()
                .contains("Sächsische Testbehörde")
        );
        // Node administration is for operators only.
        assert_eq!(
            a.get(&env, "/verwaltung/behoerden").await.status,
            StatusCode::FORBIDDEN
        );
        let forged = a
            .post(
                &env,
                "/verwaltung/behoerden",
                &[
                    ("csrf", &csrf),
                    ("id", "xx-neu"),
                    ("name", "X"),
                    ("government", "09"),
                    ("kind", "other"),
                    ("street", "S 1"),
                    ("postal_code", "12345"),
                    ("city", "O"),
                ],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // B logging out everywhere ends B's sessions, not A's; a forged form ends nothing.
        let mut b = env.login("admin-b", common::PASSWORD).await;
        let mut b_elsewhere = env.login("admin-b", common::PASSWORD).await;
        let forged = b.post(&env, "/abmelden/ueberall", &[("csrf", &csrf)]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{label}");
        let b_csrf = b.csrf(&env).await;
        let everywhere = b
            .post(&env, "/abmelden/ueberall", &[("csrf", &b_csrf)])
            .await;
        assert_eq!(everywhere.status, StatusCode::SEE_OTHER);
        assert_eq!(
            b_elsewhere.get(&env, "/").await.status,
            StatusCode::SEE_OTHER,
            "{label}"
        );
        assert_eq!(
            a.get(&env, "/verwaltung/benutzer").await.status,
            StatusCode::OK,
            "{label}"
        );
        // A session cookie from A is useless after logout, and pages without one redirect.
        let out = a.post(&env, "/abmelden", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        let after = a.get(&env, "/verwaltung/benutzer").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        // Public pages hold no tenant data.
        let mut anon = common::Browser::default();
        for path in ["/anmelden", "/api/docs", "/static/verbund.css"] {
            let page = anon.get(&env, path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(
                !page.text().contains("Testbehörde"),
                "{label}: {path} leaks tenant data"
            );
        }
        // B's clerk sees B, not A, and has no admin pages.
        let mut b = env.login("clerk-b", PASSWORD).await;
        let home_b = b.get(&env, "/").await.text();
        assert!(
            home_b.contains("Bayerische Testbehörde") && !home_b.contains("Sächsische Testbehörde")
        );
        assert_eq!(
            b.get(&env, "/verwaltung/benutzer").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            b.get(&env, "/protokoll").await.status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn operators_administer_the_directory_but_see_no_tenant_pages_without_a_role() {
    for env in envs().await {
        let mut op = env.login("operator", PASSWORD).await;
        let csrf = op.csrf(&env).await;
        let list = op.get(&env, "/verwaltung/behoerden").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.text().contains("by-b"));
        let made = op
            .post(
                &env,
                "/verwaltung/behoerden",
                &[
                    ("csrf", &csrf),
                    ("id", "th-neu"),
                    ("name", "Neue Thüringer Behörde"),
                    ("government", "16"),
                    ("kind", "municipality"),
                    ("street", "Markt 1"),
                    ("postal_code", "99084"),
                    ("city", "Erfurt"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        assert!(
            op.get(&env, "/verwaltung/behoerden?angelegt=th-neu")
                .await
                .text()
                .contains("Neue Thüringer Behörde")
        );
        // The operator holds no role in sn-a: no user list, no audit log.
        assert_eq!(
            op.get(&env, "/verwaltung/benutzer").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            op.get(&env, "/protokoll").await.status,
            StatusCode::FORBIDDEN
        );
    }
}
