//! Administration pages: an authority's users (administrators) and the node's authorities
//! (node operators).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use verbund_core::{
    AuthorityId, AuthorityKind, ErrorCode, GOVERNMENTS, GovernmentKey, Password, Role, Username,
};
use verbund_store::{NewAuthority, NewUser, StoreError};

use super::{Layout, UiForm, UiSession, render};
use crate::WebState;

#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    nach: Option<String>,
    angelegt: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    authority_name: String,
    /// (username, name, e-mail, role labels)
    members: Vec<(String, String, String, String)>,
    next_cursor: Option<String>,
    created: Option<String>,
    can_create: bool,
    csrf: String,
    form: UserForm,
    /// (value, label, checked)
    roles: Vec<(&'static str, &'static str, bool)>,
    errors: Vec<String>,
}

async fn users_page(
    state: &WebState,
    ui: &UiSession,
    query: ListQuery,
    form: UserForm,
    errors: Vec<String>,
) -> Response {
    let tenant = state.store().tenant(ui.authority());
    let result = async {
        let page = tenant.members(query.nach.as_deref(), 100).await?;
        tenant.record_read(&ui.ctx(), "user_list", "*").await?;
        Ok::<_, StoreError>(page)
    }
    .await;
    let page = match result {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "users page");
            return ui.error(
                ErrorCode::Internal,
                "Die Benutzer konnten nicht geladen werden.",
            );
        }
    };
    let members = page
        .items
        .into_iter()
        .map(|m| {
            let roles: Vec<&str> = m.roles.iter().map(|r| r.label_de()).collect();
            (
                m.user.username.to_string(),
                m.user.display_name,
                m.user.email.unwrap_or_default(),
                roles.join(", "),
            )
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str(),
                r.label_de(),
                form.roles.iter().any(|x| x == r.as_str()),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &UsersPage {
            layout: ui.layout(),
            authority_name: ui.authority_name.clone(),
            members,
            next_cursor: page.next_cursor,
            created: query.angelegt.filter(|c| Username::new(c).is_ok()),
            can_create: ui.has(Role::Administrator),
            csrf: ui.session.csrf_token.clone(),
            form: UserForm {
                password: String::new(),
                ..form
            },
            roles,
            errors,
        },
    )
}

/// The authority's users and the form to add one; for administrators.
pub(crate) async fn user_list(
    State(state): State<WebState>,
    ui: UiSession,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    if let Some(page) = ui.forbidden_unless(ui.has(Role::Administrator)) {
        return page;
    }
    let Ok(Query(query)) = query else {
        return ui.error(ErrorCode::InvalidParameter, "Ungültige Seitenangabe.");
    };
    users_page(&state, &ui, query, UserForm::default(), Vec::new()).await
}

/// The German message for a text that [`verbund_core::text`] refused.
fn text_problem_de(label: &str, max: usize, problem: verbund_core::text::TextProblem) -> String {
    use verbund_core::text::TextProblem;
    match problem {
        TextProblem::Forbidden(_) => {
            format!("Bitte geben Sie {label} ohne Steuer-, Richtungs- oder unsichtbare Zeichen an.")
        }
        TextProblem::NotAnEmail => "Die E-Mail-Adresse ist ungültig.".to_owned(),
        TextProblem::Empty | TextProblem::TooLong { .. } => {
            format!("Bitte geben Sie {label} an (höchstens {max} Zeichen).")
        }
    }
}

fn validate_user(form: &UserForm) -> Result<NewUser, Vec<String>> {
    let mut errors = Vec::new();
    let username = Username::new(&form.username)
        .map_err(|_| errors.push("Der Benutzername muss 3 bis 64 Zeichen lang sein und darf nur Kleinbuchstaben, Ziffern, Punkt, Unterstrich und Bindestrich enthalten.".to_owned()))
        .ok();
    let display_name = verbund_core::text::name(&form.display_name, 200)
        .map_err(|p| errors.push(text_problem_de("einen Namen", 200, p)))
        .unwrap_or_default();
    let email = if form.email.trim().is_empty() {
        None
    } else {
        verbund_core::text::email(&form.email)
            .map_err(|p| errors.push(text_problem_de("eine gültige E-Mail-Adresse", 254, p)))
            .ok()
    };
    let password = Password::new(&form.password)
        .map_err(|_| errors.push("Das Passwort muss mindestens 10 Zeichen lang sein.".to_owned()))
        .ok();
    let mut roles = Vec::new();
    for r in &form.roles {
        match r.parse::<Role>() {
            Ok(role) if !roles.contains(&role) => roles.push(role),
            Ok(_) => {}
            Err(_) => errors.push("Unbekannte Rolle.".to_owned()),
        }
    }
    if roles.is_empty() {
        errors.push("Bitte wählen Sie mindestens eine Rolle.".to_owned());
    }
    match (username, password) {
        (Some(username), Some(password)) if errors.is_empty() => Ok(NewUser {
            username,
            display_name,
            email,
            password: Some(password),
            roles,
            is_operator: false,
        }),
        _ => Err(errors),
    }
}

/// Creates a user in the session's authority.
pub(crate) async fn user_create(
    State(state): State<WebState>,
    ui: UiSession,
    UiForm(form): UiForm<UserForm>,
) -> Response {
    if let Some(page) = ui.forbidden_unless(ui.has(Role::Administrator)) {
        return page;
    }
    if let Some(page) = ui.csrf_failure(&form.csrf) {
        return page;
    }
    let new = match validate_user(&form) {
        Ok(n) => n,
        Err(errors) => return users_page(&state, &ui, ListQuery::default(), form, errors).await,
    };
    let username = new.username.to_string();
    match state
        .store()
        .tenant(ui.authority())
        .user_create(&ui.ctx(), new)
        .await
    {
        Ok(_) => Redirect::to(&format!("/verwaltung/benutzer?angelegt={username}")).into_response(),
        Err(StoreError::Conflict(_)) => {
            let errors = vec!["Dieser Benutzername ist bereits vergeben.".to_owned()];
            users_page(&state, &ui, ListQuery::default(), form, errors).await
        }
        Err(e) => {
            tracing::error!(error = %e, "user create");
            ui.error(
                ErrorCode::Internal,
                "Das Benutzerkonto konnte nicht angelegt werden.",
            )
        }
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct AuthorityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    government: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    city: String,
}

#[derive(Template)]
#[template(path = "admin/authorities.html")]
struct AuthoritiesPage {
    layout: Layout,
    /// (id, name, kind label, government short name, city)
    authorities: Vec<(String, String, &'static str, &'static str, String)>,
    next_cursor: Option<String>,
    created: Option<String>,
    csrf: String,
    form: AuthorityForm,
    governments: Vec<(String, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn authorities_page(
    state: &WebState,
    ui: &UiSession,
    query: ListQuery,
    form: AuthorityForm,
    errors: Vec<String>,
) -> Response {
    let after = query.nach.as_deref().and_then(|n| AuthorityId::new(n).ok());
    let page = match state
        .store()
        .admin()
        .authorities(None, after.as_ref(), 100)
        .await
    {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "authorities page");
            return ui.error(
                ErrorCode::Internal,
                "Die Behörden konnten nicht geladen werden.",
            );
        }
    };
    let authorities = page
        .items
        .into_iter()
        .map(|a| {
            (
                a.id.to_string(),
                a.name,
                a.kind.label_de(),
                a.government_key.government().short_name,
                a.city,
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &AuthoritiesPage {
            layout: ui.layout(),
            authorities,
            next_cursor: page.next_cursor,
            created: query.angelegt.filter(|c| AuthorityId::new(c).is_ok()),
            csrf: ui.session.csrf_token.clone(),
            form,
            governments: GOVERNMENTS
                .iter()
                .map(|g| (g.key.to_string(), g.short_name))
                .collect(),
            kinds: AuthorityKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label_de()))
                .collect(),
            errors,
        },
    )
}

/// The node's authorities and the form to add one; for node operators.
pub(crate) async fn authority_list(
    State(state): State<WebState>,
    ui: UiSession,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    if let Some(page) = ui.forbidden_unless(ui.is_operator()) {
        return page;
    }
    let Ok(Query(query)) = query else {
        return ui.error(ErrorCode::InvalidParameter, "Ungültige Seitenangabe.");
    };
    authorities_page(&state, &ui, query, AuthorityForm::default(), Vec::new()).await
}

fn validate_authority(form: &AuthorityForm) -> Result<NewAuthority, Vec<String>> {
    let mut errors = Vec::new();
    let id = AuthorityId::new(form.id.trim())
        .map_err(|_| errors.push("Die Kennung muss 2 bis 64 Zeichen aus Kleinbuchstaben, Ziffern und inneren Bindestrichen haben.".to_owned()))
        .ok();
    let government = form
        .government
        .parse::<GovernmentKey>()
        .map_err(|_| errors.push("Bitte wählen Sie ein Land oder den Bund.".to_owned()))
        .ok();
    let kind = form
        .kind
        .parse::<AuthorityKind>()
        .map_err(|_| errors.push("Bitte wählen Sie die Art der Behörde.".to_owned()))
        .ok();
    let mut text = |value: &str, label: &str, max: usize| {
        verbund_core::text::name(value, max)
            .map_err(|p| errors.push(text_problem_de(label, max, p)))
            .unwrap_or_default()
    };
    let name = text(&form.name, "den Namen", 200);
    let street = text(&form.street, "Straße und Hausnummer", 200);
    let city = text(&form.city, "den Ort", 100);
    let postal_code = form.postal_code.trim().to_owned();
    if postal_code.len() != 5 || !postal_code.bytes().all(|b| b.is_ascii_digit()) {
        errors.push("Die Postleitzahl muss aus fünf Ziffern bestehen.".to_owned());
    }
    match (id, government, kind) {
        (Some(id), Some(government_key), Some(kind)) if errors.is_empty() => Ok(NewAuthority {
            id,
            government_key,
            kind,
            name,
            street,
            postal_code,
            city,
            email: None,
            leitweg_id: None,
            ags: None,
        }),
        _ => Err(errors),
    }
}

/// Creates an authority; for node operators.
pub(crate) async fn authority_create(
    State(state): State<WebState>,
    ui: UiSession,
    UiForm(form): UiForm<AuthorityForm>,
) -> Response {
    if let Some(page) = ui.forbidden_unless(ui.is_operator()) {
        return page;
    }
    if let Some(page) = ui.csrf_failure(&form.csrf) {
        return page;
    }
    let new = match validate_authority(&form) {
        Ok(n) => n,
        Err(errors) => {
            return authorities_page(&state, &ui, ListQuery::default(), form, errors).await;
        }
    };
    match state
        .store()
        .admin()
        .authority_create(&ui.ctx(), &new)
        .await
    {
        Ok(a) => Redirect::to(&format!("/verwaltung/behoerden?angelegt={}", a.id)).into_response(),
        Err(StoreError::Conflict(_)) => {
            let errors = vec!["Eine Behörde mit dieser Kennung gibt es bereits.".to_owned()];
            authorities_page(&state, &ui, ListQuery::default(), form, errors).await
        }
        Err(e) => {
            tracing::error!(error = %e, "authority create");
            ui.error(
                ErrorCode::Internal,
                "Die Behörde konnte nicht angelegt werden.",
            )
        }
    }
}
