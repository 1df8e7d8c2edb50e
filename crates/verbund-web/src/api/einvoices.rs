//! E-Rechnung: intake (`POST /api/v1/einvoices`), the authority's inbox, the original file,
//! workflow steps and clarification. Reads of an invoice are audited (it carries personal
//! and bank data).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use verbund_core::{ErrorCode, Role};
use verbund_einvoice::intake::{Action, Status};
use verbund_store::blobs::BlobKey;
use verbund_store::einvoices::{Channel, Einvoice, Filter};

use super::{PageDto, PageParams};
use crate::extract::{ApiCaller, ApiJson, ApiQuery};
use crate::intake::{Incoming, take_in};
use crate::{ApiError, WebState};

type Problem = crate::problem::Problem;

const WRITERS: &[Role] = &[Role::Clerk, Role::Administrator];
const READERS: &[Role] = &[Role::Clerk, Role::Administrator, Role::Auditor];

/// A received e-invoice.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EinvoiceDto {
    /// Id.
    pub id: String,
    /// The authority whose inbox holds it (routed by the Leitweg-ID).
    pub authority_id: String,
    /// The authority that took it in.
    pub received_by: String,
    /// When it arrived (RFC 3339).
    pub received_at: String,
    /// `api` or `upload`.
    pub channel: String,
    /// The sender's file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Size of the original in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the original (lower-case hex); the original is kept unchanged.
    pub sha256: String,
    /// `accept`, `reject` or `undefined` (KoSIT semantics).
    pub verdict: String,
    /// The validation scenario applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// `received`, `validated`, `rejected`, `in_review`, `approved`, `paid` or `disputed`.
    pub status: String,
    /// The workflow steps possible now.
    pub actions: Vec<String>,
    /// BT-10 as written (the Leitweg-ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leitweg_id: Option<String>,
    /// Why a person has to look at it (routing, duplicate, no validation result).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clarification: Option<String>,
    /// The earlier invoice with the same seller, number and date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// BT-1 Invoice number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// BT-2 Issue date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    /// BT-5 Currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// BT-27 Seller name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_name: Option<String>,
    /// BT-112 Total with VAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_amount: Option<String>,
    /// BT-115 Amount due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_due: Option<String>,
    /// The validation report: `{"verdict", "scenario", "errors", "warnings", "infos"}`, each
    /// finding `{"id", "level", "message", "location"}`; a rejection notice carries it.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

impl From<Einvoice> for EinvoiceDto {
    fn from(e: Einvoice) -> Self {
        Self {
            id: e.id,
            authority_id: e.authority_id.to_string(),
            received_by: e.received_by.to_string(),
            received_at: e.received_at.to_rfc3339(),
            channel: e.channel,
            file_name: e.file_name,
            size_bytes: e.size_bytes,
            sha256: e.sha256,
            verdict: e.verdict,
            scenario: e.scenario,
            status: e.status.as_str().to_owned(),
            actions: e
                .status
                .actions()
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            leitweg_id: e.leitweg_id,
            clarification: e.clarification,
            duplicate_of: e.duplicate_of,
            invoice_number: e.invoice_number,
            issue_date: e.issue_date,
            currency: e.currency,
            seller_name: e.seller_name,
            total_amount: e.total_amount,
            amount_due: e.amount_due,
            report: e.report,
        }
    }
}

/// Optional details of an upload.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IntakeParams {
    /// The sender's file name, kept with the invoice.
    pub file_name: Option<String>,
}

/// Takes in an e-invoice (XRechnung UBL or CII, as XML). The invoice is validated exactly as
/// the KoSIT validator does and routed by its Leitweg-ID (BT-10) to the inbox of the authority
/// that owns it; an invalid or unknown Leitweg-ID leaves it with the caller's authority in the
/// clarification queue, without changing the verdict. A rejected invoice is stored too, with
/// its report (the rejection notice). A ZUGFeRD / Factur-X PDF is judged by the invoice XML
/// embedded in it; the PDF is kept as the original.
#[utoipa::path(
    post, path = "/api/v1/einvoices", tag = "einvoice", params(IntakeParams),
    request_body(content = String, content_type = "application/xml", description = "The invoice XML, or a ZUGFeRD / Factur-X PDF (application/pdf)"),
    responses(
        (status = 201, description = "Taken in; the body says where it went and the verdict", body = EinvoiceDto),
        (status = 400, description = "Empty body or invalid parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not submit invoices", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than einvoice_bytes_max", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither XML nor PDF", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_create(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<IntakeParams>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<EinvoiceDto>), ApiError> {
    caller.require(WRITERS)?;
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(
        media_type.as_str(),
        "application/xml" | "text/xml" | "application/pdf"
    ) {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "expected Content-Type: application/xml (XRechnung) or application/pdf \
             (ZUGFeRD / Factur-X)",
        ));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::BodyTooLarge,
                format!(
                    "the invoice exceeds the configured limit of {} bytes",
                    state.store().limits().einvoice_bytes_max
                ),
            )
        } else {
            ApiError::new(ErrorCode::MalformedBody, e.body_text())
        }
    })?;
    if body.is_empty() {
        return Err(ApiError::new(ErrorCode::MalformedBody, "the body is empty"));
    }
    let file_name = match params.file_name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) if name.chars().count() <= 255 && !name.chars().any(char::is_control) => {
            Some(name.to_owned())
        }
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                "file_name must be at most 255 characters without control characters",
            ));
        }
    };
    let taken = take_in(
        state.store(),
        state.blobs(),
        &caller.ctx(),
        &caller.authority,
        Incoming {
            channel: Channel::Api,
            file_name,
            bytes: body,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(taken.invoice.into())))
}

/// Which invoices to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// How many items to return (1–200, default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// `true`: only the clarification queue.
    pub clarification: Option<bool>,
}

/// The calling authority's inbox, newest first.
#[utoipa::path(
    get, path = "/api/v1/einvoices", tag = "einvoice", params(InboxParams),
    responses(
        (status = 200, description = "A page of invoices", body = PageDto<EinvoiceDto>),
        (status = 400, description = "Invalid parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_list(
    State(state): State<WebState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<InboxParams>,
) -> Result<Json<PageDto<EinvoiceDto>>, ApiError> {
    caller.require(READERS)?;
    let limit = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit(&state)?;
    let filter = match (params.status.as_deref(), params.clarification) {
        (Some(_), Some(true)) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                "give either status or clarification=true, not both",
            ));
        }
        (Some(status), _) => Filter::Status(status.parse::<Status>().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                "status must be one of received, validated, rejected, in_review, approved, \
                 paid, disputed",
            )
        })?),
        (None, Some(true)) => Filter::Clarification,
        (None, _) => Filter::All,
    };
    let cursor = params.cursor.as_deref().map(invoice_id).transpose()?;
    let tenant = state.store().tenant(&caller.authority);
    let page = tenant
        .einvoices()
        .list(filter, cursor.as_deref(), limit)
        .await?;
    tenant
        .record_read(&caller.ctx(), "einvoice_list", "*")
        .await?;
    Ok(Json(PageDto {
        items: page.items.into_iter().map(EinvoiceDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// An invoice id must be a UUID; anything else is a 400, not a lookup.
fn invoice_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::new(ErrorCode::InvalidParameter, "invalid invoice id"))
}

/// One step in the invoice's history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryDto {
    /// When (RFC 3339).
    pub at: String,
    /// Who (`user:<id>`, `token:<id>`, `system:<what>`).
    pub actor: String,
    /// What (`einvoice.receive`, `einvoice.review`, …, `read`).
    pub action: String,
    /// Details as recorded (status change, reason, note).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// An invoice with its history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EinvoiceDetailDto {
    /// The invoice.
    #[serde(flatten)]
    pub invoice: EinvoiceDto,
    /// Who did what, oldest first (from the audit log).
    pub history: Vec<HistoryDto>,
}

/// One invoice of the calling authority, with its report and history. The read is audited.
#[utoipa::path(
    get, path = "/api/v1/einvoices/{id}", tag = "einvoice",
    params(("id" = String, Path, description = "Invoice id (UUID)")),
    responses(
        (status = 200, description = "The invoice", body = EinvoiceDetailDto),
        (status = 400, description = "Invalid id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice in this authority", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_get(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<EinvoiceDetailDto>, ApiError> {
    caller.require(READERS)?;
    let id = invoice_id(&id)?;
    let tenant = state.store().tenant(&caller.authority);
    let invoice = tenant.einvoices().get(&id).await?;
    tenant.record_read(&caller.ctx(), "einvoice", &id).await?;
    let history = tenant
        .audit_trail("einvoice", &id)
        .await?
        .into_iter()
        .map(|e| HistoryDto {
            at: e.occurred_at.to_rfc3339(),
            actor: e.actor,
            action: e.action,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(Json(EinvoiceDetailDto {
        invoice: invoice.into(),
        history,
    }))
}

/// The original file, byte for byte as received (its SHA-256 is in the invoice). Audited.
#[utoipa::path(
    get, path = "/api/v1/einvoices/{id}/original", tag = "einvoice",
    params(("id" = String, Path, description = "Invoice id (UUID)")),
    responses(
        (status = 200, description = "The original", content_type = "application/xml", body = String),
        (status = 400, description = "Invalid id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice in this authority", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_original(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(READERS)?;
    let id = invoice_id(&id)?;
    let tenant = state.store().tenant(&caller.authority);
    let invoice = tenant.einvoices().get(&id).await?;
    let key = BlobKey::new(&invoice.blob_key, state.store().limits().blob_key_bytes_max)?;
    let bytes = state.blobs().get(&caller.authority, &key).await?;
    tenant
        .record_read(&caller.ctx(), "einvoice_original", &id)
        .await?;
    Ok(([(header::CONTENT_TYPE, invoice.media_type)], bytes))
}

/// A workflow step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionDto {
    /// `review`, `approve`, `pay` or `dispute`.
    #[schema(example = "review")]
    pub action: String,
    /// Why (required for `dispute`; shown to the sender).
    pub reason: Option<String>,
}

/// Takes a workflow step: `validated`/`disputed` → `in_review` (review) → `approved`
/// (approve) → `paid` (pay); `in_review`/`approved` → `disputed` (dispute, with a reason).
#[utoipa::path(
    post, path = "/api/v1/einvoices/{id}/actions", tag = "einvoice",
    params(("id" = String, Path, description = "Invoice id (UUID)")),
    request_body = ActionDto,
    responses(
        (status = 200, description = "The invoice after the step", body = EinvoiceDto),
        (status = 400, description = "Invalid id, action or body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice in this authority", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible in the current status (VB-0012)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_act(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActionDto>,
) -> Result<Json<EinvoiceDto>, ApiError> {
    caller.require(WRITERS)?;
    let id = invoice_id(&id)?;
    let action: Action = body.action.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::MalformedBody,
            "action must be one of review, approve, pay, dispute",
        )
    })?;
    let invoice = state
        .store()
        .tenant(&caller.authority)
        .einvoices()
        .act(&caller.ctx(), &id, action, body.reason.as_deref())
        .await?;
    Ok(Json(invoice.into()))
}

/// How a clarification was resolved.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClarifyDto {
    /// The note (required).
    pub note: String,
}

/// Closes the invoice's clarification with a note.
#[utoipa::path(
    post, path = "/api/v1/einvoices/{id}/clarification", tag = "einvoice",
    params(("id" = String, Path, description = "Invoice id (UUID)")),
    request_body = ClarifyDto,
    responses(
        (status = 200, description = "The invoice, clarified", body = EinvoiceDto),
        (status = 400, description = "Invalid id or body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice in this authority", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to clarify, or no note (VB-0012)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_clarify(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClarifyDto>,
) -> Result<Json<EinvoiceDto>, ApiError> {
    caller.require(WRITERS)?;
    let id = invoice_id(&id)?;
    let invoice = state
        .store()
        .tenant(&caller.authority)
        .einvoices()
        .clarify(&caller.ctx(), &id, &body.note)
        .await?;
    Ok(Json(invoice.into()))
}

/// Where to forward a clarification case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardDto {
    /// The authority the invoice is meant for.
    #[schema(example = "th-landeshauptkasse")]
    pub authority_id: String,
    /// Why (required).
    pub note: String,
}

/// Forwards an invoice from the clarification queue to the authority it is meant for (for
/// example when its Leitweg-ID is wrong). It leaves the caller's inbox; both authorities'
/// audit logs record the step.
#[utoipa::path(
    post, path = "/api/v1/einvoices/{id}/forward", tag = "einvoice",
    params(("id" = String, Path, description = "Invoice id (UUID)")),
    request_body = ForwardDto,
    responses(
        (status = 200, description = "The invoice, now in the target's inbox", body = EinvoiceDto),
        (status = 400, description = "Invalid id or body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice here, or no such authority", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a clarification case, the own authority, or no note (VB-0012)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn einvoice_forward(
    State(state): State<WebState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ForwardDto>,
) -> Result<Json<EinvoiceDto>, ApiError> {
    caller.require(WRITERS)?;
    let id = invoice_id(&id)?;
    let target: verbund_core::AuthorityId = body.authority_id.parse()?;
    let moved = crate::intake::forward(
        state.store(),
        state.blobs(),
        &caller.ctx(),
        &caller.authority,
        &id,
        &target,
        &body.note,
    )
    .await?;
    Ok(Json(moved.into()))
}
