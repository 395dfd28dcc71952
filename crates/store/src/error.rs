/// What the store can fail with. Callers map these to HTTP in one place.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint was hit; `constraint` names it where the database says which
    /// (PostgreSQL always, SQLite through the message).
    #[error("conflict: {constraint}")]
    Conflict { constraint: String },
    /// The acting user's role may not make this change (checked under the tenant's lock).
    #[error("the acting role may not make this change")]
    NotPermitted,
    /// System personas are read-only; a tenant copies one to change it.
    #[error("system personas cannot be changed or deleted")]
    SystemAgent,
    /// The change would leave a tenant without an owner.
    #[error("a tenant needs at least one owner")]
    LastOwner,
    /// A value is too large for its column (64-bit signed integers).
    #[error("{field} is out of range")]
    OutOfRange { field: &'static str },
    /// A stored JSON document could not be written or read back.
    #[error("a stored document could not be encoded or decoded: {0}")]
    Encoding(String),
    /// A stored secret does not decrypt with the configured key: another `secrets.key`, a
    /// value moved from another row, or a damaged value.
    #[error("a stored secret could not be decrypted (was it encrypted with another secrets.key?)")]
    Undecryptable,
    #[error("the database URL is not one Switchboard supports: {0}")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            let constraint = db
                .constraint()
                .map(str::to_owned)
                // SQLite: "UNIQUE constraint failed: users.email"
                .or_else(|| {
                    db.message()
                        .rsplit(": ")
                        .next()
                        .map(|cols| cols.replace('.', "_"))
                })
                .unwrap_or_default();
            return StoreError::Conflict { constraint };
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Database(err)
    }
}

impl StoreError {
    /// Whether a user with this email already exists (PostgreSQL names the constraint,
    /// SQLite the column).
    pub fn is_duplicate_email(&self) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint == "users_email_key" || constraint == "users_email")
    }

    /// Whether the tenant already has a tool with this name (PostgreSQL names the constraint,
    /// SQLite the columns).
    pub fn is_duplicate_tool_name(&self) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint == "tools_tenant_name_key" || constraint == "tools_tenant_id, tools_name")
    }

    /// The error as it may be logged next to user data: a statement the database refused is
    /// reported by its SQLSTATE code only, since database messages can quote the row.
    pub fn without_data(&self) -> String {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => format!(
                "the database refused the statement (code {})",
                db.code().as_deref().unwrap_or("unknown")
            ),
            other => other.to_string(),
        }
    }
}
