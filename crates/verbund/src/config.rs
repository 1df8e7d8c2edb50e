//! The node's configuration: defaults < `verbund.toml` < `VERBUND_*` environment < flags.
//!
//! Every setting is one entry of [`FIELDS`], which carries its name, documentation, default
//! and parser. Loading goes through all of them and collects every error before reporting,
//! and `verbund config example` prints the commented sample from the same table, so the
//! documentation cannot drift from the code. (A serde struct with `deny_unknown_fields` would
//! stop at the first error; the table is how this crate reports all of them at once.)

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use verbund_core::Limits;
use verbund_store::blobs::BlobLocation;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub public_url: String,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub ops_listen: Option<SocketAddr>,
    pub header_read_timeout_seconds: u64,
    pub request_timeout_seconds: u64,
    pub connections_max: usize,
    pub metrics_token: Option<String>,
    pub log_format: LogFormat,
    pub log_level: String,
    pub blob_store: Option<String>,
    pub s3_endpoint: Option<String>,
    pub shutdown_grace_seconds: u64,
    pub blob_sweep_grace_seconds: i64,
    pub audit_key_file: Option<PathBuf>,
    pub audit_checkpoints: Option<String>,
    pub audit_checkpoint_interval_seconds: u64,
    pub housekeeping_interval_seconds: u64,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./verbund-data"),
            database_url: None,
            public_url: "http://127.0.0.1:8080".to_owned(),
            trusted_proxies: Vec::new(),
            ops_listen: None,
            header_read_timeout_seconds: 10,
            request_timeout_seconds: 300,
            connections_max: 1024,
            metrics_token: None,
            log_format: LogFormat::Text,
            log_level: "info".to_owned(),
            blob_store: None,
            s3_endpoint: None,
            shutdown_grace_seconds: 30,
            blob_sweep_grace_seconds: 24 * 60 * 60,
            audit_key_file: None,
            audit_checkpoints: None,
            audit_checkpoint_interval_seconds: 60 * 60,
            housekeeping_interval_seconds: 60 * 60,
            limits: Limits::default(),
        }
    }
}

type Apply = fn(&mut Config, &str) -> Result<(), String>;

/// One setting.
pub struct Field {
    /// Key in `verbund.toml`; the environment variable is `VERBUND_<KEY>` in capitals.
    pub key: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// The default, as written in the sample file.
    pub default: &'static str,
    /// Whether the value is a secret (never printed; also accepted as `<key>_file`).
    pub secret: bool,
    apply: Apply,
}

fn parse_num<T: std::str::FromStr>(v: &str, what: &str) -> Result<T, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("expected {what}, got {v:?}"))
}

fn positive(v: &str) -> Result<i64, String> {
    let n: i64 = parse_num(v, "a positive whole number")?;
    if n > 0 {
        Ok(n)
    } else {
        Err(format!("must be positive, got {n}"))
    }
}

/// A store location setting: empty for the default, `file:///path` or `s3://bucket`.
fn store_location(v: &str) -> Result<Option<String>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if !(v.starts_with("file:///") || (v.starts_with("s3://") && v.len() > 5)) {
        return Err("must be file:///path or s3://bucket".into());
    }
    Ok(Some(v.to_owned()))
}

/// All settings, in the order of the sample file.
pub static FIELDS: &[Field] = &[
    Field {
        key: "listen",
        doc: "Address and port the HTTP server listens on.",
        default: "\"127.0.0.1:8080\"",
        secret: false,
        apply: |c, v| {
            c.listen = parse_num(v, "an address such as 127.0.0.1:8080")?;
            Ok(())
        },
    },
    Field {
        key: "data_dir",
        doc: "Directory for the embedded SQLite database and local blobs.",
        default: "\"./verbund-data\"",
        secret: false,
        apply: |c, v| {
            if v.trim().is_empty() {
                return Err("must not be empty".into());
            }
            c.data_dir = PathBuf::from(v);
            Ok(())
        },
    },
    Field {
        key: "database_url",
        doc: "Database: empty for SQLite in data_dir, or postgres://user:password@host/db.",
        default: "\"\"",
        secret: true,
        apply: |c, v| {
            let v = v.trim();
            if v.is_empty() {
                c.database_url = None;
                return Ok(());
            }
            if !(v.starts_with("sqlite:")
                || v.starts_with("postgres://")
                || v.starts_with("postgresql://"))
            {
                return Err("must start with sqlite: or postgres://".into());
            }
            c.database_url = Some(v.to_owned());
            Ok(())
        },
    },
    Field {
        key: "public_url",
        doc: "The URL people use to reach this node; https:// makes cookies Secure and sends \
              Strict-Transport-Security.",
        default: "\"http://127.0.0.1:8080\"",
        secret: false,
        apply: |c, v| {
            let u = url::Url::parse(v).map_err(|e| format!("not a URL: {e}"))?;
            if !matches!(u.scheme(), "http" | "https") {
                return Err("must be http:// or https://".into());
            }
            v.trim_end_matches('/').clone_into(&mut c.public_url);
            Ok(())
        },
    },
    Field {
        key: "trusted_proxies",
        doc: "Reverse proxies (comma-separated addresses or networks, such as 10.0.0.0/8) whose \
              X-Forwarded-For names the client; empty: the socket peer is the client.",
        default: "\"\"",
        secret: false,
        apply: |c, v| {
            c.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<ipnet::IpNet>()
                        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| format!("not an address or network: {s:?}"))
                })
                .collect::<Result<_, _>>()?;
            Ok(())
        },
    },
    Field {
        key: "ops_listen",
        doc: "Address of the operations listener (/healthz, /readyz, /metrics without \
              authentication), such as 127.0.0.1:9090; empty: none.",
        default: "\"\"",
        secret: false,
        apply: |c, v| {
            c.ops_listen = if v.trim().is_empty() {
                None
            } else {
                Some(parse_num(v, "an address such as 127.0.0.1:9090")?)
            };
            Ok(())
        },
    },
    Field {
        key: "metrics_token",
        doc: "Bearer token for /metrics on the public listener; empty: /metrics is only on \
              ops_listen.",
        default: "\"\"",
        secret: true,
        apply: |c, v| {
            let v = v.trim();
            c.metrics_token = (!v.is_empty()).then(|| v.to_owned());
            Ok(())
        },
    },
    Field {
        key: "log_format",
        doc: "Log format: text or json.",
        default: "\"text\"",
        secret: false,
        apply: |c, v| {
            c.log_format = match v {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => return Err("must be text or json".into()),
            };
            Ok(())
        },
    },
    Field {
        key: "log_level",
        doc: "Log filter, e.g. info, warn, or verbund_web=debug,info.",
        default: "\"info\"",
        secret: false,
        apply: |c, v| {
            tracing_subscriber::EnvFilter::try_new(v).map_err(|e| e.to_string())?;
            v.clone_into(&mut c.log_level);
            Ok(())
        },
    },
    Field {
        key: "blob_store",
        doc: "Blob storage: empty for <data_dir>/blobs, file:///path, or s3://bucket (credentials from AWS_* variables).",
        default: "\"\"",
        secret: false,
        apply: |c, v| {
            c.blob_store = store_location(v)?;
            Ok(())
        },
    },
    Field {
        key: "s3_endpoint",
        doc: "Endpoint of an S3-compatible store (MinIO, Ceph, Garage); empty for AWS.",
        default: "\"\"",
        secret: false,
        apply: |c, v| {
            c.s3_endpoint = (!v.trim().is_empty()).then(|| v.trim().to_owned());
            Ok(())
        },
    },
    Field {
        key: "shutdown_grace_seconds",
        doc: "How long a shutdown waits for requests in flight.",
        default: "30",
        secret: false,
        apply: |c, v| {
            c.shutdown_grace_seconds = parse_num(v, "a whole number of seconds")?;
            Ok(())
        },
    },
    Field {
        key: "header_read_timeout_seconds",
        doc: "A connection is closed when a request's headers are not complete this long after \
              it became ready for them (so also after this long idle between requests).",
        default: "10",
        secret: false,
        apply: |c, v| {
            c.header_read_timeout_seconds = positive(v)?.unsigned_abs();
            Ok(())
        },
    },
    Field {
        key: "request_timeout_seconds",
        doc: "The longest one request may take, reading its body included (408, nothing \
              stored). At 300 s a 64 MiB invoice needs about 220 KiB/s.",
        default: "300",
        secret: false,
        apply: |c, v| {
            c.request_timeout_seconds = positive(v)?.unsigned_abs();
            Ok(())
        },
    },
    Field {
        key: "connections_max",
        doc: "Connections open at once per listener; beyond it new ones wait in the backlog \
              (keep it below the process's file descriptor limit).",
        default: "1024",
        secret: false,
        apply: |c, v| {
            c.connections_max = usize::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "audit_key_file",
        doc: "The Ed25519 key that signs audit checkpoints (64 hex digits; `verbund audit \
              keygen`); empty for <data_dir>/audit-signing.key, made on first start. In \
              production keep it where the database operator cannot read it.",
        default: "\"\"",
        secret: false,
        apply: |c, v| {
            let v = v.trim();
            c.audit_key_file = (!v.is_empty()).then(|| PathBuf::from(v));
            Ok(())
        },
    },
    Field {
        key: "audit_checkpoints",
        doc: "Where signed audit checkpoints are kept, write-once: empty for \
              <data_dir>/audit-checkpoints, file:///path, or s3://bucket (with object lock or \
              versioning, out of the database operator's reach).",
        default: "\"\"",
        secret: false,
        apply: |c, v| {
            c.audit_checkpoints = store_location(v)?;
            Ok(())
        },
    },
    Field {
        key: "audit_checkpoint_interval_seconds",
        doc: "How often serve signs a checkpoint of every audit chain head (one process of the \
              node at a time); 0 turns it off.",
        default: "3600",
        secret: false,
        apply: |c, v| {
            c.audit_checkpoint_interval_seconds = parse_num(v, "a whole number of seconds")?;
            Ok(())
        },
    },
    Field {
        key: "blob_sweep_grace_seconds",
        doc: "Blobs that no record references, and temporary files of interrupted writes, \
              are removed once older than this (longer than any upload takes).",
        default: "86400",
        secret: false,
        apply: |c, v| {
            c.blob_sweep_grace_seconds = positive(v)?;
            Ok(())
        },
    },
    Field {
        key: "housekeeping_interval_seconds",
        doc: "How often serve sweeps blobs and removes expired sessions and login guards \
              (one process of the node at a time); 0 turns it off.",
        default: "3600",
        secret: false,
        apply: |c, v| {
            c.housekeeping_interval_seconds = parse_num(v, "a whole number of seconds")?;
            Ok(())
        },
    },
    Field {
        key: "body_bytes_max",
        doc: "Largest accepted request body in bytes.",
        default: "1048576",
        secret: false,
        apply: |c, v| {
            c.limits.body_bytes_max = usize::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "einvoice_bytes_max",
        doc: "Largest accepted e-invoice (API body or upload) in bytes.",
        default: "67108864",
        secret: false,
        apply: |c, v| {
            c.limits.einvoice_bytes_max =
                usize::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "database_connections_max",
        doc: "Database connections per process (on PostgreSQL each is a server process).",
        default: "8",
        secret: false,
        apply: |c, v| {
            c.limits.database_connections_max =
                u32::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "page_size_max",
        doc: "Largest page a list endpoint returns.",
        default: "200",
        secret: false,
        apply: |c, v| {
            c.limits.page_size_max = u32::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "login_account_free_attempts",
        doc: "Login attempts for one name before each further one waits a growing delay \
              (from places the account has logged in from before, counted apart).",
        default: "5",
        secret: false,
        apply: |c, v| {
            c.limits.login_account_free_attempts =
                u32::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "login_address_free_attempts",
        doc: "Login attempts from one client address (IPv6: its /64) before each further one \
              waits a growing delay; a successful login gives its attempt back.",
        default: "20",
        secret: false,
        apply: |c, v| {
            c.limits.login_address_free_attempts =
                u32::try_from(positive(v)?).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Field {
        key: "login_delay_first_seconds",
        doc: "The first login delay after the free attempts; it doubles with each attempt.",
        default: "1",
        secret: false,
        apply: |c, v| {
            c.limits.login_delay_first_seconds = positive(v)?;
            Ok(())
        },
    },
    Field {
        key: "login_delay_max_seconds",
        doc: "The longest login delay.",
        default: "900",
        secret: false,
        apply: |c, v| {
            c.limits.login_delay_max_seconds = positive(v)?;
            Ok(())
        },
    },
    Field {
        key: "login_window_seconds",
        doc: "Login attempts are forgotten after this long without one (more than the longest \
              delay).",
        default: "86400",
        secret: false,
        apply: |c, v| {
            c.limits.login_window_seconds = positive(v)?;
            Ok(())
        },
    },
    Field {
        key: "session_idle_seconds",
        doc: "A session ends after this long without activity.",
        default: "1800",
        secret: false,
        apply: |c, v| {
            c.limits.session_idle_seconds = positive(v)?;
            Ok(())
        },
    },
    Field {
        key: "session_absolute_seconds",
        doc: "A session ends after this long in any case.",
        default: "36000",
        secret: false,
        apply: |c, v| {
            c.limits.session_absolute_seconds = positive(v)?;
            Ok(())
        },
    },
];

/// Values given on the command line, highest precedence.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub values: Vec<(&'static str, String)>,
}

/// Loads the configuration. `file` is read if given (it must exist) or if `verbund.toml`
/// exists in the working directory. Returns every problem found, not just the first.
pub fn load(
    file: Option<&Path>,
    env: &BTreeMap<String, String>,
    overrides: &Overrides,
) -> Result<Config, Vec<String>> {
    let mut errors = Vec::new();
    let mut raw: Vec<(String, &'static Field, String)> = Vec::new();

    let file = file.map(Path::to_path_buf).or_else(|| {
        let p = PathBuf::from("verbund.toml");
        p.exists().then_some(p)
    });
    if let Some(path) = &file {
        match std::fs::read_to_string(path) {
            Err(e) => errors.push(format!("{}: cannot read: {e}", path.display())),
            Ok(text) => match text.parse::<toml::Table>() {
                Err(e) => errors.push(format!("{}: not valid TOML: {e}", path.display())),
                Ok(table) => {
                    for (key, value) in table {
                        let origin = format!("{}: {key}", path.display());
                        let value = match value {
                            toml::Value::String(s) => s,
                            toml::Value::Integer(i) => i.to_string(),
                            toml::Value::Boolean(b) => b.to_string(),
                            other => {
                                errors.push(format!(
                                    "{origin}: expected a string or number, got {}",
                                    other.type_str()
                                ));
                                continue;
                            }
                        };
                        collect(&mut raw, &mut errors, &key, origin, value);
                    }
                }
            },
        }
    }
    for (name, value) in env {
        let Some(key) = name.strip_prefix("VERBUND_") else {
            continue;
        };
        if key.starts_with("TEST_") {
            continue; // test-suite settings, not node configuration
        }
        let key = key.to_ascii_lowercase();
        collect(
            &mut raw,
            &mut errors,
            &key,
            format!("environment {name}"),
            value.clone(),
        );
    }
    for (key, value) in &overrides.values {
        collect(
            &mut raw,
            &mut errors,
            key,
            format!("flag --{}", key.replace('_', "-")),
            value.clone(),
        );
    }

    let mut config = Config::default();
    for (origin, field, value) in raw {
        if let Err(e) = (field.apply)(&mut config, &value) {
            errors.push(format!("{origin}: {e}"));
        }
    }
    if config.limits.session_idle_seconds > config.limits.session_absolute_seconds {
        errors.push("session_idle_seconds must not exceed session_absolute_seconds".to_owned());
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// Resolves a key (or `<key>_file` for secrets) and queues its value.
fn collect(
    raw: &mut Vec<(String, &'static Field, String)>,
    errors: &mut Vec<String>,
    key: &str,
    origin: String,
    value: String,
) {
    if let Some(field) = FIELDS.iter().find(|f| f.key == key) {
        raw.push((origin, field, value));
        return;
    }
    if let Some(field) = key
        .strip_suffix("_file")
        .and_then(|k| FIELDS.iter().find(|f| f.key == k && f.secret))
    {
        match std::fs::read_to_string(value.trim()) {
            Ok(secret) => raw.push((
                origin,
                field,
                secret.trim_end_matches(['\n', '\r']).to_owned(),
            )),
            Err(e) => errors.push(format!("{origin}: cannot read secret file {value:?}: {e}")),
        }
        return;
    }
    errors.push(format!(
        "{origin}: unknown setting {key:?} (see `verbund config example`)"
    ));
}

impl Config {
    /// The database URL in effect: configured, or SQLite in the data directory.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("verbund.db").display()
            )
        })
    }

    /// Where blobs are stored.
    #[must_use]
    pub fn blob_location(&self) -> BlobLocation {
        self.location(self.blob_store.as_deref(), "blobs")
    }

    /// Where audit checkpoints are kept.
    #[must_use]
    pub fn checkpoint_location(&self) -> BlobLocation {
        self.location(self.audit_checkpoints.as_deref(), "audit-checkpoints")
    }

    /// The checkpoint signing key file.
    #[must_use]
    pub fn audit_key_path(&self) -> PathBuf {
        self.audit_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-signing.key"))
    }

    fn location(&self, setting: Option<&str>, default_dir: &str) -> BlobLocation {
        match setting {
            Some(s) if s.starts_with("s3://") => BlobLocation::S3 {
                bucket: s
                    .trim_start_matches("s3://")
                    .trim_end_matches('/')
                    .to_owned(),
                endpoint: self.s3_endpoint.clone(),
            },
            Some(s) => BlobLocation::Local(PathBuf::from(s.trim_start_matches("file://"))),
            None => BlobLocation::Local(self.data_dir.join(default_dir)),
        }
    }

    /// The effective settings for `verbund config check`, secrets masked.
    #[must_use]
    pub fn describe(&self) -> String {
        let db = match &self.database_url {
            None => self.database_url(),
            Some(url) => mask_url(url),
        };
        format!(
            "listen = {}\ndata_dir = {}\ndatabase = {db}\npublic_url = {}\nblob_store = {:?}\n\
             log_format = {:?}\nlog_level = {}\nlimits = {:?}\n",
            self.listen,
            self.data_dir.display(),
            self.public_url,
            self.blob_location(),
            self.log_format,
            self.log_level,
            self.limits
        )
    }
}

fn mask_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "***".to_owned(),
    }
}

/// The commented sample `verbund.toml`.
#[must_use]
pub fn example() -> String {
    let mut out = String::from(
        "# verbund.toml: configuration of a Verbund node.\n\
         # Precedence: built-in defaults < this file < VERBUND_<KEY> environment variables < flags.\n\
         # Secrets (marked) may instead be read from a file: <key>_file = \"/run/secrets/...\".\n\n",
    );
    for f in FIELDS {
        let _ = writeln!(
            out,
            "# {}{}",
            f.doc,
            if f.secret { " (secret)" } else { "" }
        );
        let _ = writeln!(out, "# Environment: VERBUND_{}", f.key.to_ascii_uppercase());
        let _ = writeln!(out, "{} = {}\n", f.key, f.default);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_example_is_a_valid_configuration_with_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("verbund.toml");
        std::fs::write(&path, example()).unwrap();
        let c = load(Some(&path), &BTreeMap::new(), &Overrides::default()).unwrap();
        assert_eq!(c.listen, Config::default().listen);
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.shutdown_grace_seconds, 30);
    }

    #[test]
    fn precedence_is_file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:1000\"\nlog_format = \"json\"\npage_size_max = 10\n",
        )
        .unwrap();
        let e = env(&[
            ("VERBUND_LISTEN", "127.0.0.1:2000"),
            ("VERBUND_PAGE_SIZE_MAX", "20"),
        ]);
        let flags = Overrides {
            values: vec![("listen", "127.0.0.1:3000".to_owned())],
        };
        let c = load(Some(&path), &e, &flags).unwrap();
        assert_eq!(c.listen.port(), 3000);
        assert_eq!(c.limits.page_size_max, 20);
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn all_errors_are_reported_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.toml");
        std::fs::write(
            &path,
            "listen = \"nowhere\"\nbogus = 1\npage_size_max = -3\nlog_format = [1]\n",
        )
        .unwrap();
        let e = env(&[
            ("VERBUND_DATABASE_URL", "mysql://x"),
            ("VERBUND_TEST_DATABASE_URL", "ignored"),
        ]);
        let errors = load(Some(&path), &e, &Overrides::default()).unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:#?}");
        for needle in [
            "listen",
            "bogus",
            "page_size_max",
            "log_format",
            "VERBUND_DATABASE_URL",
        ] {
            assert!(
                errors.iter().any(|e| e.contains(needle)),
                "{needle} missing in {errors:#?}"
            );
        }
    }

    #[test]
    fn secrets_come_from_files_and_are_masked() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("db");
        std::fs::write(&secret, "postgres://verbund:geheim@db.example/verbund\n").unwrap();
        let e = env(&[("VERBUND_DATABASE_URL_FILE", secret.to_str().unwrap())]);
        let c = load(None, &e, &Overrides::default()).unwrap();
        assert_eq!(
            c.database_url.as_deref(),
            Some("postgres://verbund:geheim@db.example/verbund")
        );
        assert!(!c.describe().contains("geheim"));
        let e = env(&[("VERBUND_LISTEN_FILE", "/etc/passwd")]);
        assert!(
            load(None, &e, &Overrides::default()).is_err(),
            "only secrets have _file forms"
        );
    }
}
