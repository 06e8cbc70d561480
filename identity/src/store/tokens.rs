//! Tables `user_pool_refresh_tokens` and `user_pool_auth_sessions` (hashes only).

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct RefreshRow {
    pub origin_jti: Uuid,
    pub pool_id: String,
    pub client_id: String,
    pub user_sub: Uuid,
    pub auth_time: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_refresh(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    origin_jti: Uuid,
    pool_id: &str,
    client_id: &str,
    sub: Uuid,
    auth_time: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pool_refresh_tokens (token_hash, origin_jti, pool_id, client_id, \
            user_sub, auth_time, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6)",
    )
    .bind(token_hash)
    .bind(origin_jti)
    .bind(pool_id)
    .bind(client_id)
    .bind(sub)
    .bind(auth_time)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes a user's refresh tokens that expired before `before` (their families can no
/// longer have live access tokens).
pub(crate) async fn purge_expired(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    before: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_pool_refresh_tokens WHERE user_sub = $1 AND expires_at < $2")
        .bind(sub)
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}

pub(crate) async fn find_refresh(
    db: &PgPool,
    token_hash: &[u8],
) -> sqlx::Result<Option<RefreshRow>> {
    sqlx::query_as(
        "SELECT origin_jti, pool_id, client_id, user_sub, auth_time, expires_at, revoked_at \
         FROM user_pool_refresh_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// The revocation state of a token family: `None` if unknown, `Some(revoked_at)` otherwise.
pub(crate) async fn family_state(
    db: &PgPool,
    origin_jti: Uuid,
) -> sqlx::Result<Option<Option<OffsetDateTime>>> {
    sqlx::query_scalar("SELECT revoked_at FROM user_pool_refresh_tokens WHERE origin_jti = $1")
        .bind(origin_jti)
        .fetch_optional(db)
        .await
}

pub(crate) async fn revoke_family(
    db: &PgPool,
    origin_jti: Uuid,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_refresh_tokens SET revoked_at = $2 \
         WHERE origin_jti = $1 AND revoked_at IS NULL",
    )
    .bind(origin_jti)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes every refresh token (and so every token family) of a user; returns how many.
pub(crate) async fn revoke_user(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE user_pool_refresh_tokens SET revoked_at = $2 \
         WHERE user_sub = $1 AND revoked_at IS NULL",
    )
    .bind(sub)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub pool_id: String,
    pub client_id: String,
    pub user_sub: Uuid,
    pub challenge_name: String,
    pub expires_at: OffsetDateTime,
    /// An MFA_SETUP session whose authenticator was verified.
    pub mfa_verified: bool,
}

/// Stores a challenge session (under the SHA-256 of the opaque `Session`).
pub(crate) async fn insert_session(
    conn: &mut PgConnection,
    session_hash: &[u8],
    s: &SessionRow,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    // Forget this user's stale sessions while we are here.
    sqlx::query("DELETE FROM user_pool_auth_sessions WHERE user_sub = $1 AND expires_at < $2")
        .bind(s.user_sub)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO user_pool_auth_sessions (session_hash, pool_id, client_id, user_sub, \
            challenge_name, expires_at, mfa_verified, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(session_hash)
    .bind(&s.pool_id)
    .bind(&s.client_id)
    .bind(s.user_sub)
    .bind(&s.challenge_name)
    .bind(s.expires_at)
    .bind(s.mfa_verified)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) async fn find_session(
    db: &PgPool,
    session_hash: &[u8],
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT pool_id, client_id, user_sub, challenge_name, expires_at, mfa_verified \
         FROM user_pool_auth_sessions WHERE session_hash = $1",
    )
    .bind(session_hash)
    .fetch_optional(db)
    .await
}

/// Deletes (consumes) a session; false if it was already used.
pub(crate) async fn take_session(
    db: impl PgExecutor<'_>,
    session_hash: &[u8],
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM user_pool_auth_sessions WHERE session_hash = $1")
        .bind(session_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
