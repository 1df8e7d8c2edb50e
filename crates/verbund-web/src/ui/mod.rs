//! The web UI: server-rendered German HTML (askama templates), session cookies and CSRF
//! tokens. Every page goes through [`UiSession`], which resolves the session and the
//! authority the user works in; tenant data is read through that authority's handle only.

mod admin;
mod apidocs;
mod audit;
mod auth;
mod einvoice;
mod pages;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::handler::Handler as _;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use verbund_core::{AuthorityId, ErrorCode, RequestId, Role};
use verbund_store::auth::Session;
use verbund_store::{Actor, Context, Membership};

use crate::WebState;
use crate::extract::{cookie, request_id};

pub use pages::MODULES;

/// Every page and form target of the UI (method, path), for the tenant-isolation tests,
/// which fail when a route here has no cross-tenant probe. Keep in step with [`router`].
pub const PAGES: &[(&str, &str)] = &[
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

pub(crate) fn router(einvoice_bytes_max: usize) -> Router<WebState> {
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/anmelden", get(auth::login_form).post(auth::login_submit))
        .route("/abmelden", post(auth::logout))
        .route("/abmelden/ueberall", post(auth::logout_everywhere))
        .route("/behoerde", post(auth::authority_switch))
        .route("/module/{slug}", get(pages::module_page))
        .route("/module/e-rechnung", get(einvoice::inbox))
        .route(
            "/module/e-rechnung/hochladen",
            get(einvoice::upload_form).post(
                // The file plus a few form fields.
                einvoice::upload.layer(DefaultBodyLimit::max(einvoice_bytes_max + 64 * 1024)),
            ),
        )
        .route("/module/e-rechnung/{id}", get(einvoice::detail))
        .route("/module/e-rechnung/{id}/original", get(einvoice::original))
        .route("/module/e-rechnung/{id}/bescheid", get(einvoice::notice))
        .route("/module/e-rechnung/{id}/ansicht", get(einvoice::view))
        .route("/module/e-rechnung/{id}/schritt", post(einvoice::step))
        .route("/module/e-rechnung/{id}/klaerung", post(einvoice::clarify))
        .route(
            "/module/e-rechnung/{id}/weiterleiten",
            post(einvoice::forward),
        )
        .route(
            "/verwaltung/benutzer",
            get(admin::user_list).post(admin::user_create),
        )
        .route(
            "/verwaltung/behoerden",
            get(admin::authority_list).post(admin::authority_create),
        )
        .route("/protokoll", get(audit::audit_list))
        .route("/api/docs", get(apidocs::api_docs))
        .route("/static/verbund.css", get(stylesheet))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/verbund.css"),
    )
        .into_response()
}

/// One entry of the main navigation.
pub(crate) struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The logged-in user as the page header shows them.
pub(crate) struct LayoutUser {
    pub display_name: String,
    pub authority_name: String,
    pub role_labels: String,
    /// (id, name, selected) of every authority the user may switch to.
    pub authorities: Vec<(String, String, bool)>,
}

/// What the base template needs on every page.
pub(crate) struct Layout {
    pub user: Option<LayoutUser>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

impl Layout {
    /// The layout for pages without a session (login, errors, API docs).
    pub(crate) fn anonymous() -> Self {
        Self {
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
        }
    }
}

/// Renders a template, or the error page if rendering fails.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            error_page(
                ErrorCode::Internal,
                "Die Seite konnte nicht angezeigt werden.",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
    code: &'a str,
    request_id: Option<String>,
}

/// A readable error page with the stable error code, for visitors without a session.
pub(crate) fn error_page(code: ErrorCode, message: &str) -> Response {
    error_page_with(Layout::anonymous(), code, message)
}

/// A readable error page within a layout (with navigation for logged-in users).
pub(crate) fn error_page_with(layout: Layout, code: ErrorCode, message: &str) -> Response {
    let page = ErrorPage {
        layout,
        title: code.title_de(),
        message,
        code: code.as_str(),
        request_id: None,
    };
    let status =
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, code.title_de()).into_response(),
    }
}

/// The logged-in user of a UI request, working in one authority.
pub(crate) struct UiSession {
    pub session: Session,
    pub memberships: Vec<Membership>,
    pub authority_name: String,
    pub request_id: RequestId,
    pub path: String,
}

impl UiSession {
    pub(crate) fn ctx(&self) -> Context {
        Context {
            actor: Actor::User(self.session.user.id),
            request_id: self.request_id.clone(),
        }
    }

    pub(crate) fn authority(&self) -> &AuthorityId {
        &self.session.authority_id
    }

    pub(crate) fn has(&self, role: Role) -> bool {
        self.session.roles.contains(&role)
    }

    pub(crate) fn is_operator(&self) -> bool {
        self.session.user.is_operator
    }

    /// An error page with this user's navigation.
    pub(crate) fn error(&self, code: ErrorCode, message: &str) -> Response {
        error_page_with(self.layout(), code, message)
    }

    /// The 403 page, unless the user's role allows the page.
    pub(crate) fn forbidden_unless(&self, allowed: bool) -> Option<Response> {
        (!allowed).then(|| {
            self.error(
                ErrorCode::Forbidden,
                "Ihre Rolle in dieser Behörde erlaubt diese Seite nicht.",
            )
        })
    }

    /// The CSRF error page, if a submitted form's token does not match the session's.
    pub(crate) fn csrf_failure(&self, submitted: &str) -> Option<Response> {
        if constant_time_eq(submitted.as_bytes(), self.session.csrf_token.as_bytes()) {
            None
        } else {
            Some(self.error(
                ErrorCode::CsrfFailed,
                "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. \
                 Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
            ))
        }
    }

    /// The base layout with navigation for this user.
    pub(crate) fn layout(&self) -> Layout {
        let mut nav = vec![NavItem {
            href: "/",
            label: "Übersicht",
            current: false,
        }];
        for m in &MODULES {
            nav.push(NavItem {
                href: m.href,
                label: m.title,
                current: false,
            });
        }
        if self.has(Role::Administrator) {
            nav.push(NavItem {
                href: "/verwaltung/benutzer",
                label: "Benutzer",
                current: false,
            });
        }
        if self.has(Role::Administrator) || self.has(Role::Auditor) {
            nav.push(NavItem {
                href: "/protokoll",
                label: "Protokoll",
                current: false,
            });
        }
        if self.is_operator() {
            nav.push(NavItem {
                href: "/verwaltung/behoerden",
                label: "Behörden",
                current: false,
            });
        }
        for item in &mut nav {
            item.current = item.href == self.path;
        }
        let mut authorities: Vec<(String, String, bool)> = Vec::new();
        for m in &self.memberships {
            if !authorities.iter().any(|a| a.0 == m.authority_id.as_str()) {
                authorities.push((
                    m.authority_id.to_string(),
                    m.authority_name.clone(),
                    &m.authority_id == self.authority(),
                ));
            }
        }
        let role_labels: Vec<&str> = self.session.roles.iter().map(|r| r.label_de()).collect();
        Layout {
            user: Some(LayoutUser {
                display_name: self.session.user.display_name.clone(),
                authority_name: self.authority_name.clone(),
                role_labels: role_labels.join(", "),
                authorities,
            }),
            nav,
            csrf: self.session.csrf_token.clone(),
        }
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session cookie's name: with the `__Host-` prefix when served over HTTPS, which
/// binds it to this host and path `/`.
pub(crate) fn session_cookie_name(state: &WebState) -> &'static str {
    if state.config().secure_cookies() {
        "__Host-verbund_session"
    } else {
        "verbund_session"
    }
}

/// A `Set-Cookie` value with the node's attributes.
pub(crate) fn cookie_header(state: &WebState, name: &str, value: &str, max_age_s: i64) -> String {
    let secure = if state.config().secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

impl FromRequestParts<WebState> for UiSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let to_login = || {
            let next = parts.uri.path();
            let target = if next == "/" || !next.starts_with('/') || next.starts_with("//") {
                "/anmelden".to_owned()
            } else {
                format!("/anmelden?next={next}")
            };
            Redirect::to(&target).into_response()
        };
        let Some(secret) = cookie(&parts.headers, session_cookie_name(state)) else {
            return Err(to_login());
        };
        let store = state.store();
        let session = match store.auth().session(secret).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(to_login()),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return Err(error_page(
                    ErrorCode::Internal,
                    "Die Sitzung konnte nicht geprüft werden.",
                ));
            }
        };
        let memberships = store
            .auth()
            .memberships(session.user.id)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "membership lookup failed");
                error_page(
                    ErrorCode::Internal,
                    "Die Sitzung konnte nicht geprüft werden.",
                )
            })?;
        let authority_name = store
            .tenant(&session.authority_id)
            .authority()
            .await
            .map(|a| a.name)
            .unwrap_or_default();
        Ok(Self {
            session,
            memberships,
            authority_name,
            request_id: request_id(parts),
            path: parts.uri.path().to_owned(),
        })
    }
}

/// A submitted form; a body that does not decode gives the 400 page.
pub(crate) struct UiForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for UiForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(error_page(
                ErrorCode::UnsupportedMediaType,
                "Erwartet wurden Formulardaten.",
            ));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(error_page(
                    ErrorCode::BodyTooLarge,
                    "Die übermittelten Daten sind zu groß.",
                ));
            }
            Err(_) => {
                return Err(error_page(
                    ErrorCode::MalformedBody,
                    "Die übermittelten Formulardaten sind unvollständig.",
                ));
            }
        };
        // serde_html_form, unlike serde_urlencoded, collects repeated keys (checkboxes).
        serde_html_form::from_bytes(&bytes).map(Self).map_err(|_| {
            error_page(
                ErrorCode::MalformedBody,
                "Die übermittelten Formulardaten sind unvollständig oder ungültig.",
            )
        })
    }
}
