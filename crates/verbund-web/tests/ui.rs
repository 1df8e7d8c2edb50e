//! The web UI through the real router: login, CSRF, lockout, forms and their errors.

mod common;

use axum::http::{Method, StatusCode};
use common::{Browser, PASSWORD, envs, hidden};

#[tokio::test]
async fn login_needs_the_form_token_and_the_right_password() {
    for env in envs().await {
        let mut b = Browser::default();
        // Pages redirect to the login with the target kept.
        let res = b.get(&env, "/protokoll").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.headers["location"], "/anmelden?next=/protokoll");
        let page = b.get(&env, "/anmelden?next=/protokoll").await;
        let html = page.text();
        assert!(html.contains("<html lang=\"de\">") && html.contains("Anmelden"));
        let csrf = hidden(&html, "csrf");
        // A forged form (no matching cookie token) is refused.
        let mut stranger = Browser::default();
        let res = stranger
            .post(
                &env,
                "/anmelden",
                &[
                    ("username", "admin-a"),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.text().contains("VB-0010"));
        // Wrong password: a German message, no session.
        let res = b
            .post(
                &env,
                "/anmelden",
                &[
                    ("username", "admin-a"),
                    ("password", "falsch-falsch"),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(
            res.text()
                .contains("Benutzername oder Passwort ist falsch.")
        );
        assert!(res.set_cookie("verbund_session").is_none());
        // Right password: session cookie, HttpOnly and SameSite, redirect to the target.
        let csrf = hidden(&res.text(), "csrf");
        let res = b
            .post(
                &env,
                "/anmelden",
                &[
                    ("username", "admin-a"),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", "/protokoll"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.headers["location"], "/protokoll");
        let cookie = res
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("verbund_session="))
            .unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert_eq!(b.get(&env, "/protokoll").await.status, StatusCode::OK);
        // Open redirects are not followed.
        let csrf = hidden(&b.get(&env, "/anmelden").await.text(), "csrf");
        let res = b
            .post(
                &env,
                "/anmelden",
                &[
                    ("username", "admin-a"),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(res.headers["location"], "/");
    }
}

#[tokio::test]
async fn repeated_failures_delay_logins_with_a_readable_page() {
    for env in envs().await {
        let mut b = Browser::default();
        let mut csrf = hidden(&b.get(&env, "/anmelden").await.text(), "csrf");
        for _ in 0..5 {
            let res = b
                .post(
                    &env,
                    "/anmelden",
                    &[
                        ("username", "clerk-a"),
                        ("password", "falsch-falsch"),
                        ("csrf", &csrf),
                    ],
                )
                .await;
            csrf = hidden(&res.text(), "csrf");
        }
        let res = b
            .post(
                &env,
                "/anmelden",
                &[
                    ("username", "clerk-a"),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", env.label);
        assert!(res.text().contains("Zu viele Anmeldeversuche"));
        // An unknown name gets the very same answers: nothing tells which names exist.
        let mut answers = Vec::new();
        for name in ["clerk-b", "niemand-da"] {
            let mut seen = Vec::new();
            for password in ["falsch-falsch"; 5].into_iter().chain([PASSWORD]) {
                csrf = hidden(&b.get(&env, "/anmelden").await.text(), "csrf");
                let form = [("username", name), ("password", password), ("csrf", &csrf)];
                let res = b.post(&env, "/anmelden", &form).await;
                let text = res.text();
                let error = text
                    .split("role=\"alert\"")
                    .nth(1)
                    .map(|t| t.chars().take(120).collect::<String>());
                seen.push((res.status, error));
            }
            answers.push(seen);
        }
        assert_eq!(answers[0], answers[1], "{}", env.label);
        assert_eq!(answers[0][5].0, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn forms_check_csrf_and_explain_errors_in_german() {
    for env in envs().await {
        let mut b = env.login("admin-a", PASSWORD).await;
        let csrf = b.csrf(&env).await;
        let res = b
            .post(
                &env,
                "/verwaltung/benutzer",
                &[("csrf", "falsch"), ("username", "x")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.text().contains("Formular abgelaufen"));
        let res = b
            .post(
                &env,
                "/verwaltung/benutzer",
                &[
                    ("csrf", &csrf),
                    ("username", "A B"),
                    ("display_name", ""),
                    ("password", "kurz"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text();
        for msg in [
            "Der Benutzername muss",
            "Bitte geben Sie einen Namen",
            "mindestens 10 Zeichen",
            "mindestens eine Rolle",
        ] {
            assert!(html.contains(msg), "missing {msg:?}");
        }
        assert!(html.contains("role=\"alert\""));
        let res = b
            .post(
                &env,
                "/verwaltung/benutzer",
                &[
                    ("csrf", &csrf),
                    ("username", "erika.muster"),
                    ("display_name", "Erika Muster"),
                    ("email", "erika@example.org"),
                    ("password", "lang-genug-123"),
                    ("roles", "clerk"),
                    ("roles", "auditor"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        let list = b
            .get(&env, "/verwaltung/benutzer?angelegt=erika.muster")
            .await
            .text();
        assert!(list.contains("Das Benutzerkonto <strong>erika.muster</strong> wurde angelegt."));
        assert!(
            list.contains("Sachbearbeitung, Prüfung (Revision)")
                || list.contains("Prüfung (Revision), Sachbearbeitung")
        );
        let dup = b
            .post(
                &env,
                "/verwaltung/benutzer",
                &[
                    ("csrf", &csrf),
                    ("username", "erika.muster"),
                    ("display_name", "Erika"),
                    ("password", "lang-genug-123"),
                    ("roles", "clerk"),
                ],
            )
            .await;
        assert!(dup.text().contains("bereits vergeben"));
        // Not a form at all.
        let res = b.get(&env, "/protokoll?vor=abc").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn users_with_several_authorities_can_switch() {
    for env in envs().await {
        let ctx = verbund_store::Context {
            actor: verbund_store::Actor::System("test"),
            request_id: verbund_core::RequestId::internal("t"),
        };
        let user = env
            .store
            .admin()
            .user_by_username(&verbund_core::Username::new("clerk-b").unwrap())
            .await
            .unwrap();
        env.store
            .admin()
            .membership_grant(&ctx, &common::a(), user.id, verbund_core::Role::Auditor)
            .await
            .unwrap();
        let mut b = env.login("clerk-b", PASSWORD).await;
        let csrf = b.csrf(&env).await;
        let home = b.get(&env, "/").await.text();
        assert!(home.contains("Behörde") && home.contains("Wechseln"));
        let res = b
            .post(&env, "/behoerde", &[("csrf", &csrf), ("authority", "sn-a")])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(
            b.get(&env, "/")
                .await
                .text()
                .contains("Sie arbeiten für: <strong>Sächsische Testbehörde</strong>")
        );
        assert_eq!(
            b.get(&env, "/protokoll").await.status,
            StatusCode::OK,
            "auditor in sn-a"
        );
    }
}

/// The review stored control characters, ANSI escapes, NUL and CRLF through the UI that the
/// API refused. Both now apply the same rules, bidirectional overrides and zero-width
/// characters included, and nothing is stored.
#[tokio::test]
async fn the_ui_and_the_api_refuse_the_same_names() {
    for env in envs().await {
        let mut b = env.login("admin-a", PASSWORD).await;
        let members_before = env.get("/api/v1/users", env.token("a_admin")).await.text();
        for (display_name, email) in [
            ("Erika\r\nMuster", ""),
            ("\u{1b}[31mErika", ""),
            ("Erika\u{0}", ""),
            ("Erika \u{202E}retsuM", ""),
            ("Eri\u{200B}ka", ""),
            ("Erika Muster", "erika\u{2066}@sachsen.de"),
            ("Erika Muster", "erika@"),
        ] {
            let csrf = b.csrf(&env).await;
            let form = [
                ("csrf", csrf.as_str()),
                ("username", "erika.muster"),
                ("display_name", display_name),
                ("email", email),
                ("password", "ein-langes-passwort"),
                ("roles", "clerk"),
            ];
            let page = b.post(&env, "/verwaltung/benutzer", &form).await;
            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{display_name:?} {email:?}"
            );
            assert!(
                page.text().contains("Bitte geben Sie")
                    || page.text().contains("E-Mail-Adresse ist ungültig"),
                "{}",
                page.text()
            );
            let body = serde_json::json!({
                "username": "erika.muster", "display_name": display_name,
                "email": (!email.is_empty()).then_some(email),
                "password": "ein-langes-passwort", "roles": ["clerk"],
            });
            env.api(
                Method::POST,
                "/api/v1/users",
                Some(env.token("a_admin")),
                Some(&body.to_string()),
            )
            .await
            .assert_problem(400, "VB-0001");
        }
        let members_after = env.get("/api/v1/users", env.token("a_admin")).await.text();
        assert_eq!(
            members_before, members_after,
            "{}: something was stored",
            env.label
        );
    }
}

/// The login form's double-submit value is signed by the node: a pair the client chose
/// itself (a cookie planted from a sibling subdomain and the same value in the form) is
/// refused, even with the right password.
#[tokio::test]
async fn a_self_made_login_csrf_pair_is_refused() {
    for env in envs().await {
        let mut b = Browser::default();
        b.cookies
            .insert("verbund_login_csrf".to_owned(), "selbst-gemacht".to_owned());
        let form = [
            ("username", "clerk-a"),
            ("password", PASSWORD),
            ("csrf", "selbst-gemacht"),
        ];
        let res = b.post(&env, "/anmelden", &form).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", env.label);
        assert!(res.text().contains("Anmeldeformular ist abgelaufen"));
        assert!(!b.cookies.contains_key("verbund_session"));
    }
}
