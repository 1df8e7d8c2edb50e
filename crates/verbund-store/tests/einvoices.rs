//! The E-Rechnung inbox on every backend: arrival with duplicate detection, the workflow,
//! clarification, the audit trail, and that no other authority sees any of it.

use verbund_core::{AuthorityId, AuthorityKind, GovernmentKey, LeitwegId, RequestId};
use verbund_einvoice::intake::{Action, Status, Summary};
use verbund_store::einvoices::{Channel, Einvoice, Filter, NewEinvoice};
use verbund_store::testing::{ok, test_stores};
use verbund_store::{Actor, Context, NewAuthority, Store, StoreError};

fn ctx() -> Context {
    Context {
        actor: Actor::System("test"),
        request_id: RequestId::internal("test"),
    }
}

async fn authority(store: &Store, id: &str, leitweg: Option<&str>) -> AuthorityId {
    let new = NewAuthority {
        id: AuthorityId::new(id).unwrap(),
        government_key: "14".parse::<GovernmentKey>().unwrap(),
        kind: AuthorityKind::CashOffice,
        name: format!("Kasse {id}"),
        street: "Musterstraße 1".into(),
        postal_code: "01097".into(),
        city: "Dresden".into(),
        email: None,
        leitweg_id: leitweg.map(|l| LeitwegId::parse(l).unwrap()),
        ags: None,
    };
    ok(
        store.admin().authority_create(&ctx(), &new).await,
        "authority",
    )
    .id
}

fn arrival(number: &str, received_by: &AuthorityId) -> NewEinvoice {
    NewEinvoice {
        received_by: received_by.clone(),
        channel: Channel::Api,
        file_name: Some(format!("{number}.xml")),
        media_type: "application/xml".into(),
        size_bytes: 1234,
        sha256: "ab".repeat(32),
        blob_key: format!("einvoices/{number}/original.xml"),
        verdict: "accept".into(),
        scenario: Some("xrechnung-ubl-invoice".into()),
        syntax: Some("ubl".into()),
        report: serde_json::json!({"verdict": "accept", "errors": []}),
        status: Status::Validated,
        summary: Summary {
            number: Some(number.into()),
            issue_date: Some("2026-11-20".into()),
            seller_key: Some("vat:DE123456789".into()),
            seller_name: Some("Muster GmbH".into()),
            total_amount: Some("119.00".into()),
            ..Summary::default()
        },
        clarification: None,
    }
}

#[tokio::test]
async fn invoices_arrive_flag_duplicates_and_follow_the_workflow() {
    for db in test_stores().await {
        let s = &db.store;
        let kasse = authority(s, "sn-hauptkasse", Some("14-HK001-19")).await;
        let inbox = s.tenant(&kasse).einvoices();
        let first = ok(
            inbox.receive(&ctx(), arrival("R-1", &kasse)).await,
            "receive",
        );
        assert_eq!(first.status, Status::Validated, "{}", db.label);
        assert_eq!(
            (
                first.duplicate_of.as_deref(),
                first.clarification.as_deref()
            ),
            (None, None)
        );
        assert_eq!(first.invoice_number.as_deref(), Some("R-1"));
        assert_eq!(first.report["verdict"], "accept");
        // The same invoice again: stored, flagged, waiting for clarification.
        let again = ok(inbox.receive(&ctx(), arrival("R-1", &kasse)).await, "again");
        assert_eq!(again.duplicate_of.as_deref(), Some(first.id.as_str()));
        assert!(
            again
                .clarification
                .as_deref()
                .unwrap()
                .starts_with("Dublettenverdacht"),
            "{:?}",
            again.clarification
        );
        let other = ok(inbox.receive(&ctx(), arrival("R-2", &kasse)).await, "other");
        assert_eq!(other.duplicate_of, None);
        // Listing: newest first, filters, pagination.
        let all = ok(inbox.list(Filter::All, None, 2).await, "list");
        assert_eq!(
            all.items.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            [other.id.as_str(), again.id.as_str()]
        );
        let rest = ok(
            inbox.list(Filter::All, all.next_cursor.as_deref(), 2).await,
            "page 2",
        );
        assert_eq!(rest.items.len(), 1);
        assert_eq!(rest.next_cursor, None);
        let queue = ok(inbox.list(Filter::Clarification, None, 10).await, "queue");
        assert_eq!(queue.items.len(), 1);
        assert_eq!(queue.items[0].id, again.id);
        // Workflow: only allowed steps, a dispute needs a reason.
        assert!(matches!(
            inbox.act(&ctx(), &first.id, Action::Pay, None).await,
            Err(StoreError::InvalidTransition(_))
        ));
        let reviewed = ok(
            inbox.act(&ctx(), &first.id, Action::Review, None).await,
            "review",
        );
        assert_eq!(reviewed.status, Status::InReview);
        assert!(matches!(
            inbox
                .act(&ctx(), &first.id, Action::Dispute, Some("  "))
                .await,
            Err(StoreError::InvalidTransition(_))
        ));
        ok(
            inbox.act(&ctx(), &first.id, Action::Approve, None).await,
            "approve",
        );
        let paid = ok(inbox.act(&ctx(), &first.id, Action::Pay, None).await, "pay");
        assert_eq!(paid.status, Status::Paid);
        let in_review = ok(
            inbox.list(Filter::Status(Status::Paid), None, 10).await,
            "by status",
        );
        assert_eq!(in_review.items.len(), 1);
        // Who did what: the audit trail of the invoice.
        let trail = ok(
            s.tenant(&kasse).audit_trail("einvoice", &first.id).await,
            "trail",
        );
        assert_eq!(
            trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            [
                "einvoice.receive",
                "einvoice.review",
                "einvoice.approve",
                "einvoice.pay"
            ],
            "{}",
            db.label
        );
        assert!(trail[0].detail.contains(&"ab".repeat(32)), "hash recorded");
        let report = ok(verbund_store::audit::verify(s).await, "verify");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
}

#[tokio::test]
async fn a_clarification_is_closed_with_a_note_once() {
    for db in test_stores().await {
        let s = &db.store;
        let kasse = authority(s, "sn-hauptkasse", None).await;
        let inbox = s.tenant(&kasse).einvoices();
        let first = ok(
            inbox.receive(&ctx(), arrival("R-1", &kasse)).await,
            "receive",
        );
        assert!(matches!(
            inbox.clarify(&ctx(), &first.id, "nichts zu klären").await,
            Err(StoreError::InvalidTransition(_))
        ));
        let again = ok(inbox.receive(&ctx(), arrival("R-1", &kasse)).await, "again");
        // Clarification is closed with a note, once.
        assert!(matches!(
            inbox.clarify(&ctx(), &again.id, " ").await,
            Err(StoreError::InvalidTransition(_))
        ));
        let cleared = ok(
            inbox
                .clarify(&ctx(), &again.id, "Versehentlich doppelt gesendet")
                .await,
            "clarify",
        );
        assert_eq!(cleared.clarification, None);
        assert!(matches!(
            inbox.clarify(&ctx(), &again.id, "nochmal").await,
            Err(StoreError::InvalidTransition(_))
        ));
        let trail = ok(
            s.tenant(&kasse).audit_trail("einvoice", &again.id).await,
            "trail",
        );
        assert_eq!(trail.len(), 2, "{}", db.label);
        assert!(
            trail[1].detail.contains("Versehentlich doppelt"),
            "{:?}",
            trail[1]
        );
    }
}

#[tokio::test]
async fn another_authority_sees_and_changes_nothing() {
    for db in test_stores().await {
        let s = &db.store;
        let kasse = authority(s, "sn-hauptkasse", Some("14-HK001-19")).await;
        let stranger = authority(s, "th-landeshauptkasse", None).await;
        let invoice = ok(
            s.tenant(&kasse)
                .einvoices()
                .receive(&ctx(), arrival("R-1", &kasse))
                .await,
            "receive",
        );
        let theirs = s.tenant(&stranger).einvoices();
        assert!(matches!(
            theirs.get(&invoice.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            ok(theirs.list(Filter::All, None, 10).await, "list")
                .items
                .is_empty()
        );
        assert!(matches!(
            theirs.act(&ctx(), &invoice.id, Action::Review, None).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            theirs.clarify(&ctx(), &invoice.id, "x").await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            ok(
                s.tenant(&stranger)
                    .audit_trail("einvoice", &invoice.id)
                    .await,
                "trail"
            )
            .is_empty()
        );
        // A duplicate in another authority is not a duplicate.
        let own = ok(
            theirs.receive(&ctx(), arrival("R-1", &stranger)).await,
            "own",
        );
        assert_eq!(own.duplicate_of, None, "{}", db.label);
    }
}

#[tokio::test]
async fn leitweg_ids_route_to_one_authority() {
    for db in test_stores().await {
        let s = &db.store;
        let kasse = authority(s, "sn-hauptkasse", Some("14-HK001-19")).await;
        let id = LeitwegId::parse("14-hk001-19").unwrap();
        assert_eq!(
            ok(s.admin().authority_by_leitweg(&id).await, "route"),
            Some(kasse)
        );
        let unknown = LeitwegId::parse("04011000-1234512345-06").unwrap();
        assert_eq!(
            ok(s.admin().authority_by_leitweg(&unknown).await, "unknown"),
            None
        );
        // A second authority cannot take the same Leitweg-ID.
        let new = NewAuthority {
            id: AuthorityId::new("sn-zweite").unwrap(),
            government_key: "14".parse::<GovernmentKey>().unwrap(),
            kind: AuthorityKind::CashOffice,
            name: "Zweite".into(),
            street: "Weg 1".into(),
            postal_code: "01097".into(),
            city: "Dresden".into(),
            email: None,
            leitweg_id: Some(id),
            ags: None,
        };
        assert!(
            s.admin().authority_create(&ctx(), &new).await.is_err(),
            "{}",
            db.label
        );
    }
}

/// The key a forward copies an original to in these tests.
const NEW_KEY: &str = "einvoices/copy/original.xml";

/// A cash office with a misrouted invoice (a clarification case) and a clean one, and the
/// authority the misrouted one belongs to.
async fn misrouted(s: &Store) -> (AuthorityId, AuthorityId, Einvoice, Einvoice) {
    let kasse = authority(s, "sn-hauptkasse", None).await;
    let other = authority(s, "th-landeshauptkasse", None).await;
    let mut misrouted = arrival("R-9", &kasse);
    misrouted.clarification = Some("Leitweg-ID unbekannt".into());
    let inbox = s.tenant(&kasse).einvoices();
    let invoice = ok(inbox.receive(&ctx(), misrouted).await, "receive");
    let clean = ok(
        inbox.receive(&ctx(), arrival("R-10", &kasse)).await,
        "clean",
    );
    (kasse, other, invoice, clean)
}

#[tokio::test]
async fn a_forward_is_refused_before_anything_changes() {
    for db in test_stores().await {
        let s = &db.store;
        let (kasse, other, invoice, clean) = misrouted(s).await;
        let inbox = s.tenant(&kasse).einvoices();
        let old_key = invoice.blob_key.clone();
        for (id, target, note) in [
            (&clean.id, &other, "x"),
            (&invoice.id, &kasse, "x"),
            (&invoice.id, &other, " "),
        ] {
            assert!(
                matches!(
                    inbox.forward_check(id, target, note).await,
                    Err(StoreError::InvalidTransition(_))
                ),
                "check {id} {target}"
            );
            let key = if *id == clean.id {
                &clean.blob_key
            } else {
                &old_key
            };
            assert!(
                matches!(
                    inbox.forward(&ctx(), id, target, note, key, NEW_KEY).await,
                    Err(StoreError::InvalidTransition(_))
                ),
                "{id} {target}"
            );
        }
        let nowhere = AuthorityId::new("xx-nirgends").unwrap();
        assert!(matches!(
            inbox
                .forward(&ctx(), &invoice.id, &nowhere, "weiter", &old_key, NEW_KEY)
                .await,
            Err(StoreError::NotFound(_))
        ));
        // A forward that raced another one (the row no longer points at the key it copied).
        assert!(matches!(
            inbox
                .forward(
                    &ctx(),
                    &invoice.id,
                    &other,
                    "weiter",
                    "einvoices/x/o.xml",
                    NEW_KEY
                )
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            ok(inbox.get(&invoice.id).await, "unchanged").blob_key,
            old_key
        );
    }
}

#[tokio::test]
async fn a_misrouted_invoice_is_forwarded_with_both_chains_intact() {
    for db in test_stores().await {
        let s = &db.store;
        let (kasse, other, invoice, _) = misrouted(s).await;
        let inbox = s.tenant(&kasse).einvoices();
        let old_key = invoice.blob_key.clone();
        let moved = ok(
            inbox
                .forward(
                    &ctx(),
                    &invoice.id,
                    &other,
                    "gehört nach Thüringen",
                    &old_key,
                    NEW_KEY,
                )
                .await,
            "forward",
        );
        assert_eq!(
            (
                moved.authority_id.as_str(),
                moved.clarification.as_deref(),
                moved.blob_key.as_str()
            ),
            ("th-landeshauptkasse", None, NEW_KEY)
        );
        assert!(matches!(
            inbox.get(&invoice.id).await,
            Err(StoreError::NotFound(_))
        ));
        let trail = |a: AuthorityId| {
            let id = invoice.id.clone();
            async move {
                ok(s.tenant(&a).audit_trail("einvoice", &id).await, "trail")
                    .into_iter()
                    .map(|e| e.action)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            trail(kasse.clone()).await,
            ["einvoice.receive", "einvoice.forward"]
        );
        assert_eq!(
            trail(other.clone()).await,
            ["einvoice.receive"],
            "{}",
            db.label
        );
        let report = ok(verbund_store::audit::verify(s).await, "verify");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        // Forwarded once more, from the new inbox, it would need a clarification again.
        assert!(matches!(
            s.tenant(&other)
                .einvoices()
                .forward(
                    &ctx(),
                    &invoice.id,
                    &kasse,
                    "zurück",
                    NEW_KEY,
                    "einvoices/b/o.xml"
                )
                .await,
            Err(StoreError::InvalidTransition(_))
        ));
    }
}

/// The sweeper removes what no row references once the grace period is over, reports without
/// removing in a dry run, never touches a referenced or a young blob, and audits removals.
#[tokio::test]
async fn the_sweeper_removes_orphans_and_keeps_every_original() {
    use bytes::Bytes;
    use verbund_store::blobs::{BlobKey, BlobStore};
    let dir = tempfile::tempdir().unwrap();
    for db in test_stores().await {
        for (label, location) in verbund_store::testing::blob_locations(dir.path()) {
            let s = &db.store;
            let blobs = BlobStore::open(&location).unwrap();
            // Fresh authority ids per run: an S3 bucket is shared by the whole suite.
            let run = &uuid::Uuid::new_v4().simple().to_string()[..8];
            let kasse = authority(s, &format!("sn-sweep-{run}"), None).await;
            let stored = ok(
                s.tenant(&kasse)
                    .einvoices()
                    .receive(&ctx(), arrival("R-1", &kasse))
                    .await,
                "receive",
            );
            let key = |k: &str| BlobKey::new(k, 512).unwrap();
            let orphan = "einvoices/crashed/original.xml";
            for k in [stored.blob_key.as_str(), orphan] {
                blobs
                    .put(&kasse, &key(k), Bytes::from_static(b"<x/>"))
                    .await
                    .unwrap();
            }
            let swept = |grace, dry| verbund_store::sweep::sweep(s, &blobs, grace, dry);
            // Young: nothing is an orphan yet.
            let young = ok(swept(3600, false).await, "young");
            assert!(young.orphans.is_empty(), "{label}: {young:?}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let dry = ok(swept(0, true).await, "dry run");
            let keys: Vec<&str> = dry.orphans.iter().map(|o| o.key.as_str()).collect();
            assert_eq!(keys, [orphan], "{} {label}", db.label);
            assert!(
                blobs.get(&kasse, &key(orphan)).await.is_ok(),
                "dry run removed it"
            );
            let done = ok(swept(0, false).await, "sweep");
            assert_eq!(done.orphans.len(), 1);
            assert!(matches!(
                blobs.get(&kasse, &key(orphan)).await,
                Err(StoreError::NotFound(_))
            ));
            assert!(
                blobs.get(&kasse, &key(&stored.blob_key)).await.is_ok(),
                "{label}: original swept"
            );
            let audit = ok(s.tenant(&kasse).audit_entries(None, 50).await, "audit");
            let entry = audit
                .items
                .iter()
                .find(|e| e.action == "blob.sweep")
                .expect("audited");
            assert!(entry.detail.contains(orphan), "{}", entry.detail);
            if label == "local" {
                // A temporary file of an interrupted write, as object_store names them.
                let temp = dir
                    .path()
                    .join(format!("blobs/tenants/{kasse}/einvoices/x/original.xml#3"));
                std::fs::create_dir_all(temp.parent().unwrap()).unwrap();
                std::fs::write(&temp, b"half").unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                let report = ok(swept(0, false).await, "temp");
                assert_eq!(report.temp_files.len(), 1, "{report:?}");
                assert!(!temp.exists());
            }
        }
    }
}

/// A routed arrival is audited in the receiving authority's chain in the same transaction as
/// the invoice and its own entry, so a crash cannot leave one without the other; an unknown
/// receiver stores nothing.
#[tokio::test]
async fn a_routed_arrival_is_audited_in_both_chains_at_once() {
    for db in test_stores().await {
        let s = &db.store;
        let owner = authority(s, "sn-hauptkasse", None).await;
        let receiver = authority(s, "th-poststelle", None).await;
        let stored = ok(
            s.tenant(&owner)
                .einvoices()
                .receive(&ctx(), arrival("R-1", &receiver))
                .await,
            "receive",
        );
        let trail = ok(
            s.tenant(&receiver)
                .audit_trail("einvoice", &stored.id)
                .await,
            "trail",
        );
        assert_eq!(
            trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["einvoice.route"]
        );
        let nowhere = AuthorityId::new("xx-nirgends").unwrap();
        let lost = s
            .tenant(&owner)
            .einvoices()
            .receive(&ctx(), arrival("R-2", &nowhere))
            .await;
        assert!(lost.is_err(), "{}", db.label);
        let inbox = ok(
            s.tenant(&owner)
                .einvoices()
                .list(Filter::All, None, 50)
                .await,
            "list",
        );
        assert_eq!(inbox.items.len(), 1, "{}", db.label);
    }
}
