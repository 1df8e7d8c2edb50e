//! The JSON API through the real router, on SQLite and (when configured) PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Res, envs};
use proptest::prelude::*;
use tower::ServiceExt as _;

#[tokio::test]
async fn governments_need_a_valid_token() {
    for env in envs().await {
        let res = env
            .api(Method::GET, "/api/v1/governments", None, None)
            .await;
        res.assert_problem(401, "VB-0004");
        assert!(res.headers.contains_key(header::WWW_AUTHENTICATE));
        for bad in ["vbt_0000", "Basic abc", "", "vbt_' OR '1'='1"] {
            let res = env.get("/api/v1/governments", bad).await;
            res.assert_problem(401, "VB-0004");
        }
        let res = env.get("/api/v1/governments", env.token("a_clerk")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", env.label);
        let govs = res.json();
        let govs = govs.as_array().unwrap();
        assert_eq!(govs.len(), 17);
        let by = govs.iter().find(|g| g["key"] == "09").unwrap();
        assert_eq!(by["short_name"], "Bayern");
        assert_eq!(
            govs.iter().find(|g| g["key"] == "99").unwrap()["level"],
            "bund"
        );
    }
}

#[tokio::test]
async fn revoked_tokens_stop_working_at_once() {
    for env in envs().await {
        let me = env.get("/api/v1/me", env.token("a_clerk")).await.json();
        let id = me["token_id"].as_str().unwrap().to_owned();
        let res = env
            .api(
                Method::DELETE,
                &format!("/api/v1/tokens/{id}"),
                Some(env.token("a_admin")),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
        env.get("/api/v1/me", env.token("a_clerk"))
            .await
            .assert_problem(401, "VB-0004");
    }
}

#[tokio::test]
async fn authorities_paginate_and_validate_parameters() {
    for env in envs().await {
        let t = env.token("a_clerk");
        let page = env.get("/api/v1/authorities?limit=1", t).await.json();
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_eq!(page["items"][0]["id"], "by-b");
        assert_eq!(page["next_cursor"], "by-b");
        let page2 = env
            .get("/api/v1/authorities?limit=1&cursor=by-b", t)
            .await
            .json();
        assert_eq!(page2["items"][0]["id"], "sn-a");
        assert!(page2.get("next_cursor").is_none());
        let sachsen = env.get("/api/v1/authorities?government=14", t).await.json();
        assert_eq!(sachsen["items"].as_array().unwrap().len(), 1);
        env.get("/api/v1/authorities?limit=0", t)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/authorities?limit=100000", t)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/authorities?limit=abc", t)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/authorities?government=17", t)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/authorities?cursor=..%2F..%2Fetc", t)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/authorities/sn-a", t).await;
        assert_eq!(
            env.get("/api/v1/authorities/sn-a", t).await.json()["address"]["city"],
            "Dresden"
        );
        env.get("/api/v1/authorities/sn-zz", t)
            .await
            .assert_problem(404, "VB-0006");
        env.get("/api/v1/authorities/DROP%20TABLE", t)
            .await
            .assert_problem(400, "VB-0003");
    }
}

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_every_route() {
    let env = envs().await.remove(0);
    let res = env
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/governments",
        "/api/v1/authorities",
        "/api/v1/authorities/{id}",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/audit",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let docs = env.api(Method::GET, "/api/docs", None, None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text().contains("GET /api/v1/governments"));
}

#[tokio::test]
async fn bad_bodies_are_refused_and_write_nothing() {
    for env in envs().await {
        let t = env.token("a_admin");
        let before = env.audit_total().await;
        let cases: [(&str, &str, u16, &str); 9] = [
            ("{", "application/json", 400, "VB-0001"),
            ("[]", "application/json", 400, "VB-0001"),
            (
                r#"{"username":"neu","display_name":"Neu","password":"lang-genug-123","roles":["clerk"],"x":1}"#,
                "application/json",
                400,
                "VB-0001",
            ),
            (
                r#"{"username":5,"display_name":"Neu","password":"lang-genug-123","roles":["clerk"]}"#,
                "application/json",
                400,
                "VB-0001",
            ),
            (
                r#"{"username":"neu","display_name":"Neu","password":"kurz","roles":["clerk"]}"#,
                "application/json",
                400,
                "VB-0003",
            ),
            (
                r#"{"username":"neu'; DROP TABLE users;--","display_name":"Neu","password":"lang-genug-123","roles":["clerk"]}"#,
                "application/json",
                400,
                "VB-0003",
            ),
            (
                r#"{"username":"neu","display_name":"Neu","password":"lang-genug-123","roles":["root"]}"#,
                "application/json",
                400,
                "VB-0001",
            ),
            (
                r#"{"username":"neu","display_name":"Neu","password":"lang-genug-123","roles":[]}"#,
                "application/json",
                400,
                "VB-0001",
            ),
            (
                r#"{"username":"neu","display_name":"Neu","password":"lang-genug-123","roles":["clerk"]}"#,
                "text/plain",
                415,
                "VB-0009",
            ),
        ];
        for (body, ctype, status, code) in cases {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/users")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body))
                .unwrap();
            env.send(req).await.assert_problem(status, code);
        }
        // Oversized body (limit 1 MiB by default).
        let huge = format!(
            r#"{{"name":"{}","role":"clerk"}}"#,
            "x".repeat(2 * 1024 * 1024)
        );
        env.api(Method::POST, "/api/v1/tokens", Some(t), Some(&huge))
            .await
            .assert_problem(413, "VB-0002");
        // Invalid ids.
        env.get("/api/v1/users/not-a-uuid", t)
            .await
            .assert_problem(400, "VB-0003");
        env.api(Method::DELETE, "/api/v1/tokens/..%2F..%2F", Some(t), None)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/audit?cursor=abc", t)
            .await
            .assert_problem(400, "VB-0003");
        assert_eq!(
            env.audit_total().await,
            before,
            "{}: a refused request wrote something",
            env.label
        );
        // And a good one does write.
        let ok = env
            .api(Method::POST, "/api/v1/users", Some(t),
                 Some(r#"{"username":"neu","display_name":"Neu","password":"lang-genug-123","roles":["clerk","clerk"]}"#))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
        assert_eq!(ok.json()["roles"], serde_json::json!(["clerk"]));
        env.api(Method::POST, "/api/v1/users", Some(t),
                Some(r#"{"username":"neu","display_name":"Neu","password":"lang-genug-123","roles":["clerk"]}"#))
            .await
            .assert_problem(409, "VB-0007");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_under_api_and_pages_elsewhere() {
    let env = envs().await.remove(0);
    env.get("/api/v1/nothing", env.token("a_admin"))
        .await
        .assert_problem(404, "VB-0006");
    env.api(Method::PUT, "/api/v1/governments", None, None)
        .await
        .assert_problem(405, "VB-0011");
    let page = env.api(Method::GET, "/gibt-es-nicht", None, None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.content_type().starts_with("text/html"));
    assert!(page.text().contains("VB-0006"));
}

#[tokio::test]
async fn roles_are_enforced() {
    for env in envs().await {
        env.get("/api/v1/users", env.token("a_clerk"))
            .await
            .assert_problem(403, "VB-0005");
        env.get("/api/v1/audit", env.token("a_clerk"))
            .await
            .assert_problem(403, "VB-0005");
        env.get("/api/v1/tokens", env.token("a_auditor"))
            .await
            .assert_problem(403, "VB-0005");
        let users = env.get("/api/v1/users", env.token("a_auditor")).await;
        assert_eq!(users.status, StatusCode::OK);
        let audit = env
            .get("/api/v1/audit?limit=5", env.token("a_auditor"))
            .await
            .json();
        assert_eq!(audit["items"].as_array().unwrap().len(), 5);
        // Reading the user list was itself audited.
        let newest = env
            .get("/api/v1/audit?limit=1", env.token("a_auditor"))
            .await
            .json();
        assert_eq!(newest["items"][0]["action"], "read");
    }
}

#[tokio::test]
async fn operational_endpoints() {
    let env = envs().await.remove(0);
    let health = env.api(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(
        env.api(Method::GET, "/readyz", None, None).await.status,
        StatusCode::OK
    );
    let _ = env.get("/api/v1/governments", env.token("a_clerk")).await;
    env.api(Method::GET, "/metrics", None, None)
        .await
        .assert_problem(401, "VB-0004");
    env.api(Method::GET, "/metrics", Some("falsch"), None)
        .await
        .assert_problem(401, "VB-0004");
    // The review's attack: 800 requests with made-up 60 KB methods. The first odd method
    // adds the `other` series; no further one adds anything.
    let odd =
        |n: usize| Method::from_bytes(format!("X{n}{}", "A".repeat(60_000)).as_bytes()).unwrap();
    let _ = env.api(odd(0), "/api/v1/governments", None, None).await;
    let scrape = || env.api(Method::GET, "/metrics", Some(common::METRICS_TOKEN), None);
    let series = |t: &str| t.lines().filter(|l| l.starts_with("verbund_http_")).count();
    let _ = scrape().await; // so that the scrape's own series exist
    let before = series(&scrape().await.text());
    for n in 1..50 {
        let _ = env.api(odd(n), "/api/v1/governments", None, None).await;
        let _ = env
            .api(odd(n), &format!("/api/v1/unbekannt/{n}"), None, None)
            .await;
    }
    let after = scrape().await.text();
    // One more route series: `unmatched` (then never again).
    let unmatched = after
        .lines()
        .filter(|l| l.starts_with("verbund_http_") && l.contains("unmatched"))
        .count();
    assert_eq!(series(&after), before + unmatched, "{after}");
    assert!(
        after.contains(r#"method="other""#) && after.len() < 64 * 1024,
        "{}",
        after.len()
    );
    let metrics = env
        .api(Method::GET, "/metrics", Some(common::METRICS_TOKEN), None)
        .await;
    assert!(
        metrics
            .content_type()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text();
    assert!(
        text.contains("# TYPE verbund_http_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/api/v1/governments",status="2xx""#),
        "{text}"
    );
    let res = env
        .send(
            Request::builder()
                .uri("/healthz")
                .header("x-request-id", "abc-123")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        !res.headers.contains_key("strict-transport-security"),
        "not over http"
    );
    let https = env.app_at("https://verbund.sachsen.example");
    let secure = https
        .oneshot(
            Request::builder()
                .uri("/healthz")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        secure.headers()["strict-transport-security"],
        "max-age=63072000"
    );
    // The server names every request itself; the caller's id is kept apart (logs, audit).
    let id = res.headers["x-request-id"].to_str().unwrap();
    assert!(id != "abc-123" && uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

fn decode_never_fails_badly(res: &Res) {
    assert!(
        res.status.is_client_error() || res.status.is_success(),
        "{} {}",
        res.status,
        res.text()
    );
    if res.status.is_client_error() {
        assert_eq!(res.content_type(), "application/problem+json");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Request decoding: arbitrary bodies never cause a 5xx or a non-problem error.
    #[test]
    fn arbitrary_bodies_give_problems_not_failures(body in proptest::collection::vec(any::<u8>(), 0..512),
                                                   json_ish in "[\\[\\]{}\":,a-z0-9 ]{0,80}") {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let env = ENV.get_or_init(|| std::thread::spawn(|| {
                tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
                    .block_on(async { envs().await.remove(0) })
            }).join().unwrap());
            let t = env.token("a_admin").to_owned();
            for uri in ["/api/v1/users", "/api/v1/tokens"] {
                for b in [body.clone(), json_ish.clone().into_bytes()] {
                    let req = Request::builder().method(Method::POST).uri(uri)
                        .header(header::AUTHORIZATION, format!("Bearer {t}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(b)).unwrap();
                    decode_never_fails_badly(&env.send(req).await);
                }
            }
        });
    }
}

static ENV: std::sync::OnceLock<common::Env> = std::sync::OnceLock::new();
