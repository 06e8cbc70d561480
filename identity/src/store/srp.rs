//! Table `user_pool_srp_challenges`: SRP exchanges between InitiateAuth and their answer.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(crate) struct SrpChallenge {
    pub pool_id: String,
    pub client_id: String,
    pub user_sub: Option<Uuid>,
    pub typed_name: String,
    pub user_id_for_srp: String,
    pub throttle_key: String,
    pub srp_a: Vec<u8>,
    pub srp_b: Vec<u8>,
    pub b_sealed: Vec<u8>,
    pub expires_at: OffsetDateTime,
}

/// Stores an exchange, and forgets the pool's expired ones while here.
pub(crate) async fn insert(
    conn: &mut sqlx::PgConnection,
    secret_block_hash: &[u8],
    c: &SrpChallenge,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_pool_srp_challenges WHERE pool_id = $1 AND expires_at < $2")
        .bind(&c.pool_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO user_pool_srp_challenges (secret_block_hash, pool_id, client_id, user_sub, \
            typed_name, user_id_for_srp, throttle_key, srp_a, srp_b, b_sealed, expires_at, \
            created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(secret_block_hash)
    .bind(&c.pool_id)
    .bind(&c.client_id)
    .bind(c.user_sub)
    .bind(&c.typed_name)
    .bind(&c.user_id_for_srp)
    .bind(&c.throttle_key)
    .bind(&c.srp_a)
    .bind(&c.srp_b)
    .bind(&c.b_sealed)
    .bind(c.expires_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes and returns an exchange: each secret block is answered at most once, however many
/// answers arrive in parallel.
pub(crate) async fn take(
    db: impl PgExecutor<'_>,
    secret_block_hash: &[u8],
) -> sqlx::Result<Option<SrpChallenge>> {
    sqlx::query_as(
        "DELETE FROM user_pool_srp_challenges WHERE secret_block_hash = $1 \
         RETURNING pool_id, client_id, user_sub, typed_name, user_id_for_srp, throttle_key, \
            srp_a, srp_b, b_sealed, expires_at",
    )
    .bind(secret_block_hash)
    .fetch_optional(db)
    .await
}
