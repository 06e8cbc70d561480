//! Tables `user_pool_groups` and `user_pool_group_members`.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct GroupRow {
    pub pool_id: String,
    pub name: String,
    pub description: Option<String>,
    pub role_arn: Option<String>,
    pub precedence: Option<i32>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Unique (primary key) constraint of `user_pool_groups`.
pub(crate) const GROUP_KEY: &str = "user_pool_groups_pkey";

pub(crate) async fn insert_group(db: impl PgExecutor<'_>, g: &GroupRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pool_groups (pool_id, name, description, role_arn, precedence, \
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&g.pool_id)
    .bind(&g.name)
    .bind(&g.description)
    .bind(&g.role_arn)
    .bind(g.precedence)
    .bind(g.created_at)
    .bind(g.updated_at)
    .execute(db)
    .await?;
    Ok(())
}

macro_rules! select_group {
    () => {
        "SELECT pool_id, name, description, role_arn, precedence, created_at, updated_at \
         FROM user_pool_groups"
    };
}

pub(crate) async fn find_group(
    db: &PgPool,
    pool_id: &str,
    name: &str,
) -> sqlx::Result<Option<GroupRow>> {
    sqlx::query_as(concat!(
        select_group!(),
        " WHERE pool_id = $1 AND name = $2"
    ))
    .bind(pool_id)
    .bind(name)
    .fetch_optional(db)
    .await
}

/// Sets the given fields (`None` keeps the stored value); `None` if there is no such group.
pub(crate) async fn update_group(
    db: &PgPool,
    pool_id: &str,
    name: &str,
    description: Option<&str>,
    role_arn: Option<&str>,
    precedence: Option<i32>,
    now: OffsetDateTime,
) -> sqlx::Result<Option<GroupRow>> {
    sqlx::query_as(
        "UPDATE user_pool_groups SET description = COALESCE($3, description), \
            role_arn = COALESCE($4, role_arn), precedence = COALESCE($5, precedence), \
            updated_at = $6 \
         WHERE pool_id = $1 AND name = $2 \
         RETURNING pool_id, name, description, role_arn, precedence, created_at, updated_at",
    )
    .bind(pool_id)
    .bind(name)
    .bind(description)
    .bind(role_arn)
    .bind(precedence)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Deletes a group and (cascade) its memberships; false if there was no such group.
pub(crate) async fn delete_group(db: &PgPool, pool_id: &str, name: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM user_pool_groups WHERE pool_id = $1 AND name = $2")
        .bind(pool_id)
        .bind(name)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn group_exists(db: &PgPool, pool_id: &str, name: &str) -> sqlx::Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM user_pool_groups WHERE pool_id = $1 AND name = $2")
            .bind(pool_id)
            .bind(name)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// A pool's groups ordered by name, after `after` (exclusive).
pub(crate) async fn list_groups(
    db: &PgPool,
    pool_id: &str,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<GroupRow>> {
    sqlx::query_as(concat!(
        select_group!(),
        " WHERE pool_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3"
    ))
    .bind(pool_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The groups of a user ordered by name, after `after` (exclusive).
pub(crate) async fn list_user_groups(
    db: &PgPool,
    sub: Uuid,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<GroupRow>> {
    sqlx::query_as(
        "SELECT g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, \
            g.updated_at FROM user_pool_group_members m \
         JOIN user_pool_groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
         WHERE m.user_sub = $1 AND ($2::text IS NULL OR g.name > $2) ORDER BY g.name LIMIT $3",
    )
    .bind(sub)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Group names for `cognito:groups`: by precedence (lowest first, unset last), then name.
pub(crate) async fn token_group_names(db: &PgPool, sub: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT g.name FROM user_pool_group_members m \
         JOIN user_pool_groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
         WHERE m.user_sub = $1 ORDER BY g.precedence NULLS LAST, g.name",
    )
    .bind(sub)
    .fetch_all(db)
    .await
}

pub(crate) async fn add_member(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    group: &str,
    sub: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pool_group_members (pool_id, group_name, user_sub) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(pool_id)
    .bind(group)
    .bind(sub)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn remove_member(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    group: &str,
    sub: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM user_pool_group_members WHERE pool_id = $1 AND group_name = $2 \
            AND user_sub = $3",
    )
    .bind(pool_id)
    .bind(group)
    .bind(sub)
    .execute(db)
    .await?;
    Ok(())
}
