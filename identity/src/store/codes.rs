//! Table `user_pool_codes`: confirmation and password-reset codes (SHA-256 only).

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Clone, sqlx::FromRow)]
pub(crate) struct CodeRow {
    pub code_hash: Vec<u8>,
    pub delivery_attribute: Option<String>,
    pub attempts: i32,
    pub expires_at: OffsetDateTime,
}

/// Stores a new code for `(user, purpose)`, replacing any outstanding one.
pub(crate) async fn put_code(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    purpose: &str,
    code_hash: &[u8],
    delivery_attribute: Option<&str>,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pool_codes (user_sub, purpose, code_hash, delivery_attribute, \
            attempts, expires_at, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6) \
         ON CONFLICT (user_sub, purpose) DO UPDATE SET code_hash = EXCLUDED.code_hash, \
            delivery_attribute = EXCLUDED.delivery_attribute, attempts = 0, \
            expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at",
    )
    .bind(sub)
    .bind(purpose)
    .bind(code_hash)
    .bind(delivery_attribute)
    .bind(expires_at)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn lock_code(
    conn: &mut PgConnection,
    sub: Uuid,
    purpose: &str,
) -> sqlx::Result<Option<CodeRow>> {
    sqlx::query_as(
        "SELECT code_hash, delivery_attribute, attempts, expires_at FROM user_pool_codes \
         WHERE user_sub = $1 AND purpose = $2 FOR UPDATE",
    )
    .bind(sub)
    .bind(purpose)
    .fetch_optional(conn)
    .await
}

pub(crate) async fn bump_attempts(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    purpose: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_codes SET attempts = attempts + 1 WHERE user_sub = $1 AND purpose = $2",
    )
    .bind(sub)
    .bind(purpose)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn delete_code(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    purpose: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_pool_codes WHERE user_sub = $1 AND purpose = $2")
        .bind(sub)
        .bind(purpose)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the code if it still has `code_hash`; false if it was replaced or used meanwhile.
pub(crate) async fn consume_code(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    purpose: &str,
    code_hash: &[u8],
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "DELETE FROM user_pool_codes WHERE user_sub = $1 AND purpose = $2 AND code_hash = $3",
    )
    .bind(sub)
    .bind(purpose)
    .bind(code_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
