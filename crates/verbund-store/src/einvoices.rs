//! The E-Rechnung inbox of one authority: received invoices, their validation report, routing
//! and processing status. Obtained from [`TenantStore::einvoices`]; every statement binds the
//! authority. The history of an invoice (who did what) is its audit trail
//! ([`TenantStore::audit_trail`]); the original file is a blob whose key and SHA-256 are here.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use verbund_core::{AuthorityId, Timestamp};
use verbund_einvoice::intake::{Action, Status, Summary};

use crate::audit::Change;
use crate::records::{parse_col, ts_col};
use crate::{Context, Page, StoreError, TenantStore};

/// How an invoice reached the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// `POST /api/v1/einvoices`.
    Api,
    /// The upload form of the web UI.
    Upload,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Upload => "upload",
        }
    }
}

/// An invoice as taken in, before it is stored: the caller has validated it, decided where it
/// goes and written the original to the blob store.
#[derive(Debug, Clone)]
pub struct NewEinvoice {
    /// The authority that took it in (the caller's).
    pub received_by: AuthorityId,
    /// How it came in.
    pub channel: Channel,
    /// The file name given by the sender, if any.
    pub file_name: Option<String>,
    /// `application/xml` (or `application/pdf` once ZUGFeRD is supported).
    pub media_type: String,
    /// Size of the original in bytes.
    pub size_bytes: u64,
    /// SHA-256 of the original, lower-case hex.
    pub sha256: String,
    /// Where the original is kept.
    pub blob_key: String,
    /// `accept`, `reject` or `undefined`.
    pub verdict: String,
    /// The validation scenario applied, if one matched.
    pub scenario: Option<String>,
    /// `ubl` or `cii`, if the document is an invoice.
    pub syntax: Option<String>,
    /// The validation report as JSON.
    pub report: serde_json::Value,
    /// The status after validation.
    pub status: Status,
    /// What the inbox shows.
    pub summary: Summary,
    /// Why a person has to look at it (routing, no validation result), if so.
    pub clarification: Option<String>,
}

/// A stored invoice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Einvoice {
    /// Id (UUIDv7, so ids sort by arrival).
    pub id: String,
    /// The authority whose inbox holds it.
    pub authority_id: AuthorityId,
    /// The authority that took it in.
    pub received_by: AuthorityId,
    /// When it was taken in.
    pub received_at: Timestamp,
    /// `api` or `upload`.
    pub channel: String,
    /// The sender's file name.
    pub file_name: Option<String>,
    /// Media type of the original.
    pub media_type: String,
    /// Size of the original in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the original.
    pub sha256: String,
    /// Blob key of the original.
    #[serde(skip)]
    pub blob_key: String,
    /// `accept`, `reject` or `undefined`.
    pub verdict: String,
    /// The validation scenario.
    pub scenario: Option<String>,
    /// `ubl` or `cii`.
    pub syntax: Option<String>,
    /// The validation report.
    pub report: serde_json::Value,
    /// Processing status.
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    /// BT-10 as written.
    pub leitweg_id: Option<String>,
    /// Why a person has to look at it, if so.
    pub clarification: Option<String>,
    /// BT-1.
    pub invoice_number: Option<String>,
    /// BT-2.
    pub issue_date: Option<String>,
    /// BT-3.
    pub type_code: Option<String>,
    /// BT-5.
    pub currency: Option<String>,
    /// BT-27.
    pub seller_name: Option<String>,
    /// BT-44.
    pub buyer_name: Option<String>,
    /// BT-112.
    pub total_amount: Option<String>,
    /// BT-115.
    pub amount_due: Option<String>,
    /// The earlier invoice with the same seller, number and date, if any.
    pub duplicate_of: Option<String>,
    /// Last change.
    pub updated_at: Timestamp,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` signature
fn status_name<S: serde::Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.as_str())
}

impl Einvoice {
    const COLUMNS: &'static str = "id, authority_id, received_by, received_at, channel, \
        file_name, media_type, size_bytes, sha256, blob_key, verdict, scenario, syntax, report, \
        status, leitweg_id, clarification, invoice_number, issue_date, type_code, currency, \
        seller_name, buyer_name, total_amount, amount_due, duplicate_of, updated_at";

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        let report: String = row.try_get("report")?;
        Ok(Self {
            id: row.try_get("id")?,
            authority_id: parse_col(row, "authority_id")?,
            received_by: parse_col(row, "received_by")?,
            received_at: ts_col(row, "received_at")?,
            channel: row.try_get("channel")?,
            file_name: row.try_get("file_name")?,
            media_type: row.try_get("media_type")?,
            size_bytes: row.try_get("size_bytes")?,
            sha256: row.try_get("sha256")?,
            blob_key: row.try_get("blob_key")?,
            verdict: row.try_get("verdict")?,
            scenario: row.try_get("scenario")?,
            syntax: row.try_get("syntax")?,
            report: serde_json::from_str(&report).map_err(|e| StoreError::Corrupt {
                column: "report",
                reason: e.to_string(),
            })?,
            status: parse_col(row, "status")?,
            leitweg_id: row.try_get("leitweg_id")?,
            clarification: row.try_get("clarification")?,
            invoice_number: row.try_get("invoice_number")?,
            issue_date: row.try_get("issue_date")?,
            type_code: row.try_get("type_code")?,
            currency: row.try_get("currency")?,
            seller_name: row.try_get("seller_name")?,
            buyer_name: row.try_get("buyer_name")?,
            total_amount: row.try_get("total_amount")?,
            amount_due: row.try_get("amount_due")?,
            duplicate_of: row.try_get("duplicate_of")?,
            updated_at: ts_col(row, "updated_at")?,
        })
    }
}

/// Which part of the inbox to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    /// Everything.
    #[default]
    All,
    /// Only invoices waiting for clarification.
    Clarification,
    /// Only invoices in this status.
    Status(Status),
}

/// The E-Rechnung inbox of one authority. Obtained from [`TenantStore::einvoices`].
#[derive(Debug, Clone, Copy)]
pub struct EinvoiceStore<'a> {
    tenant: TenantStore<'a>,
}

impl<'a> TenantStore<'a> {
    /// This authority's E-Rechnung inbox.
    #[must_use]
    pub fn einvoices(&self) -> EinvoiceStore<'a> {
        EinvoiceStore { tenant: *self }
    }
}

impl EinvoiceStore<'_> {
    /// Stores a received invoice in this authority's inbox, marks it as a suspected duplicate
    /// when an invoice with the same seller, number and date is already there, and audits it.
    /// Arrivals in one authority are serialised by the audit chain, so two copies of one
    /// invoice arriving at once are still told apart. When another authority took it in and
    /// routed it here, its chain records the routing in the same transaction.
    pub async fn receive(&self, ctx: &Context, new: NewEinvoice) -> Result<Einvoice, StoreError> {
        let own = self.tenant.authority_id();
        let authority = own.as_str();
        let routed = &new.received_by != own;
        let mut change = if routed {
            Change::begin_pair(self.tenant.store(), own, &new.received_by, ctx).await?
        } else {
            self.tenant.change(ctx).await?
        };
        let now = change.now();
        let duplicate_of = earlier_copy(change.conn(), authority, &new.summary).await?;
        let mut clarification = new.clarification.clone();
        if let Some((_, at)) = &duplicate_of {
            let note = format!(
                "Dublettenverdacht: eine Rechnung desselben Verkäufers mit derselben Nummer und \
                 demselben Datum ist am {} eingegangen.",
                Timestamp(*at).to_display_de()
            );
            clarification = Some(match clarification {
                Some(other) => format!("{other} {note}"),
                None => note,
            });
        }
        let id = uuid::Uuid::now_v7().to_string();
        let duplicate_of = duplicate_of.map(|(id, _)| id);
        let summary = &new.summary;
        sqlx::query(
            "INSERT INTO einvoices (id, authority_id, received_by, received_at, channel, \
             file_name, media_type, size_bytes, sha256, blob_key, verdict, scenario, syntax, \
             report, status, leitweg_id, clarification, invoice_number, issue_date, type_code, \
             currency, seller_name, seller_key, buyer_name, total_amount, amount_due, \
             duplicate_of, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $4)",
        )
        .bind(&id)
        .bind(authority)
        .bind(new.received_by.as_str())
        .bind(now)
        .bind(new.channel.as_str())
        .bind(&new.file_name)
        .bind(&new.media_type)
        .bind(i64::try_from(new.size_bytes).unwrap_or(i64::MAX))
        .bind(&new.sha256)
        .bind(&new.blob_key)
        .bind(&new.verdict)
        .bind(&new.scenario)
        .bind(&new.syntax)
        .bind(new.report.to_string())
        .bind(new.status.as_str())
        .bind(&summary.buyer_reference)
        .bind(&clarification)
        .bind(&summary.number)
        .bind(&summary.issue_date)
        .bind(&summary.type_code)
        .bind(&summary.currency)
        .bind(&summary.seller_name)
        .bind(&summary.seller_key)
        .bind(&summary.buyer_name)
        .bind(&summary.total_amount)
        .bind(&summary.amount_due)
        .bind(&duplicate_of)
        .execute(change.conn())
        .await?;
        change
            .record(
                "einvoice.receive",
                "einvoice",
                &id,
                &serde_json::json!({
                    "received_by": new.received_by.as_str(),
                    "channel": new.channel.as_str(),
                    "sha256": new.sha256,
                    "size_bytes": new.size_bytes,
                    "verdict": new.verdict,
                    "status": new.status.as_str(),
                    "leitweg_id": summary.buyer_reference,
                    "clarification": clarification,
                    "duplicate_of": duplicate_of,
                }),
            )
            .await?;
        if routed {
            change
                .record_in(
                    &new.received_by,
                    "einvoice.route",
                    "einvoice",
                    &id,
                    &serde_json::json!({ "to": authority, "leitweg_id": summary.buyer_reference }),
                )
                .await?;
        }
        change.commit().await?;
        self.get(&id).await
    }

    /// One invoice of this authority.
    pub async fn get(&self, id: &str) -> Result<Einvoice, StoreError> {
        let sql = format!(
            "SELECT {} FROM einvoices WHERE authority_id = $1 AND id = $2",
            Einvoice::COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(self.tenant.authority_id().as_str())
            .bind(id)
            .fetch_optional(self.tenant.store().pool())
            .await?
            .ok_or(StoreError::NotFound("einvoice"))?;
        Einvoice::from_row(&row)
    }

    /// The inbox, newest first, keyset-paginated by id.
    pub async fn list(
        &self,
        filter: Filter,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Page<Einvoice>, StoreError> {
        let condition = match filter {
            Filter::All => "",
            Filter::Clarification => " AND clarification IS NOT NULL",
            Filter::Status(_) => " AND status = $4",
        };
        let sql = format!(
            "SELECT {} FROM einvoices WHERE authority_id = $1 AND id < $2{condition} \
             ORDER BY id DESC LIMIT $3",
            Einvoice::COLUMNS
        );
        // UUIDs are hex and hyphens, so "g" sorts after every one of them.
        let mut query = sqlx::query(&sql)
            .bind(self.tenant.authority_id().as_str())
            .bind(before.unwrap_or("g"))
            .bind(i64::from(limit) + 1);
        if let Filter::Status(status) = filter {
            query = query.bind(status.as_str());
        }
        let rows = query.fetch_all(self.tenant.store().pool()).await?;
        let items = rows
            .iter()
            .map(Einvoice::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(items, limit, |e| e.id.clone()))
    }

    /// Takes a workflow step. Fails with [`StoreError::InvalidTransition`] when the invoice's
    /// current status does not allow it, and when a dispute has no reason.
    pub async fn act(
        &self,
        ctx: &Context,
        id: &str,
        action: Action,
        reason: Option<&str>,
    ) -> Result<Einvoice, StoreError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if action.needs_reason() && reason.is_none() {
            return Err(StoreError::InvalidTransition(
                "eine Beanstandung braucht eine Begründung",
            ));
        }
        let authority = self.tenant.authority_id().as_str();
        let mut change = self.tenant.change(ctx).await?;
        let current: String =
            sqlx::query_scalar("SELECT status FROM einvoices WHERE authority_id = $1 AND id = $2")
                .bind(authority)
                .bind(id)
                .fetch_optional(change.conn())
                .await?
                .ok_or(StoreError::NotFound("einvoice"))?;
        let from: Status =
            current
                .parse()
                .map_err(
                    |e: verbund_einvoice::intake::UnknownName| StoreError::Corrupt {
                        column: "status",
                        reason: e.to_string(),
                    },
                )?;
        let to = from.apply(action).ok_or(StoreError::InvalidTransition(
            "dieser Schritt ist im aktuellen Status nicht möglich",
        ))?;
        let now = change.now();
        sqlx::query(
            "UPDATE einvoices SET status = $1, updated_at = $2 \
             WHERE authority_id = $3 AND id = $4",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(authority)
        .bind(id)
        .execute(change.conn())
        .await?;
        change
            .record(
                &format!("einvoice.{}", action.as_str()),
                "einvoice",
                id,
                &serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason }),
            )
            .await?;
        change.commit().await?;
        self.get(id).await
    }

    /// Closes the clarification of an invoice with a note on how it was resolved.
    pub async fn clarify(
        &self,
        ctx: &Context,
        id: &str,
        note: &str,
    ) -> Result<Einvoice, StoreError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(StoreError::InvalidTransition(
                "eine Klärung braucht einen Vermerk",
            ));
        }
        let mut change = self.tenant.change(ctx).await?;
        let now = change.now();
        let done = sqlx::query(
            "UPDATE einvoices SET clarification = NULL, updated_at = $1 \
             WHERE authority_id = $2 AND id = $3 AND clarification IS NOT NULL",
        )
        .bind(now)
        .bind(self.tenant.authority_id().as_str())
        .bind(id)
        .execute(change.conn())
        .await?;
        if done.rows_affected() == 0 {
            // Unknown here, or nothing to clarify: tell which.
            self.get(id).await?;
            return Err(StoreError::InvalidTransition(
                "die Rechnung ist kein Klärungsfall",
            ));
        }
        change
            .record(
                "einvoice.clarify",
                "einvoice",
                id,
                &serde_json::json!({ "note": note }),
            )
            .await?;
        change.commit().await?;
        self.get(id).await
    }

    /// Checks everything a forward of `id` to `target` requires that can be known before the
    /// original is copied (a note, another authority, a clarification case here) and returns
    /// the invoice. [`EinvoiceStore::forward`] checks the same again in its transaction.
    pub async fn forward_check(
        &self,
        id: &str,
        target: &AuthorityId,
        note: &str,
    ) -> Result<Einvoice, StoreError> {
        let invoice = self.get(id).await?;
        forward_preconditions(self.tenant.authority_id(), target, note)?;
        if invoice.clarification.is_none() {
            return Err(NOT_A_CLARIFICATION);
        }
        Ok(invoice)
    }

    /// Forwards an invoice waiting for clarification to the authority it is meant for (a
    /// misrouted invoice): it leaves this inbox and arrives in `target`'s, audited in both
    /// chains in one transaction, and is checked for duplicates there. The caller has copied
    /// the original into the target's blob space under a fresh key `to_key`; the row moves
    /// only if it still points at `from_key`, so of two concurrent forwards exactly one
    /// commits and the other fails with `NotFound` (the invoice left) or `Conflict`, before
    /// its commit, with nothing changed.
    pub async fn forward(
        &self,
        ctx: &Context,
        id: &str,
        target: &AuthorityId,
        note: &str,
        from_key: &str,
        to_key: &str,
    ) -> Result<Einvoice, StoreError> {
        let note = note.trim();
        let own = self.tenant.authority_id();
        forward_preconditions(own, target, note)?;
        let store = self.tenant.store();
        let mut change = Change::begin_pair(store, own, target, ctx).await?;
        let row = sqlx::query(
            "SELECT clarification, seller_key, invoice_number, issue_date, sha256, blob_key \
             FROM einvoices WHERE authority_id = $1 AND id = $2",
        )
        .bind(own.as_str())
        .bind(id)
        .fetch_optional(change.conn())
        .await?
        .ok_or(StoreError::NotFound("einvoice"))?;
        if row.try_get::<Option<String>, _>("clarification")?.is_none() {
            return Err(NOT_A_CLARIFICATION);
        }
        if row.try_get::<String, _>("blob_key")? != from_key {
            return Err(StoreError::Conflict("einvoice original"));
        }
        let key: (Option<String>, Option<String>, Option<String>) = (
            row.try_get("seller_key")?,
            row.try_get("invoice_number")?,
            row.try_get("issue_date")?,
        );
        let sha256: String = row.try_get("sha256")?;
        let duplicate_of: Option<String> = match key {
            (Some(seller), Some(number), Some(date)) => {
                sqlx::query_scalar(
                    "SELECT id FROM einvoices WHERE authority_id = $1 AND seller_key = $2 \
                     AND invoice_number = $3 AND issue_date = $4 ORDER BY id LIMIT 1",
                )
                .bind(target.as_str())
                .bind(seller)
                .bind(number)
                .bind(date)
                .fetch_optional(change.conn())
                .await?
            }
            _ => None,
        };
        let clarification = duplicate_of.as_ref().map(|_| {
            "Dublettenverdacht: eine Rechnung desselben Verkäufers mit derselben Nummer und \
             demselben Datum liegt bereits hier."
                .to_owned()
        });
        let now = change.now();
        sqlx::query(
            "UPDATE einvoices SET authority_id = $1, clarification = $2, duplicate_of = $3, \
             updated_at = $4, blob_key = $7 WHERE authority_id = $5 AND id = $6",
        )
        .bind(target.as_str())
        .bind(&clarification)
        .bind(&duplicate_of)
        .bind(now)
        .bind(own.as_str())
        .bind(id)
        .bind(to_key)
        .execute(change.conn())
        .await?;
        change
            .record(
                "einvoice.forward",
                "einvoice",
                id,
                &serde_json::json!({ "to": target.as_str(), "note": note }),
            )
            .await?;
        change
            .record_in(
                target,
                "einvoice.receive",
                "einvoice",
                id,
                &serde_json::json!({
                    "forwarded_by": own.as_str(),
                    "note": note,
                    "sha256": sha256,
                    "clarification": clarification,
                    "duplicate_of": duplicate_of,
                }),
            )
            .await?;
        change.commit().await?;
        store.tenant(target).einvoices().get(id).await
    }
}

/// The id and arrival of an invoice in `authority`'s inbox with the same seller, number and
/// date as `summary`, if any.
async fn earlier_copy(
    conn: &mut sqlx::AnyConnection,
    authority: &str,
    summary: &Summary,
) -> Result<Option<(String, i64)>, StoreError> {
    let Some((seller, number, date)) = summary.duplicate_key() else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT id, received_at FROM einvoices WHERE authority_id = $1 \
         AND seller_key = $2 AND invoice_number = $3 AND issue_date = $4 \
         ORDER BY id LIMIT 1",
    )
    .bind(authority)
    .bind(seller)
    .bind(number)
    .bind(date)
    .fetch_optional(conn)
    .await?;
    row.map(|row| Ok((row.try_get("id")?, row.try_get("received_at")?)))
        .transpose()
}

const NOT_A_CLARIFICATION: StoreError =
    StoreError::InvalidTransition("nur Klärungsfälle werden weitergeleitet");

fn forward_preconditions(
    own: &AuthorityId,
    target: &AuthorityId,
    note: &str,
) -> Result<(), StoreError> {
    if note.trim().is_empty() {
        return Err(StoreError::InvalidTransition(
            "eine Weiterleitung braucht einen Vermerk",
        ));
    }
    if own == target {
        return Err(StoreError::InvalidTransition(
            "die Rechnung liegt bereits bei dieser Behörde",
        ));
    }
    Ok(())
}
