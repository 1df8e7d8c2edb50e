//! The `verbund` binary over real sockets: demo, tokens, audit verification, configuration,
//! migrations and graceful shutdown, on SQLite and (when configured) PostgreSQL.

mod common;

use common::{Server, backends, cli};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_serves_and_cli_tokens_open_the_api() {
    for db in backends().await {
        let server = Server::start("demo", db.clone());
        assert_eq!(server.http("GET", "/anmelden", None, None).unwrap().0, 200);
        let (status, body) = server
            .http("GET", "/api/v1/governments", None, None)
            .unwrap();
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("VB-0004"));
        let out = server.cli(&[
            "admin",
            "token",
            "create",
            "--authority",
            "sn-sid",
            "--role",
            "administrator",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let token = stdout(&out).trim().to_owned();
        assert!(token.starts_with("vbt_"));
        let (status, body) = server
            .http("GET", "/api/v1/governments", Some(&token), None)
            .unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(
            body.contains("\"Bayern\"")
                && body.contains("\"Thüringen\"")
                && body.contains("\"Bund\"")
        );
        let (_, body) = server
            .http("GET", "/api/v1/authorities?limit=200", Some(&token), None)
            .unwrap();
        for id in [
            "by-stmd",
            "sn-sid",
            "sn-pd-zwickau",
            "by-pp-oberfranken",
            "th-landeshauptkasse",
            "nw-stk",
            "bund-bmds",
        ] {
            assert!(body.contains(id), "{id} missing from the demo directory");
        }
        let (status, body) = server
            .http("GET", "/api/v1/openapi.json", None, None)
            .unwrap();
        assert_eq!(status, 200);
        assert!(body.contains("\"openapi\": \"3.1.0\""));
        // Revocation through the CLI.
        let me = server
            .http("GET", "/api/v1/me", Some(&token), None)
            .unwrap()
            .1;
        let id = me
            .split("\"token_id\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let out = server.cli(&[
            "admin",
            "token",
            "revoke",
            "--authority",
            "sn-sid",
            "--id",
            &id,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        // On PostgreSQL the server learns of the revocation by a notification, which takes
        // a moment to arrive; it must arrive (the token cache never expires it this fast).
        let refused = (0..40).any(|_| {
            let status = server
                .http("GET", "/api/v1/me", Some(&token), None)
                .unwrap()
                .0;
            status == 401 || {
                std::thread::sleep(std::time::Duration::from_millis(25));
                false
            }
        });
        assert!(refused, "the revoked token was still accepted after 1 s");
        let (status, stderr_text, _) = server.stop();
        assert!(status.success(), "graceful shutdown failed: {stderr_text}");
        assert!(stderr_text.contains("shutting down"), "{stderr_text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_data_loads_idempotently() {
    for db in backends().await {
        let first = Server::start("demo", db.clone());
        let port = first.port;
        let (_, _, data_dir) = first.stop();
        let dir = data_dir.path().to_path_buf();
        // Second start on the same database: no conflict, same data.
        let out = cli(&dir, db.as_deref(), &["admin", "authority", "list"]);
        let before = stdout(&out);
        let mut cmd = std::process::Command::new(common::BIN);
        cmd.args(["demo", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&dir);
        if let Some(url) = &db {
            cmd.arg("--database-url").arg(url);
        }
        let child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "second demo start failed: {}",
            stderr(&out)
        );
        let after = stdout(&cli(&dir, db.as_deref(), &["admin", "authority", "list"]));
        assert_eq!(before, after);
        assert_eq!(before.lines().count(), 19);
        // The demo invoices went through the intake once: routed, validated, one to clarify.
        let url = db
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.join("verbund.db").display()));
        let store = connect(&url).await;
        let kasse = verbund_core::AuthorityId::new("th-landeshauptkasse").unwrap();
        let inbox = store
            .tenant(&kasse)
            .einvoices()
            .list(verbund_store::einvoices::Filter::All, None, 50)
            .await
            .unwrap()
            .items;
        let mut seen: Vec<(String, &str, bool)> = inbox
            .iter()
            .map(|e| {
                (
                    e.file_name.clone().unwrap_or_default(),
                    e.verdict.as_str(),
                    e.clarification.is_some(),
                )
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("RE-2026-0417.xml".to_owned(), "accept", false),
                ("RE-2026-0420.xml".to_owned(), "accept", false),
                ("RE-2026-0431.xml".to_owned(), "reject", false),
                ("RE-2026-0433.xml".to_owned(), "accept", true),
            ]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_verify_detects_tampering_and_exits_nonzero() {
    for db in backends().await {
        let dir = tempfile::tempdir().unwrap();
        let url = db.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("verbund.db").display()
            )
        });
        let run = |args: &[&str]| cli(dir.path(), Some(&url), args);
        for args in [
            "admin authority create --id sn-test --name Test --government 14 --street Hauptweg \
             --postal-code 01097 --city Dresden",
            "admin token create --authority sn-test --role clerk",
            "admin token create --authority sn-test --role auditor",
        ] {
            let args: Vec<&str> = args.split_whitespace().collect();
            let out = run(&args);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        }
        let ok = run(&["audit", "verify"]);
        assert!(ok.status.success(), "{}", stdout(&ok));
        assert!(
            stdout(&ok).contains("3 entries, 0 checkpoints checked: intact")
                && stdout(&ok).contains("no checkpoint key"),
            "{}",
            stdout(&ok)
        );
        let signed = run(&["audit", "checkpoint"]);
        assert!(signed.status.success(), "{}", stderr(&signed));
        assert!(
            stdout(&signed).contains("checkpoint of 1 chain heads"),
            "{}",
            stdout(&signed)
        );
        let ok = run(&["audit", "verify"]);
        assert!(
            ok.status.success() && stdout(&ok).contains("3 entries, 1 checkpoints checked: intact"),
            "{}",
            stdout(&ok)
        );
        let store = connect(&url).await;
        verbund_store::testing::testing_sql(
            &store,
            "UPDATE audit_log SET actor = 'system:someone-else' WHERE seq = 2",
        )
        .await;
        let bad = run(&["audit", "verify"]);
        assert_eq!(bad.status.code(), Some(1));
        assert!(
            stdout(&bad).contains("TAMPERED sn-test #2"),
            "{}",
            stdout(&bad)
        );
        let json = run(&["audit", "verify", "--json"]);
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(report["problems"][0]["seq"], 2);
        // Truncated and the head reset: the chain alone is consistent, the checkpoint is not.
        verbund_store::testing::testing_sql(&store, "DELETE FROM audit_log WHERE seq = 3").await;
        verbund_store::testing::testing_sql(
            &store,
            "UPDATE audit_log SET actor = 'system:cli' WHERE seq = 2",
        )
        .await;
        verbund_store::testing::testing_sql(
            &store,
            "UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)",
        )
        .await;
        let truncated = run(&["audit", "verify"]);
        assert_eq!(truncated.status.code(), Some(1), "{}", stdout(&truncated));
        assert!(
            stdout(&truncated).contains("truncated"),
            "{}",
            stdout(&truncated)
        );
    }
}

#[test]
fn config_example_is_valid_and_errors_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::process::Command::new(common::BIN)
        .args(["config", "example"])
        .output()
        .unwrap();
    assert!(example.status.success());
    let path = dir.path().join("verbund.toml");
    std::fs::write(&path, &example.stdout).unwrap();
    let check = std::process::Command::new(common::BIN)
        .args(["config", "check", "--config"])
        .arg(&path)
        .env_remove("VERBUND_DATABASE_URL")
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).starts_with("configuration OK"));
    std::fs::write(
        &path,
        "listen = \"x\"\nunknown_key = 1\nlog_format = \"xml\"\n",
    )
    .unwrap();
    let check = std::process::Command::new(common::BIN)
        .args(["config", "check", "--config"])
        .arg(&path)
        .env("VERBUND_PAGE_SIZE_MAX", "-1")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let err = stderr(&check);
    assert!(err.contains("4 problem(s)"), "{err}");
    for needle in [
        "listen",
        "unknown_key",
        "log_format",
        "VERBUND_PAGE_SIZE_MAX",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // Usage errors exit with 2 (clap).
    let usage = std::process::Command::new(common::BIN)
        .args(["serve", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
    for sub in [
        &["serve", "--help"][..],
        &["demo", "--help"],
        &["admin", "token", "create", "--help"],
        &["audit", "verify", "--help"],
    ] {
        let help = std::process::Command::new(common::BIN)
            .args(sub)
            .output()
            .unwrap();
        assert!(help.status.success(), "{sub:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_refuses_a_database_from_a_newer_version() {
    for db in backends().await {
        let dir = tempfile::tempdir().unwrap();
        let url = db.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("verbund.db").display()
            )
        });
        let out = cli(dir.path(), Some(&url), &["migrate"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("0001 platform: applied"),
            "{}",
            stdout(&out)
        );
        let store = connect(&url).await;
        verbund_store::testing::pretend_newer_binary_migrated(&store).await;
        let out = cli(
            dir.path(),
            Some(&url),
            &["serve", "--listen", "127.0.0.1:0"],
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("newer than this binary"),
            "{}",
            stderr(&out)
        );
    }
}

/// Logs in through a server's form (without following redirects) and returns the session
/// cookie, or the status when the login did not succeed.
fn form_login(server: &Server, username: &str, password: &str) -> Result<String, u16> {
    use std::io::{Read, Write};
    let page = raw(
        server,
        "GET /anmelden HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let body = format!("username={username}&password={password}&csrf={csrf}");
    let req = format!(
        "POST /anmelden HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: verbund_login_csrf={csrf}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut res = String::new();
    s.read_to_string(&mut res).unwrap();
    let status: u16 = res.split(' ').nth(1).unwrap().parse().unwrap();
    res.lines()
        .find_map(|l| l.strip_prefix("set-cookie: verbund_session="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .ok_or(status)
}

fn raw(server: &Server, req: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut res = String::new();
    s.read_to_string(&mut res).unwrap();
    res
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_share_sessions_and_login_guards_through_the_database() {
    for db in backends().await {
        let first = Server::start("demo", db.clone());
        // The second process uses the first one's database (SQLite file or PostgreSQL).
        let url = db.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                first.dir.path().join("verbund.db").display()
            )
        });
        let second = Server::start("serve", Some(url));
        // A session made by one process is valid on the other.
        let cookie = form_login(&first, "anna.admin", "Verbund-Demo-2026").expect("login");
        let page = raw(
            &second,
            &format!(
                "GET /verwaltung/benutzer HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: verbund_session={cookie}\r\n\r\n"
            ),
        );
        assert!(
            page.starts_with("HTTP/1.1 200"),
            "{}",
            &page[..page.len().min(300)]
        );
        assert!(page.contains("anna.admin"));
        // Failed logins on both processes add up in one guard: the next attempt waits.
        for server in [&first, &second, &first, &second, &first] {
            assert_eq!(
                form_login(server, "ben.kasse", "falsches-passwort"),
                Err(401)
            );
        }
        assert_eq!(
            form_login(&second, "ben.kasse", "Verbund-Demo-2026"),
            Err(429),
            "login guard not shared"
        );
    }
}

#[test]
fn shutdown_finishes_requests_in_flight() {
    use std::io::{Read, Write};
    let server = Server::start("demo", None);
    let out = server.cli(&[
        "admin",
        "token",
        "create",
        "--authority",
        "sn-sid",
        "--role",
        "administrator",
    ]);
    let token = stdout(&out).trim().to_owned();
    let body = r#"{"name":"in-flight","role":"clerk"}"#;
    let (head, tail) = body.split_at(10);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    )
    .unwrap();
    s.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SIGTERM while the request body is still arriving.
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(server.child.id().to_string())
        .status();
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.write_all(tail.as_bytes()).unwrap();
    let mut res = String::new();
    s.read_to_string(&mut res).unwrap();
    assert!(
        res.starts_with("HTTP/1.1 201"),
        "in-flight request was cut: {res}"
    );
    // New connections are refused once the server has drained.
    let (status, _, _) = server.stop();
    assert!(status.success());
}

/// Half-sent headers, an idle keep-alive connection and a body that trickles in are cut off
/// by the server's bounds; while slow connections hold every slot, the next request waits
/// for a slot instead of failing, and gets its answer once the bounds free one.
#[test]
fn slow_clients_are_cut_off() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let server = common::Server::start_with(
        "serve",
        None,
        &[
            ("VERBUND_HEADER_READ_TIMEOUT_SECONDS", "1"),
            ("VERBUND_REQUEST_TIMEOUT_SECONDS", "2"),
            ("VERBUND_CONNECTIONS_MAX", "3"),
        ],
    );
    let connect = || {
        let s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s
    };
    let answer_of = |mut s: std::net::TcpStream| {
        let started = Instant::now();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        (
            String::from_utf8_lossy(&out).into_owned(),
            started.elapsed(),
        )
    };
    // Headers that never end: closed after about a second (hyper answers 408 or just closes).
    let mut half = connect();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // Idle after one request on a keep-alive connection: closed too.
    let mut idle = connect();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    // A form body that stops arriving: the request deadline answers 408 with a page.
    let mut slow = connect();
    slow.write_all(
        b"POST /anmelden HTTP/1.1\r\nHost: x\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=",
    )
    .unwrap();
    // All three slots are taken; this one waits in the backlog until the bounds free one.
    let waiting = connect();
    (&waiting)
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (text, took) = answer_of(half);
    assert!(
        took < Duration::from_secs(5),
        "half-sent headers kept {took:?}: {text}"
    );
    let (text, took) = answer_of(idle);
    assert!(
        text.starts_with("HTTP/1.1 200") && took < Duration::from_secs(5),
        "idle kept {took:?}"
    );
    let (text, took) = answer_of(slow);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.contains("VB-0408") && took < Duration::from_secs(6),
        "{took:?} {text}"
    );
    let (text, _) = answer_of(waiting);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "the waiting request: {text}"
    );
}

/// SIGTERM while an upload's validation runs: the process ends within the grace period
/// instead of living on until the blocking work is done (the review saw 226 s).
#[test]
fn shutdown_does_not_wait_for_blocking_work() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let server =
        common::Server::start_with("demo", None, &[("VERBUND_SHUTDOWN_GRACE_SECONDS", "1")]);
    let out = server.cli(&[
        "admin",
        "token",
        "create",
        "--authority",
        "th-landeshauptkasse",
        "--role",
        "clerk",
    ]);
    let token = stdout(&out).trim().to_owned();
    // Large enough that validating it takes far longer than the grace period in this build.
    let xml = verbund_einvoice::sample::ubl_invoice(&verbund_einvoice::sample::Sample {
        number: "GROSS-1",
        issue_date: "2026-11-20",
        leitweg_id: "16-LHK001-89",
        buyer_name: "Landeshauptkasse",
        lines: 75_000,
    });
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        s,
        "POST /api/v1/einvoices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/xml\r\nContent-Length: {}\r\n\r\n",
        xml.len()
    )
    .unwrap();
    s.write_all(xml.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let started = Instant::now();
    let (status, stderr_text, _) = server.stop();
    let took = started.elapsed();
    assert!(status.success(), "{stderr_text}");
    assert!(
        took < Duration::from_secs(4),
        "the process lived on for {took:?}"
    );
}

/// The database a CLI or server process of these tests used, opened in the test.
async fn connect(url: &str) -> verbund_store::Store {
    verbund_store::Store::connect(
        url,
        std::sync::Arc::new(verbund_core::SystemClock),
        verbund_core::Limits::default(),
    )
    .await
    .unwrap()
}
