//! The E-Rechnung pages: the authority's inbox with its clarification queue, the upload form,
//! an invoice with its report, history and workflow steps, and the original file.
//! Clerks and administrators take in and process invoices; auditors read.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use verbund_core::{ErrorCode, Role, UserId};
use verbund_einvoice::intake::{Action, Status};
use verbund_store::StoreError;
use verbund_store::blobs::BlobKey;
use verbund_store::einvoices::{Channel, Einvoice, Filter};

use super::{Layout, UiForm, UiSession, render};
use crate::WebState;
use crate::intake::{Incoming, take_in};

/// Where the module lives.
pub(crate) const BASE: &str = "/module/e-rechnung";

fn can_act(ui: &UiSession) -> bool {
    ui.has(Role::Clerk) || ui.has(Role::Administrator)
}

fn can_read(ui: &UiSession) -> bool {
    can_act(ui) || ui.has(Role::Auditor)
}

/// German label of a verdict.
fn verdict_label(verdict: &str) -> &'static str {
    match verdict {
        "accept" => "gültig",
        "reject" => "ungültig",
        _ => "ohne Ergebnis",
    }
}

/// An invoice as a row of the inbox.
struct Row {
    id: String,
    received: String,
    number: String,
    seller: String,
    amount: String,
    verdict: &'static str,
    status: &'static str,
    clarification: bool,
}

impl From<&Einvoice> for Row {
    fn from(e: &Einvoice) -> Self {
        Self {
            id: e.id.clone(),
            received: e.received_at.to_display_de(),
            number: e.invoice_number.clone().unwrap_or_else(|| "–".to_owned()),
            seller: e.seller_name.clone().unwrap_or_else(|| "–".to_owned()),
            amount: match (&e.total_amount, &e.currency) {
                (Some(a), Some(c)) => format!("{a} {c}"),
                (Some(a), None) => a.clone(),
                _ => "–".to_owned(),
            },
            verdict: verdict_label(&e.verdict),
            status: e.status.label_de(),
            clarification: e.clarification.is_some(),
        }
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct InboxQuery {
    ansicht: Option<String>,
    vor: Option<String>,
}

#[derive(Template)]
#[template(path = "einvoice/inbox.html")]
struct InboxPage {
    layout: Layout,
    authority_name: String,
    rows: Vec<Row>,
    /// (query value, label, selected)
    views: Vec<(&'static str, &'static str, bool)>,
    view: String,
    next_cursor: Option<String>,
    can_act: bool,
}

/// The inbox: all invoices, the clarification queue, or one status.
pub(crate) async fn inbox(
    State(state): State<WebState>,
    ui: UiSession,
    query: Result<Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_read(&ui)) {
        return denied;
    }
    let Ok(Query(query)) = query else {
        return ui.error(ErrorCode::InvalidParameter, "Ungültige Ansicht.");
    };
    let view = query.ansicht.unwrap_or_else(|| "alle".to_owned());
    let filter = match view.as_str() {
        "alle" => Filter::All,
        "klaerung" => Filter::Clarification,
        other => match other.parse::<Status>() {
            Ok(status) => Filter::Status(status),
            Err(_) => return ui.error(ErrorCode::InvalidParameter, "Diese Ansicht gibt es nicht."),
        },
    };
    if query
        .vor
        .as_deref()
        .is_some_and(|v| uuid::Uuid::parse_str(v).is_err())
    {
        return ui.error(ErrorCode::InvalidParameter, "Ungültige Seitenangabe.");
    }
    let tenant = state.store().tenant(ui.authority());
    let result = async {
        let page = tenant
            .einvoices()
            .list(filter, query.vor.as_deref(), 50)
            .await?;
        tenant.record_read(&ui.ctx(), "einvoice_list", "*").await?;
        Ok::<_, StoreError>(page)
    }
    .await;
    let page = match result {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, "einvoice inbox");
            return ui.error(
                ErrorCode::Internal,
                "Der Posteingang konnte nicht geladen werden.",
            );
        }
    };
    let mut views = vec![("alle", "Alle"), ("klaerung", "Klärungsfälle")];
    views.extend(Status::ALL.iter().map(|s| (s.as_str(), s.label_de())));
    render(
        StatusCode::OK,
        &InboxPage {
            layout: ui.layout(),
            authority_name: ui.authority_name.clone(),
            rows: page.items.iter().map(Row::from).collect(),
            views: views
                .into_iter()
                .map(|(value, label)| (value, label, value == view))
                .collect(),
            view,
            next_cursor: page.next_cursor,
            can_act: can_act(&ui),
        },
    )
}

#[derive(Template)]
#[template(path = "einvoice/upload.html")]
struct UploadPage {
    layout: Layout,
    csrf: String,
    limit_mb: usize,
    error: Option<String>,
}

fn upload_page(
    state: &WebState,
    ui: &UiSession,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    render(
        status,
        &UploadPage {
            layout: ui.layout(),
            csrf: ui.session.csrf_token.clone(),
            limit_mb: state.store().limits().einvoice_bytes_max / (1024 * 1024),
            error,
        },
    )
}

/// The upload form.
pub(crate) async fn upload_form(State(state): State<WebState>, ui: UiSession) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_act(&ui)) {
        return denied;
    }
    upload_page(&state, &ui, StatusCode::OK, None)
}

#[derive(Template)]
#[template(path = "einvoice/routed.html")]
struct RoutedPage {
    layout: Layout,
    authority_name: String,
    leitweg_id: String,
    verdict: &'static str,
}

/// Takes in an uploaded file; shows the invoice, or where it was routed.
pub(crate) async fn upload(
    State(state): State<WebState>,
    ui: UiSession,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_act(&ui)) {
        return denied;
    }
    let Ok(multipart) = multipart else {
        return ui.error(
            ErrorCode::UnsupportedMediaType,
            "Erwartet wurde ein Datei-Upload.",
        );
    };
    let (csrf, file) = match read_upload(multipart).await {
        Ok(parts) => parts,
        Err(UploadProblem::TooLarge) => {
            return upload_page(
                &state,
                &ui,
                StatusCode::PAYLOAD_TOO_LARGE,
                Some("Die Datei ist größer als erlaubt.".to_owned()),
            );
        }
        Err(UploadProblem::Broken) => {
            return ui.error(
                ErrorCode::MalformedBody,
                "Der Upload ist unvollständig oder beschädigt. Bitte versuchen Sie es erneut.",
            );
        }
    };
    if let Some(failure) = ui.csrf_failure(&csrf) {
        return failure;
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return upload_page(
            &state,
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Bitte wählen Sie eine Rechnungsdatei (XML) aus.".to_owned()),
        );
    };
    let file_name = file_name
        .map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(255)
                .collect::<String>()
        })
        .filter(|n| !n.is_empty());
    let incoming = Incoming {
        channel: Channel::Upload,
        file_name,
        bytes,
    };
    let taken = match take_in(
        state.store(),
        state.blobs(),
        &ui.ctx(),
        ui.authority(),
        incoming,
    )
    .await
    {
        Ok(taken) => taken.invoice,
        Err(e) => {
            tracing::error!(error = %e, "einvoice upload");
            return ui.error(
                ErrorCode::Internal,
                "Die Rechnung konnte nicht gespeichert werden.",
            );
        }
    };
    if &taken.authority_id == ui.authority() {
        return Redirect::to(&format!("{BASE}/{}", taken.id)).into_response();
    }
    let authority_name = state
        .store()
        .admin()
        .authority(&taken.authority_id)
        .await
        .map_or_else(|_| taken.authority_id.to_string(), |a| a.name);
    render(
        StatusCode::OK,
        &RoutedPage {
            layout: ui.layout(),
            authority_name,
            leitweg_id: taken.leitweg_id.unwrap_or_default(),
            verdict: verdict_label(&taken.verdict),
        },
    )
}

enum UploadProblem {
    TooLarge,
    Broken,
}

/// The form token and the file (name, bytes) of an upload form.
async fn read_upload(
    mut multipart: Multipart,
) -> Result<(String, Option<(Option<String>, axum::body::Bytes)>), UploadProblem> {
    let problem = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            UploadProblem::TooLarge
        } else {
            UploadProblem::Broken
        }
    };
    let mut csrf = String::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| problem(e.status()))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|e| problem(e.status()))?,
            Some("datei") => {
                let name = field.file_name().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| problem(e.status()))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    Ok((csrf, file))
}

/// A finding of the report as the page lists it.
struct FindingRow {
    id: String,
    message: String,
    location: String,
}

fn findings(report: &serde_json::Value, key: &str) -> Vec<FindingRow> {
    report[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|f| FindingRow {
                    id: f["id"].as_str().unwrap_or_default().to_owned(),
                    message: f["message"].as_str().unwrap_or_default().to_owned(),
                    location: f["location"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One step of the history.
struct HistoryRow {
    at: String,
    who: String,
    what: String,
    note: String,
}

fn history_label(action: &str) -> String {
    match action {
        "einvoice.receive" => "Eingang und Prüfung".to_owned(),
        "einvoice.clarify" => "Klärung abgeschlossen".to_owned(),
        "read" => "Eingesehen".to_owned(),
        other => other
            .strip_prefix("einvoice.")
            .and_then(|a| a.parse::<Action>().ok())
            .map_or_else(|| other.to_owned(), |a| a.label_de().to_owned()),
    }
}

#[derive(Template)]
#[template(path = "einvoice/detail.html")]
struct DetailPage {
    layout: Layout,
    invoice: Einvoice,
    base: &'static str,
    verdict: &'static str,
    status: &'static str,
    /// (caption, findings) for errors, warnings and hints that occur.
    report: Vec<(&'static str, Vec<FindingRow>)>,
    history: Vec<HistoryRow>,
    /// (action, label, needs reason)
    actions: Vec<(&'static str, &'static str, bool)>,
    can_act: bool,
    csrf: String,
    notice: Option<&'static str>,
    /// (id, name) of the authorities a clarification case can be forwarded to.
    forward_to: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
pub(crate) struct DetailQuery {
    erledigt: Option<String>,
}

/// One invoice: summary, report, history, workflow.
pub(crate) async fn detail(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
    query: Result<Query<DetailQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_read(&ui)) {
        return denied;
    }
    let Ok(id) = uuid::Uuid::parse_str(&id).map(|u| u.to_string()) else {
        return ui.error(ErrorCode::NotFound, "Diese Rechnung gibt es hier nicht.");
    };
    let tenant = state.store().tenant(ui.authority());
    let invoice = match tenant.einvoices().get(&id).await {
        Ok(invoice) => invoice,
        Err(StoreError::NotFound(_)) => {
            return ui.error(ErrorCode::NotFound, "Diese Rechnung gibt es hier nicht.");
        }
        Err(e) => {
            tracing::error!(error = %e, "einvoice detail");
            return ui.error(
                ErrorCode::Internal,
                "Die Rechnung konnte nicht geladen werden.",
            );
        }
    };
    let trail = async {
        tenant.record_read(&ui.ctx(), "einvoice", &id).await?;
        tenant.audit_trail("einvoice", &id).await
    }
    .await;
    let trail = match trail {
        Ok(trail) => trail,
        Err(e) => {
            tracing::error!(error = %e, "einvoice history");
            return ui.error(
                ErrorCode::Internal,
                "Der Verlauf konnte nicht geladen werden.",
            );
        }
    };
    let mut history = Vec::with_capacity(trail.len());
    for entry in trail {
        let detail: serde_json::Value = serde_json::from_str(&entry.detail).unwrap_or_default();
        let note = ["reason", "note"]
            .iter()
            .find_map(|k| detail[k].as_str())
            .unwrap_or_default()
            .to_owned();
        history.push(HistoryRow {
            at: entry.occurred_at.to_display_de(),
            who: actor_name(&state, &entry.actor).await,
            what: history_label(&entry.action),
            note,
        });
    }
    let forward_to = if invoice.clarification.is_some() && can_act(&ui) {
        forward_targets(&state, &ui).await
    } else {
        Vec::new()
    };
    let notice = match query.ok().and_then(|q| q.0.erledigt) {
        Some(step) if step == "klaerung" => Some("Die Klärung wurde abgeschlossen."),
        Some(_) => Some("Der Bearbeitungsschritt wurde gespeichert."),
        None => None,
    };
    let page = DetailPage {
        layout: ui.layout(),
        base: BASE,
        verdict: verdict_label(&invoice.verdict),
        status: invoice.status.label_de(),
        report: [
            ("Fehler", "errors"),
            ("Warnungen", "warnings"),
            ("Hinweise", "infos"),
        ]
        .into_iter()
        .map(|(caption, key)| (caption, findings(&invoice.report, key)))
        .filter(|(_, list)| !list.is_empty())
        .collect(),
        history,
        actions: invoice
            .status
            .actions()
            .iter()
            .map(|a| (a.as_str(), a.label_de(), a.needs_reason()))
            .collect(),
        can_act: can_act(&ui),
        csrf: ui.session.csrf_token.clone(),
        notice,
        forward_to,
        invoice,
    };
    render(StatusCode::OK, &page)
}

/// (id, name) of every other authority of the node, for the forwarding form.
async fn forward_targets(state: &WebState, ui: &UiSession) -> Vec<(String, String)> {
    match state.store().admin().authorities(None, None, 500).await {
        Ok(page) => page
            .items
            .into_iter()
            .filter(|a| &a.id != ui.authority())
            .map(|a| (a.id.to_string(), a.name))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "einvoice detail: directory");
            Vec::new()
        }
    }
}

/// A readable name for an audit actor: the user's display name, else the raw actor.
async fn actor_name(state: &WebState, actor: &str) -> String {
    if let Some(id) = actor
        .strip_prefix("user:")
        .and_then(|id| id.parse::<UserId>().ok())
        && let Ok(user) = state.store().admin().user(id).await
    {
        return user.display_name;
    }
    match actor.split_once(':') {
        Some(("token", _)) => "Schnittstelle (API-Token)".to_owned(),
        _ => actor.to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct ForwardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    authority: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "einvoice/forwarded.html")]
struct ForwardedPage {
    layout: Layout,
    authority_name: String,
}

/// Forwards a clarification case to the authority it is meant for.
pub(crate) async fn forward(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
    UiForm(form): UiForm<ForwardForm>,
) -> Response {
    if let Some(refused) = refuse_change(&ui, &form.csrf) {
        return refused;
    }
    let Ok(target) = form.authority.parse::<verbund_core::AuthorityId>() else {
        return ui.error(
            ErrorCode::MalformedBody,
            "Bitte wählen Sie eine Behörde aus.",
        );
    };
    let moved = crate::intake::forward(
        state.store(),
        state.blobs(),
        &ui.ctx(),
        ui.authority(),
        &id,
        &target,
        &form.note,
    )
    .await;
    match moved {
        Ok(_) => {
            let authority_name = state
                .store()
                .admin()
                .authority(&target)
                .await
                .map_or_else(|_| target.to_string(), |a| a.name);
            render(
                StatusCode::OK,
                &ForwardedPage {
                    layout: ui.layout(),
                    authority_name,
                },
            )
        }
        Err(e) => after_change(&ui, &id, Err(e)),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// The 403 or CSRF page for a change the session may not make.
fn refuse_change(ui: &UiSession, csrf: &str) -> Option<Response> {
    ui.forbidden_unless(can_act(ui))
        .or_else(|| ui.csrf_failure(csrf))
}

/// A workflow step from the detail page.
pub(crate) async fn step(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
    UiForm(form): UiForm<StepForm>,
) -> Response {
    if let Some(refused) = refuse_change(&ui, &form.csrf) {
        return refused;
    }
    let Ok(action) = form.action.parse::<Action>() else {
        return ui.error(
            ErrorCode::MalformedBody,
            "Diesen Bearbeitungsschritt gibt es nicht.",
        );
    };
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    let result = state
        .store()
        .tenant(ui.authority())
        .einvoices()
        .act(&ui.ctx(), &id, action, reason)
        .await;
    after_change(&ui, &id, result.map(|_| "schritt"))
}

/// Closes a clarification from the detail page.
pub(crate) async fn clarify(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
    UiForm(form): UiForm<StepForm>,
) -> Response {
    if let Some(refused) = refuse_change(&ui, &form.csrf) {
        return refused;
    }
    let result = state
        .store()
        .tenant(ui.authority())
        .einvoices()
        .clarify(&ui.ctx(), &id, &form.note)
        .await;
    after_change(&ui, &id, result.map(|_| "klaerung"))
}

fn after_change(ui: &UiSession, id: &str, result: Result<&str, StoreError>) -> Response {
    match result {
        Ok(done) => Redirect::to(&format!("{BASE}/{id}?erledigt={done}")).into_response(),
        Err(StoreError::NotFound(_)) => {
            ui.error(ErrorCode::NotFound, "Diese Rechnung gibt es hier nicht.")
        }
        Err(StoreError::InvalidTransition(why)) => {
            let message = format!("Der Schritt ist nicht möglich: {why}.");
            ui.error(ErrorCode::InvalidState, &message)
        }
        Err(e) => {
            tracing::error!(error = %e, "einvoice step");
            ui.error(
                ErrorCode::Internal,
                "Der Schritt konnte nicht gespeichert werden.",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "einvoice/notice.html")]
struct NoticePage {
    layout: Layout,
    authority: verbund_store::Authority,
    invoice: Einvoice,
    today: String,
    errors: Vec<FindingRow>,
}

/// The rejection notice of a rejected invoice: a printable letter to the sender with every
/// error of the report, for the authority to send (or to attach to its reply).
pub(crate) async fn notice(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_read(&ui)) {
        return denied;
    }
    let tenant = state.store().tenant(ui.authority());
    let loaded = async {
        let invoice = tenant.einvoices().get(&id).await?;
        let authority = tenant.authority().await?;
        tenant
            .record_read(&ui.ctx(), "einvoice_notice", &id)
            .await?;
        Ok::<_, StoreError>((invoice, authority))
    }
    .await;
    let (invoice, authority) = match loaded {
        Ok(loaded) => loaded,
        Err(StoreError::NotFound(_)) => {
            return ui.error(ErrorCode::NotFound, "Diese Rechnung gibt es hier nicht.");
        }
        Err(e) => {
            tracing::error!(error = %e, "einvoice notice");
            return ui.error(
                ErrorCode::Internal,
                "Der Bescheid konnte nicht erstellt werden.",
            );
        }
    };
    if invoice.verdict == "accept" {
        return ui.error(
            ErrorCode::InvalidState,
            "Die Rechnung ist gültig; es gibt keinen Ablehnungsbescheid.",
        );
    }
    let errors = findings(&invoice.report, "errors");
    render(
        StatusCode::OK,
        &NoticePage {
            layout: ui.layout(),
            today: state.store().clock().now().to_display_de(),
            authority,
            invoice,
            errors,
        },
    )
}

/// The invoice as a printable German page (every business term with its BT id), rendered from
/// the original by the same code as `verbund einvoice show --html`. The page is self-contained;
/// its policy allows its own inline style (by hash) and nothing else.
pub(crate) async fn view(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_read(&ui)) {
        return denied;
    }
    let (invoice, bytes) = match load_original(&state, &ui, &id, "einvoice_view").await {
        Ok(loaded) => loaded,
        Err(StoreError::NotFound(_)) => {
            return ui.error(ErrorCode::NotFound, "Diese Rechnung gibt es hier nicht.");
        }
        Err(e) => {
            tracing::error!(error = %e, "einvoice view");
            return ui.error(
                ErrorCode::Internal,
                "Die Rechnung konnte nicht geladen werden.",
            );
        }
    };
    let name = invoice
        .file_name
        .unwrap_or_else(|| format!("rechnung-{id}"));
    let Some(html) = crate::intake::render(state.store(), name, bytes).await else {
        return ui.error(
            ErrorCode::Internal,
            "Die Ansicht der Rechnung konnte nicht erstellt werden.",
        );
    };
    let policy = format!(
        "default-src 'none'; style-src '{}'; img-src data:; frame-ancestors 'none'; \
         form-action 'none'; base-uri 'none'",
        style_hash(&html)
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_SECURITY_POLICY, policy),
        ],
        html,
    )
        .into_response()
}

/// An invoice of the session's authority with its original, the read audited as `what`.
async fn load_original(
    state: &WebState,
    ui: &UiSession,
    id: &str,
    what: &str,
) -> Result<(Einvoice, axum::body::Bytes), StoreError> {
    let tenant = state.store().tenant(ui.authority());
    let invoice = tenant.einvoices().get(id).await?;
    let key = BlobKey::new(&invoice.blob_key, state.store().limits().blob_key_bytes_max)?;
    let bytes = state.blobs().get(ui.authority(), &key).await?;
    tenant.record_read(&ui.ctx(), what, id).await?;
    Ok((invoice, bytes))
}

/// `sha256-…` of the page's inline `<style>` element, for its Content-Security-Policy.
fn style_hash(html: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let style = html
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(style, _)| style);
    let digest = sha2::Sha256::digest(style.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The original file as received (audited).
pub(crate) async fn original(
    State(state): State<WebState>,
    ui: UiSession,
    Path(id): Path<String>,
) -> Response {
    if let Some(denied) = ui.forbidden_unless(can_read(&ui)) {
        return denied;
    }
    match load_original(&state, &ui, &id, "einvoice_original").await {
        Ok((invoice, bytes)) => {
            let name = invoice
                .file_name
                .unwrap_or_else(|| format!("rechnung-{id}.xml"))
                .chars()
                .map(|c| {
                    if c.is_ascii_graphic() || c == ' ' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
                .replace(['"', '\\'], "_");
            (
                [
                    (header::CONTENT_TYPE, invoice.media_type),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(StoreError::NotFound(_)) => {
            ui.error(ErrorCode::NotFound, "Diese Rechnung gibt es hier nicht.")
        }
        Err(e) => {
            tracing::error!(error = %e, "einvoice original");
            ui.error(
                ErrorCode::Internal,
                "Die Datei konnte nicht geladen werden.",
            )
        }
    }
}
