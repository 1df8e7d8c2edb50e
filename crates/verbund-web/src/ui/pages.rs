//! The dashboard and the module pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use verbund_core::{ErrorCode, Role};

use super::{Layout, UiSession, render};
use crate::WebState;

/// A module of Verbund as the navigation shows it.
pub struct Module {
    /// URL slug.
    pub slug: &'static str,
    /// Link target.
    pub href: &'static str,
    /// German title.
    pub title: &'static str,
    /// What it is for.
    pub summary: &'static str,
    /// What is planned.
    pub plan: &'static str,
}

/// The modules of Verbund, in navigation order. A module that is not built yet shows a
/// clearly marked "noch nicht verfügbar" page.
pub static MODULES: [Module; 7] = [
    Module {
        slug: "kommunikation",
        href: "/module/kommunikation",
        title: "Behördenkommunikation",
        summary: "Sichere, Ende-zu-Ende-verschlüsselte Nachrichten zwischen Behörden, \
                  einschließlich der quantengesicherten Pilotstrecke Bayern–Sachsen.",
        plan: "Geplant: signierte und verschlüsselte Nachrichten mit Empfangsbestätigung \
               zwischen den Knoten der Länder.",
    },
    Module {
        slug: "e-rechnung",
        href: "/module/e-rechnung",
        title: "E-Rechnung",
        summary: "Empfang, Prüfung und Bearbeitung von XRechnung- und ZUGFeRD-Rechnungen.",
        plan: "Geplant: Prüfung nach dem offiziellen KoSIT-Regelwerk, Weiterleitung nach \
               Leitweg-ID und Freigabe-Workflow.",
    },
    Module {
        slug: "e-payment",
        href: "/module/e-payment",
        title: "E-Payment",
        summary: "Bezahlen von Verwaltungsgebühren über ePayBL.",
        plan: "Geplant: Zahlungen, Abgleich mit Kontoauszügen (camt) und Buchung.",
    },
    Module {
        slug: "e-akte",
        href: "/module/e-akte",
        title: "E-Akte",
        summary: "Elektronische Aktenführung und Austausch nach xdomea.",
        plan: "Geplant: Akten, Vorgänge und Dokumente mit Aussonderung nach xdomea.",
    },
    Module {
        slug: "online-dienste",
        href: "/module/online-dienste",
        title: "Online-Dienste",
        summary: "Elektronische Verwaltungsleistungen für Bürgerinnen, Bürger und Unternehmen.",
        plan: "Geplant: Antragsstrecken mit Bezahlung und Bescheid.",
    },
    Module {
        slug: "lagebild",
        href: "/module/lagebild",
        title: "Lagebild",
        summary: "Lage- und Informationsaustausch der Polizei im Grenzraum Bayern–Sachsen–Tschechien.",
        plan: "Geplant: Lagemeldungen nach CAP und gemeinsame Fahndung.",
    },
    Module {
        slug: "kooperation",
        href: "/module/kooperation",
        title: "Kooperation",
        summary: "Verzeichnis gemeinsamer Vorhaben und des Digitaldialogs der Länder.",
        plan: "Geplant: Vorhaben, Beteiligte, Beschlüsse und Austausch guter Praxis.",
    },
];

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    layout: Layout,
    display_name: String,
    authority_name: String,
    government_name: String,
    is_operator: bool,
    is_admin: bool,
    is_auditor: bool,
    authority_count: i64,
    member_count: i64,
    modules: &'static [Module],
}

/// The start page: what the user can do, by role.
pub(crate) async fn dashboard(State(state): State<WebState>, ui: UiSession) -> Response {
    let store = state.store();
    let tenant = store.tenant(ui.authority());
    let authority = match tenant.authority().await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "dashboard");
            return ui.error(
                ErrorCode::Internal,
                "Die Übersicht konnte nicht geladen werden.",
            );
        }
    };
    let authority_count = if ui.is_operator() {
        store.admin().authority_count().await.unwrap_or(0)
    } else {
        0
    };
    let member_count = if ui.has(Role::Administrator) {
        tenant.member_count().await.unwrap_or(0)
    } else {
        0
    };
    let page = Dashboard {
        layout: ui.layout(),
        display_name: ui.session.user.display_name.clone(),
        authority_name: authority.name,
        government_name: authority.government_key.government().name.to_owned(),
        is_operator: ui.is_operator(),
        is_admin: ui.has(Role::Administrator),
        is_auditor: ui.has(Role::Auditor),
        authority_count,
        member_count,
        modules: &MODULES,
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "modules/unavailable.html")]
struct Unavailable {
    layout: Layout,
    module: &'static Module,
}

/// A module's page: for now every module is marked as not yet available.
pub(crate) async fn module_page(ui: UiSession, Path(slug): Path<String>) -> Response {
    let Some(module) = MODULES.iter().find(|m| m.slug == slug) else {
        return ui.error(ErrorCode::NotFound, "Dieses Modul gibt es nicht.");
    };
    render(
        StatusCode::OK,
        &Unavailable {
            layout: ui.layout(),
            module,
        },
    )
}
