//! PostgreSQL access (runtime queries with binds only). Functions take `&PgPool` or an open
//! transaction (`&mut PgConnection`) through [`sqlx::PgExecutor`].
//!
//! Pools, clients and users go in and out as `crate::model` types (each table's row type stays
//! private to its module); the other tables have plain row types of their own. The store uses
//! nothing else of the crate.

pub(crate) mod clients;
pub(crate) mod code_limits;
pub(crate) mod codes;
pub(crate) mod groups;
pub(crate) mod keys;
pub(crate) mod outbox;
pub(crate) mod pools;
pub(crate) mod srp;
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

/// A stored text that must be one of a closed set (a CHECK constraint, or validation before
/// every write, guarantees it): anything else is a decoding error, not a value to guess at.
pub(crate) fn decode<T>(text: &str, parse: fn(&str) -> Option<T>, what: &str) -> sqlx::Result<T> {
    parse(text).ok_or_else(|| sqlx::Error::Decode(format!("unexpected {what} {text:?}").into()))
}

/// [`decode`] for every element of a text array.
pub(crate) fn decode_all<T>(
    texts: &[String],
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> sqlx::Result<Vec<T>> {
    texts.iter().map(|t| decode(t, parse, what)).collect()
}
