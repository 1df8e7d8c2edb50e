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
    /// Login attempts for one name (from places it has not logged in from) before each
    /// further attempt must wait a growing delay. There is no hard lock.
    pub login_account_free_attempts: u32,
    /// Login attempts from one client address (IPv6: its /64) before each further attempt
    /// must wait a growing delay. Successful logins give their attempt back.
    pub login_address_free_attempts: u32,
    /// The first delay, in seconds; each further attempt doubles it.
    pub login_delay_first_seconds: i64,
    /// The longest delay between two attempts, in seconds.
    pub login_delay_max_seconds: i64,
    /// A login guard forgets its attempts after this long without one, in seconds; longer
    /// than the longest delay, so that waiting it out does not restore the free attempts.
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
            login_account_free_attempts: 5,
            login_address_free_attempts: 20,
            login_delay_first_seconds: 1,
            login_delay_max_seconds: 15 * 60,
            login_window_seconds: 24 * 60 * 60,
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 10 * 60 * 60,
            blob_key_bytes_max: 512,
            database_connections_max: 8,
        }
    }
}
