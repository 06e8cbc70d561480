//! PostgreSQL access (runtime queries with binds only). Functions take `&PgPool` or an open
//! transaction (`&mut PgConnection`) through [`sqlx::PgExecutor`].

pub(crate) mod clients;
pub(crate) mod code_limits;
pub(crate) mod codes;
pub(crate) mod groups;
pub(crate) mod keys;
pub(crate) mod outbox;
pub(crate) mod pools;
pub(crate) mod tokens;
pub(crate) mod users;

/// Whether `e` is a unique-constraint violation on the named constraint or index.
pub(crate) fn is_unique_violation(e: &sqlx::Error, constraint: &str) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}
