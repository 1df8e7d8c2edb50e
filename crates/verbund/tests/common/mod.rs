//! Runs the real `verbund` binary: a server on a free loopback port with its own data
//! directory, and one-shot CLI commands against the same database.
#![allow(dead_code)] // each test file uses a different part

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_verbund");

/// A running `verbund serve` or `verbund demo`.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    /// Starts `verbund <command>` (serve or demo) and waits until `/healthz` answers.
    pub fn start(command: &str, database_url: Option<String>) -> Self {
        Self::start_with(command, database_url, &[])
    }

    /// [`Server::start`] with settings as `VERBUND_*` environment variables.
    pub fn start_with(command: &str, database_url: Option<String>, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut cmd = Command::new(BIN);
        cmd.arg(command)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data-dir")
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("VERBUND_DATABASE_URL")
            .envs(env.iter().copied());
        if let Some(url) = &database_url {
            cmd.arg("--database-url").arg(url);
        }
        let child = cmd.spawn().expect("start verbund");
        let server = Self {
            child,
            port,
            dir,
            database_url,
        };
        let deadline = Instant::now() + Duration::from_mins(1);
        while Instant::now() < deadline {
            if server.http("GET", "/healthz", None, None).map(|r| r.0) == Some(200) {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100 /* ms */));
        }
        panic!("verbund {command} did not become healthy");
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One HTTP/1.1 request over a fresh connection; `None` if the connection fails.
    pub fn http(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .ok()?;
        let mut req =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if let Some(t) = token {
            let _ = write!(req, "Authorization: Bearer {t}\r\n");
        }
        let body = body.unwrap_or("");
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        let _ = write!(req, "Content-Length: {}\r\n\r\n{body}", body.len());
        stream.write_all(req.as_bytes()).ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).ok()?;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text.split(' ').nth(1)?.parse().ok()?;
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        Some((status, body))
    }

    /// Runs a CLI command against this server's database.
    pub fn cli(&self, args: &[&str]) -> Output {
        cli(self.dir.path(), self.database_url.as_deref(), args)
    }

    /// Sends SIGTERM and waits for the process; returns its exit status and stderr, and
    /// hands back the data directory so the caller can keep using it.
    pub fn stop(mut self) -> (std::process::ExitStatus, String, tempfile::TempDir) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        (status, err, dir)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `verbund` with a data directory (and database URL) and returns its output.
pub fn cli(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("VERBUND_DATABASE_URL");
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    cmd.output().expect("run verbund")
}

/// The database URLs to run against: SQLite (in the data dir) and, when configured, a
/// fresh PostgreSQL database.
pub async fn backends() -> Vec<Option<String>> {
    let mut out = vec![None];
    match verbund_store::testing::postgres_url().await {
        Some(url) => out.push(Some(url)),
        None => verbund_store::testing::skip_postgres(),
    }
    out
}

/// Whether CI demands that nothing is skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}
