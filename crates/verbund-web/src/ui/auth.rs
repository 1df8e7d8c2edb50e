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

/// How long a login form's CSRF value stays good.
const LOGIN_CSRF_SECONDS: i64 = 3600;

/// A login form's CSRF value: `<nonce>.<expiry ms>.<HMAC-SHA256 of both>`, signed with the
/// node's key. The double-submit check (cookie equals form field) alone lets anyone who can
/// plant a cookie for the site (a sibling subdomain) pick both halves; a signed value must
/// come from this node and expires.
fn login_csrf_value(key: &crate::LoginCsrfKey, now: verbund_core::Timestamp) -> String {
    use rand::RngCore;
    let mut nonce = [0_u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let payload = format!(
        "{}.{}",
        hex::encode(nonce),
        now.plus_seconds(LOGIN_CSRF_SECONDS).0
    );
    format!("{payload}.{}", login_csrf_mac(key, &payload))
}

fn login_csrf_mac(key: &crate::LoginCsrfKey, payload: &str) -> String {
    use hmac::Mac as _;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(&key.0).expect("HMAC takes keys of any length");
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `value` was signed by this node and has not expired.
fn login_csrf_valid(key: &crate::LoginCsrfKey, value: &str, now: verbund_core::Timestamp) -> bool {
    let Some((payload, mac)) = value.rsplit_once('.') else {
        return false;
    };
    let expires = payload
        .split_once('.')
        .and_then(|(_, e)| e.parse::<i64>().ok());
    super::constant_time_eq(login_csrf_mac(key, payload).as_bytes(), mac.as_bytes())
        && expires.is_some_and(|e| e > now.0)
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
    let csrf = login_csrf_value(&state.config().login_csrf_key, state.store().clock().now());
    let page = LoginPage {
        layout: Layout::anonymous(),
        csrf: csrf.clone(),
        next,
        username,
        error,
    };
    let mut res = render(status, &page);
    if let Ok(v) = cookie_header(state, LOGIN_CSRF_COOKIE, &csrf, LOGIN_CSRF_SECONDS).parse() {
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

/// The client address for throttling: the socket peer, or, when the peer is one of the
/// configured trusted proxies, the nearest address in `X-Forwarded-For` that is not a trusted
/// proxy itself (read from the right, since a client can prepend anything it likes).
pub(crate) struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<WebState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(peer.map(|peer| {
            client_addr(peer, &parts.headers, &state.config().trusted_proxies)
        })))
    }
}

fn client_addr(
    peer: std::net::IpAddr,
    headers: &HeaderMap,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(value) = value.to_str() else {
            return client;
        };
        for hop in value.rsplit(',') {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) if is_trusted(&ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
    }
    client
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
    let key = &state.config().login_csrf_key;
    let now = state.store().clock().now();
    let cookie_ok = cookie(&headers, LOGIN_CSRF_COOKIE).is_some_and(|c| {
        super::constant_time_eq(c.as_bytes(), form.csrf.as_bytes())
            && login_csrf_valid(key, &form.csrf, now)
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
        .login(&form.username, &form.password, client, &parts_rid.0)
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
        LoginOutcome::Throttled => {
            return login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                form.username,
                Some(
                    "Zu viele Anmeldeversuche. Bitte warten Sie etwas und versuchen Sie es \
                     dann erneut."
                        .to_owned(),
                ),
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

/// Ends every session of the user, this one included ("Überall abmelden").
pub(crate) async fn logout_everywhere(
    State(state): State<WebState>,
    ui: UiSession,
    UiForm(form): UiForm<CsrfForm>,
) -> Response {
    if let Some(page) = ui.csrf_failure(&form.csrf) {
        return page;
    }
    if let Err(e) = state
        .store()
        .auth()
        .sessions_end_all(&ui.ctx(), &ui.session.user)
        .await
    {
        tracing::error!(error = %e, "logout everywhere");
        return ui.error(
            ErrorCode::Internal,
            "Die Sitzungen konnten nicht beendet werden. Bitte versuchen Sie es erneut.",
        );
    }
    let mut res = Redirect::to("/anmelden?ueberall=1").into_response();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_csrf_values_are_signed_and_expire() {
        let key = crate::LoginCsrfKey([7; 32]);
        let now = verbund_core::Timestamp(1_000_000);
        let value = login_csrf_value(&key, now);
        assert!(login_csrf_valid(&key, &value, now));
        assert!(!login_csrf_valid(
            &crate::LoginCsrfKey([8; 32]),
            &value,
            now
        ));
        assert!(!login_csrf_valid(
            &key,
            &value,
            now.plus_seconds(LOGIN_CSRF_SECONDS + 1)
        ));
        let (payload, _) = value.rsplit_once('.').unwrap();
        let forged = format!("{payload}.{}", "0".repeat(64));
        assert!(!login_csrf_valid(&key, &forged, now));
        for junk in ["", "abc", "a.b", "a.b.c"] {
            assert!(!login_csrf_valid(&key, junk, now), "{junk}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.9, 203.0.113.5, 10.1.1.1".parse().unwrap(),
        );
        // From a proxy: the nearest untrusted hop; the spoofable left part is ignored.
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.5")
        );
        // Directly from a client: the header is the client's own words.
        assert_eq!(
            client_addr(ip("192.0.2.1"), &headers, &trusted),
            ip("192.0.2.1")
        );
        // No trusted proxies configured: always the peer.
        assert_eq!(client_addr(ip("10.0.0.2"), &headers, &[]), ip("10.0.0.2"));
        headers.insert("x-forwarded-for", "nonsense, 10.2.2.2".parse().unwrap());
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("10.2.2.2")
        );
    }
}
