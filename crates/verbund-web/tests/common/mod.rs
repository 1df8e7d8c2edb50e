//! Test harness: the real router in-process over a fresh database per backend, seeded with
//! two authorities (`sn-a` in Sachsen, `by-b` in Bayern), users in every role and tokens.
#![allow(dead_code)] // each test file uses a different part of the harness

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use bytes::Bytes;
use http_body_util::BodyExt;
use tower::ServiceExt;
use verbund_core::{AuthorityId, AuthorityKind, LeitwegId, Password, RequestId, Role, Username};
use verbund_store::blobs::{BlobLocation, BlobStore};
use verbund_store::testing::{TestDb, test_stores};
use verbund_store::{Actor, Context, NewAuthority, NewUser, Store};
use verbund_web::{WebConfig, WebState};

pub const PASSWORD: &str = "test-passwort-123";
/// The token `/metrics` asks for on the test node.
pub const METRICS_TOKEN: &str = "test-metriken-token";

pub struct Env {
    pub app: Router,
    pub store: Store,
    pub label: &'static str,
    /// Token secrets by name: a_admin, a_clerk, a_auditor, b_admin, b_clerk.
    pub tokens: HashMap<&'static str, String>,
    db: TestDb,
    blobs: tempfile::TempDir,
}

pub fn a() -> AuthorityId {
    AuthorityId::new("sn-a").unwrap()
}

pub fn b() -> AuthorityId {
    AuthorityId::new("by-b").unwrap()
}

fn ctx() -> Context {
    Context {
        actor: Actor::System("test"),
        request_id: RequestId::internal("test"),
    }
}

/// The Leitweg-IDs that route e-invoices to `sn-a` and `by-b`.
pub const A_LEITWEG_ID: &str = "14-A1-87";
pub const B_LEITWEG_ID: &str = "09-B1-22";

/// One seeded environment per available backend.
pub async fn envs() -> Vec<Env> {
    let mut out = Vec::new();
    for db in test_stores().await {
        out.push(seed(db).await);
    }
    out
}

async fn seed(db: TestDb) -> Env {
    let store = db.store.clone();
    let admin = store.admin();
    for (id, gov, name, leitweg) in [
        ("sn-a", "14", "Sächsische Testbehörde", A_LEITWEG_ID),
        ("by-b", "09", "Bayerische Testbehörde", B_LEITWEG_ID),
    ] {
        admin
            .authority_create(
                &ctx(),
                &NewAuthority {
                    id: AuthorityId::new(id).unwrap(),
                    government_key: gov.parse().unwrap(),
                    kind: AuthorityKind::Ministry,
                    name: name.into(),
                    street: "Teststraße 1".into(),
                    postal_code: "01097".into(),
                    city: "Dresden".into(),
                    email: None,
                    leitweg_id: Some(LeitwegId::parse(leitweg).unwrap()),
                    ags: None,
                },
            )
            .await
            .unwrap();
    }
    let users: [(&str, AuthorityId, &[Role], bool); 6] = [
        ("admin-a", a(), &[Role::Administrator], false),
        ("clerk-a", a(), &[Role::Clerk], false),
        ("auditor-a", a(), &[Role::Auditor], false),
        ("admin-b", b(), &[Role::Administrator], false),
        ("clerk-b", b(), &[Role::Clerk], false),
        ("operator", a(), &[], true),
    ];
    for (name, authority, roles, operator) in users {
        admin
            .user_create(
                &ctx(),
                &authority,
                NewUser {
                    username: Username::new(name).unwrap(),
                    display_name: format!("Person {name}"),
                    email: None,
                    password: Some(Password::new(PASSWORD).unwrap()),
                    roles: roles.to_vec(),
                    is_operator: operator,
                },
            )
            .await
            .unwrap();
    }
    let mut tokens = HashMap::new();
    for (name, authority, role) in [
        ("a_admin", a(), Role::Administrator),
        ("a_clerk", a(), Role::Clerk),
        ("a_auditor", a(), Role::Auditor),
        ("b_admin", b(), Role::Administrator),
        ("b_clerk", b(), Role::Clerk),
    ] {
        let (_, secret) = store
            .tenant(&authority)
            .token_create(&ctx(), name, role, None)
            .await
            .unwrap();
        tokens.insert(name, secret);
    }
    let blob_dir = tempfile::tempdir().unwrap();
    Env {
        app: app(store.clone(), blob_dir.path(), "http://127.0.0.1:8080"),
        store,
        label: db.label,
        tokens,
        db,
        blobs: blob_dir,
    }
}

fn app(store: Store, blob_dir: &std::path::Path, public_url: &str) -> Router {
    let blobs = BlobStore::open(&BlobLocation::Local(blob_dir.to_path_buf())).unwrap();
    let state = WebState::new(
        store,
        blobs,
        WebConfig {
            public_url: public_url.into(),
            trusted_proxies: Vec::new(),
            metrics_token: Some(METRICS_TOKEN.to_owned()),
            request_timeout: std::time::Duration::from_mins(1),
            login_csrf_key: verbund_web::LoginCsrfKey([42; 32]),
        },
    );
    verbund_web::router(state)
}

impl Env {
    /// The app of a second server process on the same database and blob store: its own
    /// connection pool, its own caches, nothing shared in memory with `self.app`.
    pub async fn second_process(&self) -> Router {
        let store = Store::connect(
            &self.db.url,
            std::sync::Arc::new(verbund_core::SystemClock),
            self.store.limits().clone(),
        )
        .await
        .unwrap();
        app(store, self.blobs.path(), "http://127.0.0.1:8080")
    }

    /// The app of this node as reached under another public URL (same database and blobs).
    pub fn app_at(&self, public_url: &str) -> Router {
        app(self.store.clone(), self.blobs.path(), public_url)
    }

    /// Every file below the blob root (relative paths, sorted), temporary files included.
    pub fn blob_files(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut dirs = vec![self.blobs.path().to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(rel) = path.strip_prefix(self.blobs.path()) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }
}

/// The suite invoice addressed to `leitweg_id`; `None` (test skipped) without `../shared`.
pub fn invoice_to(leitweg_id: &str) -> Option<Vec<u8>> {
    const SUITE_FILE: &str =
        "testdata/xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_ubl.xml";
    const SUITE_LEITWEG_ID: &str = "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>";
    let shared = verbund_store::testing::shared_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        "e-invoice API tests",
    )?;
    let xml = std::fs::read_to_string(shared.join(SUITE_FILE)).expect("suite file");
    assert!(xml.contains(SUITE_LEITWEG_ID), "recipe no longer applies");
    Some(
        xml.replace(
            SUITE_LEITWEG_ID,
            &format!("<cbc:BuyerReference>{leitweg_id}</cbc:BuyerReference>"),
        )
        .into_bytes(),
    )
}

/// A response, read whole.
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Res {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json error with the given status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(self.content_type(), "application/problem+json");
        let p = self.json();
        assert_eq!(p["code"], code, "{p}");
        assert_eq!(p["status"], status);
        assert!(p["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    }

    /// The value of a cookie set by this response.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

impl Env {
    pub fn token(&self, name: &str) -> &str {
        &self.tokens[name]
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Res {
            status,
            headers,
            body,
        }
    }

    /// An API call with an optional bearer token and JSON body.
    pub async fn api(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Res {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_owned())),
            None => req.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }

    /// An API call that posts `body` as `application/xml`.
    pub async fn post_xml(&self, uri: &str, token: &str, body: &[u8]) -> Res {
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(body.to_vec()))
            .unwrap();
        self.send(req).await
    }

    pub async fn get(&self, uri: &str, token: &str) -> Res {
        self.api(Method::GET, uri, Some(token), None).await
    }

    /// How many audit entries exist in all chains (to prove nothing was written).
    pub async fn audit_total(&self) -> u64 {
        verbund_store::audit::verify(&self.store)
            .await
            .unwrap()
            .entries
    }

    /// Logs in through the form and returns a browser-like session.
    pub async fn login(&self, username: &str, password: &str) -> Browser {
        let mut browser = Browser::default();
        let page = browser.get(self, "/anmelden").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = hidden(&page.text(), "csrf");
        let res = browser
            .post(
                self,
                "/anmelden",
                &[
                    ("username", username),
                    ("password", password),
                    ("csrf", &csrf),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {username}: {}",
            res.text()
        );
        browser
    }
}

/// Extracts the value of a hidden input from a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in page"))
        + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// A cookie jar that follows the server's Set-Cookie headers.
#[derive(Default, Clone)]
pub struct Browser {
    pub cookies: HashMap<String, String>,
}

impl Browser {
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&mut self, res: &Res) {
        for v in res.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let first = v.split(';').next().unwrap();
            let (k, val) = first.split_once('=').unwrap();
            if val.is_empty() || v.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
    }

    pub async fn get(&mut self, env: &Env, uri: &str) -> Res {
        let req = Request::builder()
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let res = env.send(req).await;
        self.absorb(&res);
        res
    }

    pub async fn post(&mut self, env: &Env, uri: &str, form: &[(&str, &str)]) -> Res {
        let body = serde_html_form_encode(form);
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let res = env.send(req).await;
        self.absorb(&res);
        res
    }

    /// Submits a `multipart/form-data` form with text fields and one file, as a browser does.
    pub async fn upload(
        &mut self,
        env: &Env,
        uri: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Res {
        let boundary = "----verbund-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        let (name, file_name, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/xml\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        let res = env.send(req).await;
        self.absorb(&res);
        res
    }

    /// The session's CSRF token, read from a page.
    pub async fn csrf(&mut self, env: &Env) -> String {
        let page = self.get(env, "/").await;
        hidden(&page.text(), "csrf")
    }
}

fn serde_html_form_encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
