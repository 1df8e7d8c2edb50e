//! Login, logout and switching the authority one works in.

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use verbund_core::{AuthorityId, ErrorCode};
use verbund_store::auth::LoginOutcome;

use super::{Layout, UiForm, UiSession, cookie_header, error_page, render, session_cookie_name};
use crate::WebState;
use crate::extract::{cookie, request_id};

const LOGIN_CSRF_COOKIE: &str = "verbund_login_csrf";

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

/// Only local paths are accepted as a target after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.len() <= 512
                && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Shows the login form and sets the double-submit CSRF cookie for it.
pub(crate) async fn login_form(
    State(state): State<WebState>,
    query: axum::extract::Query<LoginQuery>,
) -> Response {
    login_page(
        &state,
        StatusCode::OK,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
    )
}

fn login_page(
    state: &WebState,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let csrf = random_token();
    let page = LoginPage {
        layout: Layout::anonymous(),
        csrf: csrf.clone(),
        next,
        username,
        error,
    };
    let mut res = render(status, &page);
    if let Ok(v) = cookie_header(state, LOGIN_CSRF_COOKIE, &csrf, 3600).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// The client address for throttling: the socket peer. (Behind a reverse proxy, configure
/// the proxy to limit too; `X-Forwarded-For` is not trusted because any client can set it.)
pub(crate) struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        Ok(Self(addr))
    }
}

/// Checks the credentials and starts a session in the user's first authority.
pub(crate) async fn login_submit(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    parts_rid: RequestIdOnly,
    UiForm(form): UiForm<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let cookie_ok = cookie(&headers, LOGIN_CSRF_COOKIE).is_some_and(|c| {
        !form.csrf.is_empty() && super::constant_time_eq(c.as_bytes(), form.csrf.as_bytes())
    });
    if !cookie_ok {
        return error_page(
            ErrorCode::CsrfFailed,
            "Das Anmeldeformular ist abgelaufen. Bitte laden Sie die Anmeldeseite neu.",
        );
    }
    let store = state.store();
    let outcome = match store
        .auth()
        .login(&form.username, &form.password, &client, &parts_rid.0)
        .await
    {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            return error_page(
                ErrorCode::Internal,
                "Die Anmeldung ist derzeit nicht möglich.",
            );
        }
    };
    let user = match outcome {
        LoginOutcome::Success(user) => user,
        LoginOutcome::Invalid => {
            return login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                next,
                form.username,
                Some("Benutzername oder Passwort ist falsch.".to_owned()),
            );
        }
        LoginOutcome::Locked(until) => {
            return login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                form.username,
                Some(format!(
                    "Das Konto ist nach mehreren Fehlversuchen vorübergehend gesperrt \
                     (bis {}). Bitte versuchen Sie es später erneut.",
                    until.to_display_de()
                )),
            );
        }
        LoginOutcome::Throttled => {
            return login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                form.username,
                Some("Zu viele Anmeldeversuche. Bitte warten Sie einige Minuten.".to_owned()),
            );
        }
    };
    let memberships = match store.auth().memberships(user.id).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "memberships");
            return error_page(
                ErrorCode::Internal,
                "Die Anmeldung ist derzeit nicht möglich.",
            );
        }
    };
    // Work in the home authority if the user holds a role there, else in the first one.
    let authority = memberships
        .iter()
        .find(|m| m.authority_id == user.home_authority_id)
        .or_else(|| memberships.first())
        .map_or(user.home_authority_id.clone(), |m| m.authority_id.clone());
    let secret = match store.auth().session_create(user.id, &authority).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "session create");
            return error_page(
                ErrorCode::Internal,
                "Die Anmeldung ist derzeit nicht möglich.",
            );
        }
    };
    let absolute = store.limits().session_absolute_seconds;
    let mut res = Redirect::to(&next).into_response();
    for value in [
        cookie_header(&state, session_cookie_name(&state), &secret, absolute),
        cookie_header(&state, LOGIN_CSRF_COOKIE, "", 0),
    ] {
        if let Ok(v) = value.parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// The request id alone, for handlers that run before a session exists.
pub(crate) struct RequestIdOnly(pub verbund_core::RequestId);

impl<S: Send + Sync> FromRequestParts<S> for RequestIdOnly {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(request_id(parts)))
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// Ends the session.
pub(crate) async fn logout(
    State(state): State<WebState>,
    ui: UiSession,
    headers: HeaderMap,
    UiForm(form): UiForm<CsrfForm>,
) -> Response {
    if let Some(page) = ui.csrf_failure(&form.csrf) {
        return page;
    }
    if let Some(secret) = cookie(&headers, session_cookie_name(&state))
        && let Err(e) = state.store().auth().session_delete(secret).await
    {
        tracing::error!(error = %e, "logout");
    }
    let mut res = Redirect::to("/anmelden").into_response();
    if let Ok(v) = cookie_header(&state, session_cookie_name(&state), "", 0).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
pub(crate) struct SwitchForm {
    csrf: String,
    authority: String,
}

/// Switches the session to another authority the user holds a role in.
pub(crate) async fn authority_switch(
    State(state): State<WebState>,
    ui: UiSession,
    headers: HeaderMap,
    UiForm(form): UiForm<SwitchForm>,
) -> Response {
    if let Some(page) = ui.csrf_failure(&form.csrf) {
        return page;
    }
    let Ok(target) = AuthorityId::new(&form.authority) else {
        return ui.error(ErrorCode::InvalidParameter, "Unbekannte Behörde.");
    };
    if !ui.memberships.iter().any(|m| m.authority_id == target) {
        return ui.error(
            ErrorCode::Forbidden,
            "Sie haben in dieser Behörde keine Rolle.",
        );
    }
    if let Some(secret) = cookie(&headers, session_cookie_name(&state))
        && let Err(e) = state.store().auth().session_switch(secret, &target).await
    {
        tracing::error!(error = %e, "switch");
        return ui.error(ErrorCode::Internal, "Der Wechsel ist fehlgeschlagen.");
    }
    Redirect::to("/").into_response()
}
