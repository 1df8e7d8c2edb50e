/// Errors from the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names an engine other than SQLite or PostgreSQL.
    #[error("database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    /// The database reported an error (connection, constraint, syntax).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(sqlx::migrate::MigrateError),
    /// The database was migrated by a newer Verbund than this one.
    #[error(
        "the database schema (migration {found}) is newer than this binary knows (up to {known}); \
         run a newer verbund"
    )]
    SchemaTooNew {
        /// A migration version applied to the database but unknown here.
        found: i64,
        /// The newest migration this binary knows.
        known: i64,
    },
    /// The object does not exist within the scope asked.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique constraint: the object already exists.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A workflow step that the object's state does not allow; the text is German and says why.
    #[error("{0}")]
    InvalidTransition(&'static str),
    /// A stored value failed to parse back (the database was edited by hand or is corrupt).
    #[error("corrupt stored value in {column}: {reason}")]
    Corrupt {
        /// Which column.
        column: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    /// A blob key is not acceptable (empty, too long, `..`, absolute, odd characters).
    #[error("invalid blob key: {0}")]
    InvalidBlobKey(&'static str),
    /// The blob store failed.
    #[error("blob store error: {0}")]
    Blob(#[from] object_store::Error),
    /// Audit checkpoints cannot be written or read (key, format).
    #[error("audit checkpoint: {0}")]
    Checkpoint(String),
}

impl StoreError {
    /// Whether the operation was refused by a check before its transaction could commit, so
    /// that nothing it wrote is referenced by committed data. A database error may have struck
    /// during the commit itself, whose outcome the caller cannot know.
    #[must_use]
    pub fn refused_before_commit(&self) -> bool {
        matches!(
            self,
            Self::NotFound(_)
                | Self::Conflict(_)
                | Self::InvalidTransition(_)
                | Self::InvalidBlobKey(_)
        )
    }

    /// Maps a unique-constraint violation to [`StoreError::Conflict`], anything else stays.
    pub(crate) fn conflict_on_unique(e: sqlx::Error, what: &'static str) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return Self::Conflict(what);
        }
        Self::Database(e)
    }
}
