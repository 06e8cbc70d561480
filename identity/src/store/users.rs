//! Tables `user_pool_users` and `user_pool_signin_failures`.

use std::collections::BTreeMap;

use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::decode;
use crate::model::{PasswordRecord, PoolId, User, UserMfa, UserStatus};

/// Unique constraint on `(pool_id, username_key)`.
pub(crate) const USERNAME_CONSTRAINT: &str = "user_pool_users_username";
/// Unique index on `(pool_id, email_key)`.
pub(crate) const EMAIL_CONSTRAINT: &str = "user_pool_users_email";

#[derive(sqlx::FromRow)]
struct UserRow {
    sub: Uuid,
    pool_id: String,
    username: String,
    username_key: String,
    email_key: Option<String>,
    status: String,
    enabled: bool,
    attributes: Json<BTreeMap<String, String>>,
    password_hash: Option<String>,
    srp_verifier_sealed: Option<Vec<u8>>,
    totp_secret_sealed: Option<Vec<u8>>,
    totp_pending_sealed: Option<Vec<u8>>,
    totp_enabled: bool,
    totp_preferred: bool,
    totp_last_step: Option<i64>,
    password_expires_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl UserRow {
    fn into_user(self) -> sqlx::Result<User> {
        Ok(User {
            sub: self.sub,
            pool_id: PoolId::new(self.pool_id),
            username: self.username,
            username_key: self.username_key,
            email_key: self.email_key,
            status: decode(&self.status, UserStatus::parse, "user status")?,
            enabled: self.enabled,
            attributes: self.attributes.0,
            password_hash: self.password_hash,
            srp_verifier_sealed: self.srp_verifier_sealed,
            mfa: UserMfa {
                secret_sealed: self.totp_secret_sealed,
                pending_sealed: self.totp_pending_sealed,
                enabled: self.totp_enabled,
                preferred: self.totp_preferred,
                last_step: self.totp_last_step,
            },
            password_expires_at: self.password_expires_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn one(row: Option<UserRow>) -> sqlx::Result<Option<User>> {
    row.map(UserRow::into_user).transpose()
}

/// `SELECT <all user columns> FROM user_pool_users`, for `concat!` (static SQL).
macro_rules! select_user {
    () => {
        "SELECT sub, pool_id, username, username_key, email_key, status, enabled, attributes, \
         password_hash, srp_verifier_sealed, totp_secret_sealed, totp_pending_sealed, \
         totp_enabled, totp_preferred, totp_last_step, password_expires_at, created_at, \
         updated_at FROM user_pool_users"
    };
}

pub(crate) async fn insert_user(db: impl PgExecutor<'_>, u: &User) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pool_users (sub, pool_id, username, username_key, email_key, status, \
            enabled, attributes, password_hash, srp_verifier_sealed, password_expires_at, \
            created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(u.sub)
    .bind(u.pool_id.as_str())
    .bind(&u.username)
    .bind(&u.username_key)
    .bind(&u.email_key)
    .bind(u.status.as_str())
    .bind(u.enabled)
    .bind(Json(&u.attributes))
    .bind(&u.password_hash)
    .bind(&u.srp_verifier_sealed)
    .bind(u.password_expires_at)
    .bind(u.created_at)
    .bind(u.updated_at)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn find_by_username_key(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as::<_, UserRow>(concat!(
        select_user!(),
        " WHERE pool_id = $1 AND username_key = $2"
    ))
    .bind(pool_id)
    .bind(key)
    .fetch_optional(db)
    .await
    .and_then(one)
}

pub(crate) async fn find_by_email_key(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as::<_, UserRow>(concat!(
        select_user!(),
        " WHERE pool_id = $1 AND email_key = $2"
    ))
    .bind(pool_id)
    .bind(key)
    .fetch_optional(db)
    .await
    .and_then(one)
}

pub(crate) async fn find_by_sub(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    sub: Uuid,
) -> sqlx::Result<Option<User>> {
    sqlx::query_as::<_, UserRow>(concat!(select_user!(), " WHERE pool_id = $1 AND sub = $2"))
        .bind(pool_id)
        .bind(sub)
        .fetch_optional(db)
        .await
        .and_then(one)
}

/// Locks the user's row for the rest of the transaction and returns it.
pub(crate) async fn lock_user(conn: &mut PgConnection, sub: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as::<_, UserRow>(concat!(select_user!(), " WHERE sub = $1 FOR UPDATE"))
        .bind(sub)
        .fetch_optional(conn)
        .await
        .and_then(one)
}

pub(crate) async fn set_status(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    status: UserStatus,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE user_pool_users SET status = $2, updated_at = $3 WHERE sub = $1")
        .bind(sub)
        .bind(status.as_str())
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets a new password: its hash and its SRP verifier always together, so that no verifier
/// outlives the password it was made from.
pub(crate) async fn set_password(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    password: &PasswordRecord,
    status: UserStatus,
    expires_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_users SET password_hash = $2, srp_verifier_sealed = $3, status = $4, \
            password_expires_at = $5, updated_at = $6 WHERE sub = $1",
    )
    .bind(sub)
    .bind(&password.phc)
    .bind(&password.srp_verifier_sealed)
    .bind(status.as_str())
    .bind(expires_at)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Stores the SRP verifier of a password set before SRP existed, unless the password changed
/// meanwhile (the hash it was verified against is no longer the stored one).
pub(crate) async fn add_srp_verifier(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    verified_phc: &str,
    sealed: &[u8],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_users SET srp_verifier_sealed = $3 \
         WHERE sub = $1 AND password_hash = $2 AND srp_verifier_sealed IS NULL",
    )
    .bind(sub)
    .bind(verified_phc)
    .bind(sealed)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn set_enabled(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    enabled: bool,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE user_pool_users SET enabled = $2, updated_at = $3 WHERE sub = $1")
        .bind(sub)
        .bind(enabled)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

pub(crate) async fn set_attributes(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    attributes: &BTreeMap<String, String>,
    email_key: Option<&str>,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_users SET attributes = $2, email_key = $3, updated_at = $4 \
         WHERE sub = $1",
    )
    .bind(sub)
    .bind(Json(attributes))
    .bind(email_key)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn delete_user(db: impl PgExecutor<'_>, sub: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM user_pool_users WHERE sub = $1")
        .bind(sub)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A ListUsers filter in SQL terms: the attribute (`username`, `sub`, `cognito:user_status`,
/// `status` or a user attribute name), the value, and whether it is a prefix match.
pub(crate) struct SqlFilter<'a> {
    pub attribute: &'a str,
    pub value: &'a str,
    pub prefix: bool,
}

/// Users of a pool ordered by `username_key`, after `after` (exclusive), optionally filtered.
/// Comparisons are case-insensitive.
pub(crate) async fn list_users(
    db: &PgPool,
    pool_id: &str,
    filter: Option<&SqlFilter<'_>>,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<User>> {
    sqlx::query_as::<_, UserRow>(concat!(
        select_user!(),
        " u WHERE u.pool_id = $1 AND ($2::text IS NULL OR u.username_key > $2) \
         AND ($3::text IS NULL OR ( \
            WITH v(val) AS (SELECT lower(CASE $3 \
                WHEN 'username' THEN u.username \
                WHEN 'sub' THEN u.sub::text \
                WHEN 'cognito:user_status' THEN u.status \
                WHEN 'status' THEN CASE WHEN u.enabled THEN 'Enabled' ELSE 'Disabled' END \
                ELSE u.attributes ->> $3 END)) \
            SELECT CASE WHEN $5 THEN starts_with(v.val, lower($4)) ELSE v.val = lower($4) END \
            FROM v)) \
         ORDER BY u.username_key LIMIT $6"
    ))
    .bind(pool_id)
    .bind(after)
    .bind(filter.map(|f| f.attribute))
    .bind(filter.map(|f| f.value))
    .bind(filter.is_some_and(|f| f.prefix))
    .bind(limit)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(UserRow::into_user)
    .collect()
}

/// The members of a group ordered by `username_key`, after `after` (exclusive).
pub(crate) async fn list_group_users(
    db: &PgPool,
    pool_id: &str,
    group: &str,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<User>> {
    sqlx::query_as::<_, UserRow>(concat!(
        select_user!(),
        " u WHERE u.pool_id = $1 AND u.sub IN (SELECT m.user_sub FROM user_pool_group_members m \
            WHERE m.pool_id = $1 AND m.group_name = $2) \
         AND ($3::text IS NULL OR u.username_key > $3) ORDER BY u.username_key LIMIT $4"
    ))
    .bind(pool_id)
    .bind(group)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(UserRow::into_user)
    .collect()
}

/// Counts a sign-in attempt unless the counter has reached `max` within its window; a window
/// that started before `window_start_min` starts over at 1. Returns whether it was counted. One
/// statement, so parallel attempts each get their own number and never exceed `max`.
pub(crate) async fn take_attempt(
    db: &PgPool,
    pool_id: &str,
    key: &str,
    max: i32,
    now: OffsetDateTime,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<bool> {
    let counted: Option<i32> = sqlx::query_scalar(
        "INSERT INTO user_pool_signin_failures AS f (pool_id, key, failures, window_start) \
         VALUES ($1, $2, 1, $3) \
         ON CONFLICT (pool_id, key) DO UPDATE SET \
            failures = CASE WHEN f.window_start < $4 THEN 1 ELSE f.failures + 1 END, \
            window_start = CASE WHEN f.window_start < $4 THEN $3 ELSE f.window_start END \
         WHERE f.window_start < $4 OR f.failures < $5 \
         RETURNING failures",
    )
    .bind(pool_id)
    .bind(key)
    .bind(now)
    .bind(window_start_min)
    .bind(max)
    .fetch_optional(db)
    .await?;
    Ok(counted.is_some())
}

/// Gives back one counted attempt (one that could not be verified).
pub(crate) async fn refund_attempt(db: &PgPool, pool_id: &str, key: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_signin_failures SET failures = GREATEST(failures - 1, 0) \
         WHERE pool_id = $1 AND key = $2",
    )
    .bind(pool_id)
    .bind(key)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets counters whose window is over (failures for made-up names would pile up).
pub(crate) async fn sweep_failures(
    db: &PgPool,
    pool_id: &str,
    window_start_min: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_pool_signin_failures WHERE pool_id = $1 AND window_start < $2")
        .bind(pool_id)
        .bind(window_start_min)
        .execute(db)
        .await?;
    Ok(())
}

pub(crate) async fn clear_failures(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    key: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM user_pool_signin_failures WHERE pool_id = $1 AND key = $2")
        .bind(pool_id)
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

/// Hands the user a new authenticator secret to verify (replacing any unverified one).
pub(crate) async fn set_totp_pending(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    sealed: &[u8],
) -> sqlx::Result<()> {
    sqlx::query("UPDATE user_pool_users SET totp_pending_sealed = $2 WHERE sub = $1")
        .bind(sub)
        .bind(sealed)
        .execute(db)
        .await?;
    Ok(())
}

/// The pending secret was verified with the code of `step`: it becomes the user's
/// authenticator, enabled (and preferred), unless another verification took it first.
pub(crate) async fn confirm_totp(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    pending: &[u8],
    step: i64,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE user_pool_users SET totp_secret_sealed = totp_pending_sealed, \
            totp_pending_sealed = NULL, totp_enabled = true, totp_preferred = true, \
            totp_last_step = $3, updated_at = $4 \
         WHERE sub = $1 AND totp_pending_sealed = $2",
    )
    .bind(sub)
    .bind(pending)
    .bind(step)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that a code of `step` signed in; false when that step (or a later one) already
/// did, so that each code is used once however many arrive in parallel.
pub(crate) async fn take_totp_step(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    step: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE user_pool_users SET totp_last_step = $2 \
         WHERE sub = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(sub)
    .bind(step)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// SetUserMFAPreference / AdminSetUserMFAPreference for the software token.
pub(crate) async fn set_totp_preference(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    enabled: bool,
    preferred: bool,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_users SET totp_enabled = $2, totp_preferred = $3, updated_at = $4 \
         WHERE sub = $1",
    )
    .bind(sub)
    .bind(enabled)
    .bind(preferred)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the user's authenticator entirely (the console's "Reset MFA").
pub(crate) async fn clear_totp(
    db: impl PgExecutor<'_>,
    sub: Uuid,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pool_users SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, \
            totp_enabled = false, totp_preferred = false, totp_last_step = NULL, updated_at = $2 \
         WHERE sub = $1",
    )
    .bind(sub)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
