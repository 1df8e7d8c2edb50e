//! E-invoice intake, shared by `POST /api/v1/einvoices` and the upload form: validate the
//! document, decide whose inbox it goes to by its Leitweg-ID, keep the original, store it.
//!
//! Routing never changes the verdict: an invoice with an invalid or unknown Leitweg-ID (BT-10)
//! stays with the receiving authority and waits in its clarification queue, with its report.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use verbund_core::{AuthorityId, LeitwegId, LeitwegProblem};
use verbund_einvoice::intake::{Status, Summary};
use verbund_einvoice::{Classification, Level, Limits, Report, Syntax, Verdict};
use verbund_store::blobs::{BlobKey, BlobStore};
use verbund_store::einvoices::{Channel, Einvoice, NewEinvoice};
use verbund_store::{Context, Store, StoreError};

/// Validations (and renderings, which validate too) run on blocking threads, at most one per
/// core at a time, so that a burst of large invoices cannot starve the server or its memory.
static VALIDATIONS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(validation_permits())));

/// Runs `job` on a blocking thread under a validation permit that belongs to the job: it is
/// released when the job ends, not when the request that started it is dropped (a client
/// that disconnects, a request deadline), so abandoned work still counts against the bound.
/// `None` if the job panicked.
async fn under_permit<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let permit = VALIDATIONS.clone().acquire_owned().await.ok()?;
    tokio::task::spawn_blocking(move || {
        let _running = Running::start(permit);
        job()
    })
    .await
    .ok()
}

static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// A job holding a validation permit, counted in [`validations_running`] while it lives.
struct Running(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl Running {
    fn start(permit: tokio::sync::OwnedSemaphorePermit) -> Self {
        RUNNING.fetch_add(1, Ordering::SeqCst);
        Self(permit)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many validations and renderings run in this process now (at most
/// [`validation_permits`]), whether or not their requests are still there.
#[must_use]
pub fn validations_running() -> usize {
    RUNNING.load(Ordering::SeqCst)
}

/// How many validations may run at once in this process: one per core.
#[must_use]
pub fn validation_permits() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}

/// The limits of a validation on this node: nothing in a document, an embedded invoice in a
/// PDF included, may decode to more than an invoice may be uploaded as. So a small PDF costs
/// at most what the largest allowed XML invoice costs, never a multiple of it.
fn validation_limits(store: &Store) -> Limits {
    Limits {
        input_bytes_max: store.limits().einvoice_bytes_max,
        ..Limits::default()
    }
}

/// A document to take in.
pub struct Incoming {
    /// How it came.
    pub channel: Channel,
    /// The sender's file name.
    pub file_name: Option<String>,
    /// The bytes exactly as received.
    pub bytes: Bytes,
}

/// What became of a document.
pub struct Taken {
    /// The stored invoice (in the inbox of `invoice.authority_id`).
    pub invoice: Einvoice,
}

/// Validates, routes, keeps the original and stores the invoice; audits it in the inbox
/// authority's chain and, when routed elsewhere, in the receiving authority's chain too, in
/// the same transaction (a crash cannot leave the one without the other).
pub async fn take_in(
    store: &Store,
    blobs: &BlobStore,
    ctx: &Context,
    receiver: &AuthorityId,
    incoming: Incoming,
) -> Result<Taken, StoreError> {
    let sha256 = hex::encode(Sha256::digest(&incoming.bytes));
    let size_bytes = incoming.bytes.len() as u64;
    let pdf = verbund_einvoice::is_pdf(&incoming.bytes);
    let (media_type, extension) = if pdf {
        ("application/pdf", "pdf")
    } else {
        ("application/xml", "xml")
    };
    let (report, summary) = {
        let bytes = incoming.bytes.clone();
        let limits = validation_limits(store);
        under_permit(move || check(&bytes, &limits))
            .await
            .unwrap_or_else(|| (internal_report(), Summary::default()))
    };
    let (owner, clarification) = route(store, receiver, &report, &summary).await?;
    let blob_key = original_key(store, extension)?;
    blobs.put(&owner, &blob_key, incoming.bytes).await?;
    let new = NewEinvoice {
        received_by: receiver.clone(),
        channel: incoming.channel,
        file_name: incoming.file_name,
        media_type: media_type.to_owned(),
        size_bytes,
        sha256,
        blob_key: blob_key.as_str().to_owned(),
        verdict: verdict_name(report.verdict).to_owned(),
        scenario: report.scenario.map(|s| s.name.to_owned()),
        syntax: report.syntax.map(|s| syntax_name(s).to_owned()),
        report: report_json(&report),
        status: Status::after_validation(report.verdict),
        summary,
        clarification,
    };
    let invoice = store.tenant(&owner).einvoices().receive(ctx, new).await?;
    Ok(Taken { invoice })
}

/// The report and, for an invoice, its summary; a PDF is judged by the invoice XML embedded
/// in it (ZUGFeRD / Factur-X). One parse for the summary, one inside `validate`; the summary
/// parse is cheap next to validation.
fn check(bytes: &[u8], limits: &Limits) -> (Report, Summary) {
    let summary_of = |xml: &[u8]| match verbund_einvoice::classify(xml, limits) {
        Classification::Invoice(parsed) => Summary::of(&parsed.invoice),
        _ => Summary::default(),
    };
    if verbund_einvoice::is_pdf(bytes) {
        let (report, embedded) = verbund_einvoice::validate_pdf(bytes, limits);
        let summary = embedded.map(|e| summary_of(&e.xml)).unwrap_or_default();
        return (report, summary);
    }
    (verbund_einvoice::validate(bytes, limits), summary_of(bytes))
}

fn internal_report() -> Report {
    Report {
        verdict: Verdict::Undefined,
        scenario: None,
        syntax: None,
        findings: vec![verbund_einvoice::Finding {
            id: verbund_einvoice::INTERNAL.into(),
            level: Level::Error,
            message: "Interner Fehler bei der Prüfung; kein Prüfergebnis.".to_owned(),
            location: "/".to_owned(),
        }],
    }
}

/// Whose inbox: the authority of the Leitweg-ID, else the receiver with a clarification.
async fn route(
    store: &Store,
    receiver: &AuthorityId,
    report: &Report,
    summary: &Summary,
) -> Result<(AuthorityId, Option<String>), StoreError> {
    let mut notes = Vec::new();
    if report.verdict == Verdict::Undefined {
        notes.push("Die Prüfung hat kein Ergebnis geliefert.".to_owned());
    }
    let is_invoice = report.syntax.is_some() && report.scenario.is_some();
    let owner = match LeitwegId::parse(summary.buyer_reference.as_deref().unwrap_or("")) {
        Ok(id) => {
            let owner = store.admin().authority_by_leitweg(&id).await?;
            if owner.is_none() {
                notes.push(format!(
                    "Die Leitweg-ID {id} ist keiner Behörde dieses Knotens zugeordnet."
                ));
            }
            owner
        }
        // A document that is no invoice has no Leitweg-ID to route by; its rejection says why.
        Err(LeitwegProblem::Missing) if !is_invoice => None,
        Err(problem) => {
            notes.push(problem.to_string());
            None
        }
    };
    let clarification = (!notes.is_empty()).then(|| notes.join(" "));
    Ok((owner.unwrap_or_else(|| receiver.clone()), clarification))
}

/// `accept`, `reject` or `undefined`, as in the KoSIT report.
#[must_use]
pub fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Accept => "accept",
        Verdict::Reject => "reject",
        Verdict::Undefined => "undefined",
    }
}

fn syntax_name(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::UblInvoice => "ubl-invoice",
        Syntax::UblCreditNote => "ubl-creditnote",
        Syntax::Cii => "cii",
    }
}

/// The report as JSON: `{"verdict", "scenario", "errors": [{"id", "level", "message",
/// "location"}], "warnings": [...], "infos": [...]}`.
#[must_use]
pub fn report_json(report: &Report) -> serde_json::Value {
    let of_level = |level: Level| {
        report
            .findings
            .iter()
            .filter(|f| f.level == level)
            .map(|f| {
                serde_json::json!({
                    "id": f.id,
                    "level": match f.level {
                        Level::Error => "error",
                        Level::Warning => "warning",
                        Level::Information => "information",
                    },
                    "message": f.message,
                    "location": f.location,
                })
            })
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "verdict": verdict_name(report.verdict),
        "scenario": report.scenario.map(|s| s.name),
        "errors": of_level(Level::Error),
        "warnings": of_level(Level::Warning),
        "infos": of_level(Level::Information),
    })
}

/// A fresh key for an original: every stored copy gets its own, so no two rows, and no row
/// and a copy in flight, ever share one.
fn original_key(store: &Store, extension: &str) -> Result<BlobKey, StoreError> {
    BlobKey::new(
        &format!("einvoices/{}/original.{extension}", uuid::Uuid::now_v7()),
        store.limits().blob_key_bytes_max,
    )
}

/// Forwards a clarification case to the authority it is meant for. Every precondition is
/// checked before a blob is touched; the original is then copied into the target's blob
/// space under a fresh key, and the store moves the row to that key only if it still points
/// at the old one (so of two concurrent forwards one wins and the other changes nothing).
/// The old copy is removed only after the move committed; the new copy only when the store
/// refused before committing. Anything else left behind is an unreferenced blob for the
/// sweeper ([`verbund_store::sweep`]), never a lost original.
pub async fn forward(
    store: &Store,
    blobs: &BlobStore,
    ctx: &Context,
    from: &AuthorityId,
    id: &str,
    target: &AuthorityId,
    note: &str,
) -> Result<verbund_store::einvoices::Einvoice, StoreError> {
    let inbox = store.tenant(from).einvoices();
    let invoice = inbox.forward_check(id, target, note).await?;
    store.admin().authority(target).await?;
    let old_key = BlobKey::new(&invoice.blob_key, store.limits().blob_key_bytes_max)?;
    let extension = invoice.blob_key.rsplit_once('.').map_or("bin", |(_, e)| e);
    let new_key = original_key(store, extension)?;
    let bytes = blobs.get(from, &old_key).await?;
    blobs.put(target, &new_key, bytes).await?;
    match inbox
        .forward(ctx, id, target, note, old_key.as_str(), new_key.as_str())
        .await
    {
        Ok(moved) => {
            if let Err(e) = blobs.delete(from, &old_key).await {
                tracing::warn!(error = %e, "forwarded invoice: old copy left for the sweeper");
            }
            Ok(moved)
        }
        Err(e) => {
            if e.refused_before_commit()
                && let Err(cleanup) = blobs.delete(target, &new_key).await
            {
                tracing::warn!(error = %cleanup, "failed forward: copy left for the sweeper");
            }
            Err(e)
        }
    }
}

/// The printable HTML view of a stored original (XML, or the XML embedded in a PDF), with a
/// fresh validation report; under the same permits and limits as intake, so that concurrent
/// views cannot exceed the memory that concurrent validations may take.
pub async fn render(store: &Store, file_name: String, bytes: Bytes) -> Option<String> {
    let limits = validation_limits(store);
    under_permit(move || render_now(&file_name, &bytes, &limits)).await
}

fn render_now(file_name: &str, bytes: &[u8], limits: &Limits) -> String {
    let (report, xml) = if verbund_einvoice::is_pdf(bytes) {
        let (report, embedded) = verbund_einvoice::validate_pdf(bytes, limits);
        (report, embedded.map(|e| e.xml))
    } else {
        (
            verbund_einvoice::validate(bytes, limits),
            Some(bytes.to_vec()),
        )
    };
    let parsed = xml.and_then(|xml| match verbund_einvoice::classify(&xml, limits) {
        Classification::Invoice(parsed) => Some(parsed),
        _ => None,
    });
    verbund_einvoice::render::invoice_html(file_name, parsed.as_deref(), &report)
}
