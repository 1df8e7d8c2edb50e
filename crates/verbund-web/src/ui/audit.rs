//! The audit log page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use verbund_core::{ErrorCode, Role};
use verbund_store::AuditEntry;

use super::{Layout, UiSession, render};
use crate::WebState;

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    layout: Layout,
    authority_name: String,
    entries: Vec<AuditEntry>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    vor: Option<i64>,
}

/// The authority's audit chain, newest first; for auditors and administrators. The view
/// itself is audited.
pub(crate) async fn audit_list(
    State(state): State<WebState>,
    ui: UiSession,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(page) = ui.forbidden_unless(ui.has(Role::Auditor) || ui.has(Role::Administrator)) {
        return page;
    }
    let Ok(Query(query)) = query else {
        return ui.error(ErrorCode::InvalidParameter, "Ungültige Seitenangabe.");
    };
    let tenant = state.store().tenant(ui.authority());
    let result = async {
        let page = tenant.audit_entries(query.vor, 50).await?;
        tenant.record_read(&ui.ctx(), "audit_log", "*").await?;
        Ok::<_, verbund_store::StoreError>(page)
    }
    .await;
    match result {
        Ok(page) => render(
            StatusCode::OK,
            &AuditPage {
                layout: ui.layout(),
                authority_name: ui.authority_name.clone(),
                entries: page.items,
                next_cursor: page.next_cursor,
            },
        ),
        Err(e) => {
            tracing::error!(error = %e, "audit page");
            ui.error(
                ErrorCode::Internal,
                "Das Protokoll konnte nicht geladen werden.",
            )
        }
    }
}
