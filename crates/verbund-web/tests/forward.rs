//! Forwarding a clarification case can never lose its original: not when the store refuses
//! (the own authority, no note), not when forwards race in one process or in two, and the
//! sweeper removes what a failed copy left behind without touching what rows reference.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Env, envs, invoice_to};
use tower::ServiceExt;

/// A Leitweg-ID with a valid check digit that no authority of the test node has: the invoice
/// is accepted and waits in the receiver's clarification queue.
const UNKNOWN_LEITWEG_ID: &str = "04011000-1234512345-06";

/// A clarification case in `sn-a`'s inbox; its id and the original's bytes.
async fn clarification_case(env: &Env) -> Option<(String, Vec<u8>)> {
    let xml = invoice_to(UNKNOWN_LEITWEG_ID)?;
    let res = env
        .post_xml("/api/v1/einvoices", env.token("a_clerk"), &xml)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let body = res.json();
    assert!(body["clarification"].is_string(), "{body}");
    Some((body["id"].as_str().unwrap().to_owned(), xml))
}

fn forward_request(env: &Env, id: &str, to: &str, note: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/einvoices/{id}/forward"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", env.token("a_clerk")),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({ "authority_id": to, "note": note }).to_string(),
        ))
        .unwrap()
}

/// Where the original is readable now, and that it is the same bytes.
async fn assert_original_kept(env: &Env, id: &str, xml: &[u8], at: &str) {
    let res = env
        .get(&format!("/api/v1/einvoices/{id}/original"), env.token(at))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}: original lost", env.label);
    assert_eq!(res.body.as_ref(), xml, "{}", env.label);
    let view = env
        .get(&format!("/api/v1/einvoices/{id}"), env.token(at))
        .await
        .json();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(xml));
    assert_eq!(view["sha256"], sha.as_str());
}

fn originals(env: &Env) -> Vec<String> {
    env.blob_files()
        .into_iter()
        .filter(|f| f.ends_with("original.xml"))
        .collect()
}

#[tokio::test]
async fn a_refused_forward_leaves_the_original_alone() {
    for env in envs().await {
        let Some((id, xml)) = clarification_case(&env).await else {
            return;
        };
        // The review's attack: the own authority as target (or a blank note) made the store
        // refuse after the copy, and the cleanup deleted the only copy.
        for (to, note, status) in [
            ("sn-a", "zu mir", 409),
            ("by-b", "   ", 409),
            ("xx-gibt-es-nicht", "weg", 404),
        ] {
            let res = env.send(forward_request(&env, &id, to, note)).await;
            assert_eq!(
                res.status.as_u16(),
                status,
                "{}: {to}: {}",
                env.label,
                res.text()
            );
            assert_original_kept(&env, &id, &xml, "a_clerk").await;
        }
        assert_eq!(
            originals(&env).len(),
            1,
            "{}: {:?}",
            env.label,
            env.blob_files()
        );
    }
}

async fn race(apps: &[Router], env: &Env, id: &str, n: usize) -> Vec<StatusCode> {
    let requests: Vec<_> = (0..n)
        .map(|i| {
            let app = apps[i % apps.len()].clone();
            let req = forward_request(env, id, "by-b", "gehört nach Bayern");
            tokio::spawn(async move { app.oneshot(req).await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for r in requests {
        statuses.push(r.await.unwrap());
    }
    statuses
}

/// Two and eight forwards of one invoice at once (a double click, a retrying client): one
/// moves it, the others change nothing, and the original is at the target.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_forwards_keep_the_original() {
    for env in envs().await {
        for n in [2, 8] {
            let Some((id, xml)) = clarification_case(&env).await else {
                return;
            };
            let before = originals(&env).len();
            let statuses = race(std::slice::from_ref(&env.app), &env, &id, n).await;
            let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
            assert_eq!(won, 1, "{} n={n}: {statuses:?}", env.label);
            assert!(
                statuses.iter().all(|s| [
                    StatusCode::OK,
                    StatusCode::NOT_FOUND,
                    StatusCode::CONFLICT
                ]
                .contains(s)),
                "{statuses:?}"
            );
            assert_original_kept(&env, &id, &xml, "b_clerk").await;
            // The losers' copies went again, and so did the source copy.
            assert_eq!(
                originals(&env).len(),
                before,
                "{} n={n}: {:?}",
                env.label,
                env.blob_files()
            );
        }
    }
}

/// One forward to each of two server processes on the same database and blob store.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forwards_to_two_processes_keep_the_original() {
    for env in envs().await {
        let apps = [env.app.clone(), env.second_process().await];
        for _ in 0..5 {
            let Some((id, xml)) = clarification_case(&env).await else {
                return;
            };
            let statuses = race(&apps, &env, &id, 2).await;
            assert_eq!(
                statuses.iter().filter(|s| **s == StatusCode::OK).count(),
                1,
                "{}: {statuses:?}",
                env.label
            );
            assert_original_kept(&env, &id, &xml, "b_clerk").await;
        }
        let report = verbund_store::audit::verify(&env.store).await.unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
}
