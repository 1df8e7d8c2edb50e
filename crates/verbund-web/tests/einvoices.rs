//! E-invoice intake through the API on every backend: validation, routing by Leitweg-ID,
//! the clarification queue, duplicates, the workflow, the original kept byte for byte, and
//! bad input. Invoices are suite files of `../shared` edited in memory (recipe: file + change).

// Each test is a scenario that reads top to bottom; splitting it would hide the story.
#![allow(clippy::too_many_lines)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{A_LEITWEG_ID, B_LEITWEG_ID, Env, envs, invoice_to};

async fn act(env: &Env, token: &str, id: &str, action: &str) -> common::Res {
    env.api(
        Method::POST,
        &format!("/api/v1/einvoices/{id}/actions"),
        Some(token),
        Some(&format!(
            r#"{{"action":"{action}","reason":"Menge stimmt nicht"}}"#
        )),
    )
    .await
}

#[tokio::test]
async fn a_valid_invoice_reaches_its_inbox_and_runs_through_the_workflow() {
    let Some(xml) = invoice_to(A_LEITWEG_ID) else {
        return;
    };
    for env in envs().await {
        let clerk = env.token("a_clerk").to_owned();
        let res = env
            .post_xml("/api/v1/einvoices?file_name=r.xml", &clerk, &xml)
            .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "{}: {}",
            env.label,
            res.text()
        );
        let body = res.json();
        assert_eq!(body["authority_id"], "sn-a");
        assert_eq!(body["verdict"], "accept", "{}", body["report"]);
        assert_eq!(body["status"], "validated");
        assert_eq!(body["scenario"], "EN16931 XRechnung (UBL Invoice)");
        assert_eq!(body["leitweg_id"], A_LEITWEG_ID);
        assert_eq!(body["invoice_number"], "123456XX");
        assert_eq!(body["file_name"], "r.xml");
        assert!(body.get("clarification").is_none(), "{body}");
        assert_eq!(body["actions"], serde_json::json!(["review"]));
        let id = body["id"].as_str().unwrap().to_owned();
        // The original, byte for byte, and its hash.
        let original = env
            .get(&format!("/api/v1/einvoices/{id}/original"), &clerk)
            .await;
        assert_eq!(original.status, StatusCode::OK);
        assert_eq!(original.body.as_ref(), xml.as_slice());
        assert_eq!(
            body["sha256"],
            hex_sha256(&xml),
            "the recorded hash is the original's"
        );
        // Workflow.
        act(&env, &clerk, &id, "pay")
            .await
            .assert_problem(409, "VB-0012");
        for (action, status) in [
            ("review", "in_review"),
            ("approve", "approved"),
            ("pay", "paid"),
        ] {
            let res = act(&env, &clerk, &id, action).await;
            assert_eq!(res.status, StatusCode::OK, "{action}: {}", res.text());
            assert_eq!(res.json()["status"], status);
        }
        act(&env, &clerk, &id, "dispute")
            .await
            .assert_problem(409, "VB-0012");
        act(&env, &clerk, &id, "delete")
            .await
            .assert_problem(400, "VB-0001");
        // Auditors read but do not act.
        let auditor = env.token("a_auditor").to_owned();
        act(&env, &auditor, &id, "review")
            .await
            .assert_problem(403, "VB-0005");
        let detail = env
            .get(&format!("/api/v1/einvoices/{id}"), &auditor)
            .await
            .json();
        let history: Vec<&str> = detail["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            history,
            [
                "einvoice.receive",
                "einvoice.review",
                "einvoice.approve",
                "einvoice.pay",
                "read"
            ],
            "{}",
            env.label
        );
        // Filters.
        let paid = env
            .get("/api/v1/einvoices?status=paid", &auditor)
            .await
            .json();
        assert_eq!(paid["items"].as_array().unwrap().len(), 1);
        env.get("/api/v1/einvoices?status=weg", &auditor)
            .await
            .assert_problem(400, "VB-0003");
        env.get("/api/v1/einvoices?cursor=../x", &auditor)
            .await
            .assert_problem(400, "VB-0003");
        // The same invoice again is a suspected duplicate.
        let again = env.post_xml("/api/v1/einvoices", &clerk, &xml).await.json();
        assert_eq!(again["duplicate_of"], id.as_str());
        assert!(
            again["clarification"]
                .as_str()
                .unwrap()
                .starts_with("Dublettenverdacht"),
            "{again}"
        );
    }
}

#[tokio::test]
async fn leitweg_ids_route_or_end_in_the_clarification_queue_without_changing_the_verdict() {
    let Some(to_b) = invoice_to(B_LEITWEG_ID) else {
        return;
    };
    for env in envs().await {
        let clerk = env.token("a_clerk").to_owned();
        // Addressed to B: lands in B's inbox; A keeps only a routing entry in its audit log.
        let routed = env
            .post_xml("/api/v1/einvoices", &clerk, &to_b)
            .await
            .json();
        assert_eq!(routed["authority_id"], "by-b", "{}", env.label);
        assert_eq!(routed["received_by"], "sn-a");
        let id = routed["id"].as_str().unwrap();
        env.get(&format!("/api/v1/einvoices/{id}"), &clerk)
            .await
            .assert_problem(404, "VB-0006");
        let b_inbox = env
            .get("/api/v1/einvoices", env.token("b_clerk"))
            .await
            .text();
        assert!(b_inbox.contains(id));
        let a_audit = env
            .get("/api/v1/audit?limit=200", env.token("a_admin"))
            .await
            .text();
        assert!(a_audit.contains("einvoice.route"), "{a_audit}");
        // Unknown, or with a wrong check digit: stays with A, to be clarified; still accepted.
        for (leitweg_id, why) in [
            ("04011000-1234512345-06", "keiner Behörde"),
            ("14-A1-88", "Prüfziffer"),
            ("", "Keine Leitweg-ID"),
        ] {
            let xml = invoice_to(leitweg_id).unwrap();
            let body = env.post_xml("/api/v1/einvoices", &clerk, &xml).await.json();
            assert_eq!(body["authority_id"], "sn-a", "{leitweg_id}");
            assert_eq!(
                body["verdict"],
                if leitweg_id.is_empty() {
                    "reject"
                } else {
                    "accept"
                }
            );
            let clarification = body["clarification"].as_str().unwrap_or("");
            assert!(clarification.contains(why), "{leitweg_id}: {clarification}");
        }
        let queue = env
            .get("/api/v1/einvoices?clarification=true", &clerk)
            .await
            .json();
        let queued = queue["items"].as_array().unwrap();
        assert_eq!(queued.len(), 3, "{}", env.label);
        // The newest case (no Leitweg-ID at all) belongs to B: forward it there.
        let misrouted = queued[0]["id"].as_str().unwrap().to_owned();
        let forwarded = env
            .api(
                Method::POST,
                &format!("/api/v1/einvoices/{misrouted}/forward"),
                Some(&clerk),
                Some(r#"{"authority_id":"by-b","note":"Lieferung ging nach Bayern"}"#),
            )
            .await;
        assert_eq!(forwarded.status, StatusCode::OK, "{}", forwarded.text());
        assert_eq!(forwarded.json()["authority_id"], "by-b");
        env.get(&format!("/api/v1/einvoices/{misrouted}/original"), &clerk)
            .await
            .assert_problem(404, "VB-0006");
        let at_b = env
            .get(
                &format!("/api/v1/einvoices/{misrouted}/original"),
                env.token("b_clerk"),
            )
            .await;
        assert_eq!(at_b.status, StatusCode::OK, "the original moved with it");
        assert_eq!(at_b.body.as_ref(), invoice_to("").unwrap().as_slice());
        env.api(
            Method::POST,
            &format!(
                "/api/v1/einvoices/{}/forward",
                queued[1]["id"].as_str().unwrap()
            ),
            Some(&clerk),
            Some(r#"{"authority_id":"xx-gibt-es-nicht","note":"weg"}"#),
        )
        .await
        .assert_problem(404, "VB-0006");
        let first = queued[1]["id"].as_str().unwrap();
        let done = env
            .api(
                Method::POST,
                &format!("/api/v1/einvoices/{first}/clarification"),
                Some(&clerk),
                Some(r#"{"note":"Rechnung telefonisch zugeordnet"}"#),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert!(done.json().get("clarification").is_none());
    }
}

/// The invoice as a ZUGFeRD / Factur-X PDF: an uncompressed embedded file and its file
/// specification, the least a PDF/A-3 hybrid invoice has.
fn as_factur_x(xml: &[u8]) -> Vec<u8> {
    let mut pdf =
        b"%PDF-1.7\n1 0 obj\n<< /Type /Filespec /F (factur-x.xml) /EF << /F 2 0 R >> >>\nendobj\n"
            .to_vec();
    pdf.extend_from_slice(
        format!(
            "2 0 obj\n<< /Type /EmbeddedFile /Length {} >>\nstream\n",
            xml.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(xml);
    pdf.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    pdf
}

#[tokio::test]
async fn a_factur_x_pdf_is_judged_by_its_embedded_invoice_and_kept_as_sent() {
    let Some(xml) = invoice_to(A_LEITWEG_ID) else {
        return;
    };
    let pdf = as_factur_x(&xml);
    for env in envs().await {
        let clerk = env.token("a_clerk").to_owned();
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/einvoices?file_name=rechnung.pdf")
            .header(header::AUTHORIZATION, format!("Bearer {clerk}"))
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(pdf.clone()))
            .unwrap();
        let res = env.send(req).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let body = res.json();
        assert_eq!(
            body["verdict"], "accept",
            "{}: {}",
            env.label, body["report"]
        );
        assert_eq!(body["authority_id"], "sn-a", "routed by the embedded BT-10");
        assert_eq!(body["invoice_number"], "123456XX");
        assert_eq!(body["sha256"], hex_sha256(&pdf), "the hash is the PDF's");
        let id = body["id"].as_str().unwrap();
        let original = env
            .get(&format!("/api/v1/einvoices/{id}/original"), &clerk)
            .await;
        assert_eq!(original.content_type(), "application/pdf");
        assert_eq!(original.body.as_ref(), pdf.as_slice());
    }
}

#[tokio::test]
async fn rejected_documents_are_kept_with_their_report() {
    for env in envs().await {
        let clerk = env.token("a_clerk").to_owned();
        let res = env
            .post_xml("/api/v1/einvoices", &clerk, b"<<< kein XML")
            .await;
        assert_eq!(res.status, StatusCode::CREATED);
        let body = res.json();
        assert_eq!(body["verdict"], "reject");
        assert_eq!(body["status"], "rejected");
        assert_eq!(body["report"]["errors"][0]["id"], "VB-EINV-NOT-XML");
        assert!(body.get("clarification").is_none(), "{body}");
        assert_eq!(body["actions"], serde_json::json!([]));
        if let Some(xml) = invoice_to(A_LEITWEG_ID) {
            let broken = String::from_utf8(xml).unwrap().replacen(
                ">336.9</cbc:PayableAmount>",
                ">1336.9</cbc:PayableAmount>",
                1,
            );
            let body = env
                .post_xml("/api/v1/einvoices", &clerk, broken.as_bytes())
                .await
                .json();
            assert_eq!(body["status"], "rejected", "{}", env.label);
            let ids: Vec<&str> = body["report"]["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap())
                .collect();
            assert!(ids.contains(&"BR-CO-16"), "{ids:?}");
        }
    }
}

#[tokio::test]
async fn bad_intake_requests_get_a_problem_and_store_nothing() {
    for env in envs().await {
        let clerk = env.token("a_clerk").to_owned();
        let before = env.audit_total().await;
        let send = |content_type: Option<&str>, body: Vec<u8>, uri: &str| {
            let mut req = Request::builder()
                .method(Method::POST)
                .uri(uri)
                .header(header::AUTHORIZATION, format!("Bearer {clerk}"));
            if let Some(ct) = content_type {
                req = req.header(header::CONTENT_TYPE, ct);
            }
            env.send(req.body(Body::from(body)).unwrap())
        };
        send(Some("image/png"), b"\x89PNG".to_vec(), "/api/v1/einvoices")
            .await
            .assert_problem(415, "VB-0009");
        send(None, b"<x/>".to_vec(), "/api/v1/einvoices")
            .await
            .assert_problem(415, "VB-0009");
        send(Some("application/xml"), Vec::new(), "/api/v1/einvoices")
            .await
            .assert_problem(400, "VB-0001");
        send(
            Some("application/xml"),
            b"<x/>".to_vec(),
            "/api/v1/einvoices?file_name=a%0Ab",
        )
        .await
        .assert_problem(400, "VB-0003");
        send(
            Some("application/xml"),
            b"<x/>".to_vec(),
            "/api/v1/einvoices?mode=x",
        )
        .await
        .assert_problem(400, "VB-0003");
        let too_big = vec![b' '; 64 * 1024 * 1024 + 1];
        send(Some("application/xml"), too_big, "/api/v1/einvoices")
            .await
            .assert_problem(413, "VB-0002");
        env.post_xml("/api/v1/einvoices", env.token("a_auditor"), b"<x/>")
            .await
            .assert_problem(403, "VB-0005");
        for bad in ["nicht-uuid", "..%2F..%2Fetc"] {
            env.get(&format!("/api/v1/einvoices/{bad}"), &clerk)
                .await
                .assert_problem(400, "VB-0003");
        }
        assert_eq!(
            env.audit_total().await,
            before,
            "{}: something was written",
            env.label
        );
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn clerks_take_in_and_process_invoices_in_the_web_ui() {
    let Some(xml) = invoice_to(A_LEITWEG_ID) else {
        return;
    };
    for env in envs().await {
        let label = env.label;
        let mut clerk = env.login("clerk-a", common::PASSWORD).await;
        let csrf = clerk.csrf(&env).await;
        let form = clerk.get(&env, "/module/e-rechnung/hochladen").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("enctype=\"multipart/form-data\""));
        // Without the form token nothing is taken in.
        let forged = clerk
            .upload(
                &env,
                "/module/e-rechnung/hochladen",
                &[("csrf", "falsch")],
                ("datei", "r.xml", &xml),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{label}");
        // A PDF without an embedded invoice is kept, rejected with the reason.
        let pdf = clerk
            .upload(
                &env,
                "/module/e-rechnung/hochladen",
                &[("csrf", &csrf)],
                ("datei", "r.pdf", b"%PDF-1.7 ohne Anhang"),
            )
            .await;
        assert_eq!(pdf.status, StatusCode::SEE_OTHER, "{label}");
        let location = pdf.headers[axum::http::header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let page = clerk.get(&env, &location).await.text();
        assert!(
            page.contains("VB-EINV-PDF") && page.contains("keine eingebettete XML-Rechnung"),
            "{label}"
        );
        // Its rejection notice, a printable letter with the reasons.
        let notice = clerk.get(&env, &format!("{location}/bescheid")).await;
        assert_eq!(notice.status, StatusCode::OK);
        let letter = notice.text();
        assert!(
            letter.contains("Zurückweisung Ihrer elektronischen Rechnung")
                && letter.contains("VB-EINV-PDF")
                && letter.contains("Sächsische Testbehörde"),
            "{label}"
        );
        // Upload → the invoice page.
        let res = clerk
            .upload(
                &env,
                "/module/e-rechnung/hochladen",
                &[("csrf", &csrf)],
                ("datei", "rechnung.xml", &xml),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{label}: {}", res.text());
        let location = res.headers[axum::http::header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let page = clerk.get(&env, &location).await.text();
        for expected in [
            "Rechnung 123456XX",
            "gültig",
            "Geprüft (gültig)",
            "Prüfbericht",
            "Sachliche Prüfung beginnen",
            "rechnung.xml",
            "Person clerk-a",
        ] {
            assert!(page.contains(expected), "{label}: {expected} missing");
        }
        let id_for_notice = location.rsplit('/').next().unwrap();
        assert_eq!(
            clerk
                .get(
                    &env,
                    &format!("/module/e-rechnung/{id_for_notice}/bescheid")
                )
                .await
                .status,
            StatusCode::CONFLICT,
            "a valid invoice has no rejection notice"
        );
        // The full printable view, self-contained under its own strict policy.
        let view = clerk
            .get(&env, &format!("/module/e-rechnung/{id_for_notice}/ansicht"))
            .await;
        assert_eq!(view.status, StatusCode::OK);
        let policy = view.headers[axum::http::header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            policy.starts_with("default-src 'none'; style-src 'sha256-"),
            "{policy}"
        );
        assert!(
            view.text().contains("BT-1") && view.text().contains("123456XX"),
            "{label}"
        );
        // The workflow through the forms.
        let id = location.rsplit('/').next().unwrap().to_owned();
        for (action, shown) in [
            ("review", "In sachlicher Prüfung"),
            ("approve", "Freigegeben"),
            ("pay", "Bezahlt"),
        ] {
            let res = clerk
                .post(
                    &env,
                    &format!("/module/e-rechnung/{id}/schritt"),
                    &[("csrf", &csrf), ("action", action)],
                )
                .await;
            assert_eq!(
                res.status,
                StatusCode::SEE_OTHER,
                "{action}: {}",
                res.text()
            );
            let page = clerk
                .get(&env, &format!("/module/e-rechnung/{id}?erledigt=schritt"))
                .await
                .text();
            assert!(page.contains(shown), "{label}: {shown}");
        }
        let late = clerk
            .post(
                &env,
                &format!("/module/e-rechnung/{id}/schritt"),
                &[
                    ("csrf", &csrf),
                    ("action", "dispute"),
                    ("reason", "zu spät"),
                ],
            )
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        assert!(late.text().contains("nicht möglich"));
        // The original is the file as uploaded.
        let original = clerk
            .get(&env, &format!("/module/e-rechnung/{id}/original"))
            .await;
        assert_eq!(original.body.as_ref(), xml.as_slice());
        // A second upload of the same invoice is a clarification case; closing it needs a note.
        let again = clerk
            .upload(
                &env,
                "/module/e-rechnung/hochladen",
                &[("csrf", &csrf)],
                ("datei", "nochmal.xml", &xml),
            )
            .await;
        let again_at = again.headers[axum::http::header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let page = clerk.get(&env, &again_at).await.text();
        assert!(
            page.contains("Klärungsfall") && page.contains("Dublettenverdacht"),
            "{label}"
        );
        let queue = clerk
            .get(&env, "/module/e-rechnung?ansicht=klaerung")
            .await
            .text();
        assert!(queue.contains(again_at.rsplit('/').next().unwrap()));
        let closed = clerk
            .post(
                &env,
                &format!("{again_at}/klaerung"),
                &[("csrf", &csrf), ("note", "Doppelt gesendet, abgelegt")],
            )
            .await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER);
        let page = clerk
            .get(&env, &format!("{again_at}?erledigt=klaerung"))
            .await
            .text();
        assert!(
            page.contains("Klärung abgeschlossen") && page.contains("Doppelt gesendet, abgelegt")
        );
        // An invoice for B is forwarded, and the page says so.
        let to_b = invoice_to(B_LEITWEG_ID).unwrap();
        let routed = clerk
            .upload(
                &env,
                "/module/e-rechnung/hochladen",
                &[("csrf", &csrf)],
                ("datei", "b.xml", &to_b),
            )
            .await;
        assert_eq!(routed.status, StatusCode::OK);
        assert!(routed.text().contains("Bayerische Testbehörde"), "{label}");
        // Auditors read, but see no forms.
        let mut auditor = env.login("auditor-a", common::PASSWORD).await;
        let page = auditor
            .get(&env, &format!("/module/e-rechnung/{id}"))
            .await
            .text();
        assert!(
            page.contains("Bezahlt") && !page.contains("/schritt"),
            "{label}"
        );
        assert_eq!(
            auditor
                .get(&env, "/module/e-rechnung/hochladen")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}
