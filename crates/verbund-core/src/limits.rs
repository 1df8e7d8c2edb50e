use serde::{Deserialize, Serialize};

/// Every limit on something that grows, in one place. Configurable through `verbund.toml`;
/// the defaults suit a node serving a few hundred authorities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted request body for JSON and forms, in bytes.
    pub body_bytes_max: usize,
    /// Largest page a list endpoint returns.
    pub page_size_max: u32,
    /// Page size when the caller gives none.
    pub page_size_default: u32,
    /// Largest accepted e-invoice (API body or upload), in bytes.
    pub einvoice_bytes_max: usize,
    /// Failed logins for one username before it is locked.
    pub login_failures_max: u32,
    /// How long a locked username stays locked, in seconds.
    pub login_lockout_seconds: i64,
    /// Failed logins from one client address per window before it is throttled.
    pub login_attempts_per_ip_max: u32,
    /// The window for per-address throttling, in seconds.
    pub login_window_seconds: i64,
    /// Session lifetime without activity, in seconds.
    pub session_idle_seconds: i64,
    /// Session lifetime at most, in seconds.
    pub session_absolute_seconds: i64,
    /// Longest blob key, in bytes.
    pub blob_key_bytes_max: usize,
    /// Database connections per process. Few suffice: on PostgreSQL every connection is a
    /// server process, and more connections than cores only add context switches.
    pub database_connections_max: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes_max: 1024 * 1024,
            einvoice_bytes_max: 64 * 1024 * 1024,
            page_size_max: 200,
            page_size_default: 50,
            login_failures_max: 5,
            login_lockout_seconds: 15 * 60,
            login_attempts_per_ip_max: 20,
            login_window_seconds: 15 * 60,
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 10 * 60 * 60,
            blob_key_bytes_max: 512,
            database_connections_max: 8,
        }
    }
}
