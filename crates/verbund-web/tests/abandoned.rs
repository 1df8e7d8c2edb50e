//! Abandoned uploads and concurrent views stay within the node's validation bound: a permit
//! belongs to the blocking job, so a client that goes away (or a request deadline) does not
//! free it while the job runs on. The review saw 8 CPU-bound jobs at once with 2 permits, and
//! views without any permit. One test in its own binary: the counter is per process.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, header};
use common::{A_LEITWEG_ID, envs};
use tower::ServiceExt;
use verbund_einvoice::sample::{Sample, ubl_invoice};
use verbund_web::intake::{validation_permits, validations_running};

/// Samples the number of running validations until none runs, and returns the most seen.
async fn most_running_until_idle() -> usize {
    let mut most = 0;
    let mut idle_for = 0;
    while idle_for < 20 {
        let now = validations_running();
        most = most.max(now);
        idle_for = if now == 0 { idle_for + 1 } else { 0 };
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    most
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn abandoned_uploads_and_concurrent_views_keep_to_the_permits() {
    let xml = ubl_invoice(&Sample {
        number: "GROSS-1",
        issue_date: "2026-11-20",
        leitweg_id: A_LEITWEG_ID,
        buyer_name: "Sächsische Testbehörde",
        lines: 4000,
    });
    for env in envs().await {
        let token = env.token("a_clerk").to_owned();
        // Six uploads whose clients give up after 20 ms, while validation has just begun.
        for _ in 0..6 {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/einvoices")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/xml")
                .body(Body::from(xml.clone()))
                .unwrap();
            let app = env.app.clone();
            let _ = tokio::time::timeout(Duration::from_millis(20), app.oneshot(req)).await;
        }
        let most = most_running_until_idle().await;
        assert!(
            most >= 1,
            "{}: the abandoned jobs should still run",
            env.label
        );
        assert!(
            most <= validation_permits(),
            "{}: {most} validations at once with {} permits",
            env.label,
            validation_permits()
        );
        // One stored, then viewed four times at once.
        let stored = env
            .post_xml("/api/v1/einvoices", &token, xml.as_bytes())
            .await
            .json();
        let id = stored["id"].as_str().unwrap().to_owned();
        let clerk = env.login("clerk-a", common::PASSWORD).await;
        let cookie = clerk.cookie_header();
        let views: Vec<_> = (0..4)
            .map(|_| {
                let req = Request::builder()
                    .uri(format!("/module/e-rechnung/{id}/ansicht"))
                    .header(header::COOKIE, cookie.clone())
                    .body(Body::empty())
                    .unwrap();
                tokio::spawn(env.app.clone().oneshot(req))
            })
            .collect();
        let most = most_running_until_idle().await;
        for view in views {
            assert_eq!(view.await.unwrap().unwrap().status(), 200);
        }
        assert!(
            most <= validation_permits(),
            "{}: {most} views at once",
            env.label
        );
    }
}
