//! Table `user_pool_outbox`.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub id: i64,
    pub pool_id: String,
    pub username: String,
    pub destination: Option<String>,
    pub delivery_medium: Option<String>,
    pub purpose: String,
    pub code: String,
    pub created_at: OffsetDateTime,
}

/// Inserts a message and, in the same statement, deletes every message (of any pool) written
/// before `expire_before`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_and_expire(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    username: &str,
    destination: Option<&str>,
    delivery_medium: Option<&str>,
    purpose: &str,
    code: &str,
    now: OffsetDateTime,
    expire_before: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "WITH expired AS (DELETE FROM user_pool_outbox WHERE created_at < $8) \
         INSERT INTO user_pool_outbox (pool_id, username, destination, delivery_medium, \
            purpose, code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(pool_id)
    .bind(username)
    .bind(destination)
    .bind(delivery_medium)
    .bind(purpose)
    .bind(code)
    .bind(now)
    .bind(expire_before)
    .execute(db)
    .await?;
    Ok(())
}

/// The newest `limit` messages of a pool written from `since` on, newest first.
pub(crate) async fn list(
    db: &PgPool,
    pool_id: &str,
    limit: i64,
    since: OffsetDateTime,
) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "SELECT id, pool_id, username, destination, delivery_medium, purpose, code, created_at \
         FROM user_pool_outbox WHERE pool_id = $1 AND created_at >= $3 \
         ORDER BY id DESC LIMIT $2",
    )
    .bind(pool_id)
    .bind(limit)
    .bind(since)
    .fetch_all(db)
    .await
}
