//! Table `user_pool_signing_keys`.

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

#[derive(Clone, sqlx::FromRow)]
pub(crate) struct KeyRow {
    pub kid: String,
    pub pool_id: String,
    pub token_use: String,
    pub private_key_sealed: Option<Vec<u8>>,
    pub n: String,
    pub e: String,
    pub created_at: OffsetDateTime,
    pub rotated_at: Option<OffsetDateTime>,
    pub retire_after: Option<OffsetDateTime>,
}

impl std::fmt::Debug for KeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRow")
            .field("kid", &self.kid)
            .field("pool_id", &self.pool_id)
            .field("token_use", &self.token_use)
            .field("private_key_sealed", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("rotated_at", &self.rotated_at)
            .field("retire_after", &self.retire_after)
            .finish_non_exhaustive()
    }
}

macro_rules! select_key {
    () => {
        "SELECT kid, pool_id, token_use, private_key_sealed, n, e, created_at, rotated_at, \
         retire_after FROM user_pool_signing_keys"
    };
}

/// The active keys of a pool (at most one per token use).
pub(crate) async fn active_keys(
    db: impl PgExecutor<'_>,
    pool_id: &str,
) -> sqlx::Result<Vec<KeyRow>> {
    sqlx::query_as(concat!(
        select_key!(),
        " WHERE pool_id = $1 AND rotated_at IS NULL ORDER BY token_use"
    ))
    .bind(pool_id)
    .fetch_all(db)
    .await
}

/// All keys of a pool, newest first.
pub(crate) async fn all_keys(db: &PgPool, pool_id: &str) -> sqlx::Result<Vec<KeyRow>> {
    sqlx::query_as(concat!(
        select_key!(),
        " WHERE pool_id = $1 ORDER BY created_at DESC, token_use"
    ))
    .bind(pool_id)
    .fetch_all(db)
    .await
}

/// Keys whose public half belongs in the JWKS at `now`: active ones, then retiring ones.
pub(crate) async fn published_keys(
    db: &PgPool,
    pool_id: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<KeyRow>> {
    sqlx::query_as(concat!(
        select_key!(),
        " WHERE pool_id = $1 AND (rotated_at IS NULL OR retire_after > $2) \
         ORDER BY rotated_at DESC NULLS FIRST, token_use DESC"
    ))
    .bind(pool_id)
    .bind(now)
    .fetch_all(db)
    .await
}

pub(crate) async fn find_key(db: &PgPool, kid: &str) -> sqlx::Result<Option<KeyRow>> {
    sqlx::query_as(concat!(select_key!(), " WHERE kid = $1"))
        .bind(kid)
        .fetch_optional(db)
        .await
}

pub(crate) async fn insert_key(conn: &mut PgConnection, k: &KeyRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pool_signing_keys (kid, pool_id, token_use, private_key_sealed, n, e, \
            created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&k.kid)
    .bind(&k.pool_id)
    .bind(&k.token_use)
    .bind(&k.private_key_sealed)
    .bind(&k.n)
    .bind(&k.e)
    .bind(k.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires the pool's active keys: they stop signing (private key dropped) and stay published
/// until `retire_after`.
pub(crate) async fn retire_active(
    conn: &mut PgConnection,
    pool_id: &str,
    now: OffsetDateTime,
    retire_after: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE user_pool_signing_keys SET rotated_at = $2, retire_after = $3, \
            private_key_sealed = NULL WHERE pool_id = $1 AND rotated_at IS NULL",
    )
    .bind(pool_id)
    .bind(now)
    .bind(retire_after)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
