/// What the store can fail with. Callers map these to HTTP in one place.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint was hit; `constraint` names it where the database says which
    /// (PostgreSQL always, SQLite through the message).
    #[error("conflict: {constraint}")]
    Conflict { constraint: String },
    /// The change would leave a tenant without an owner.
    #[error("a tenant needs at least one owner")]
    LastOwner,
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
    /// Whether the conflict is on the column (or constraint) `name`, e.g. `email`.
    pub fn is_conflict_on(&self, name: &str) -> bool {
        matches!(self, StoreError::Conflict { constraint } if constraint.contains(name))
    }
}
