//! Tables `user_pools` and `user_pool_custom_attributes`.

use sqlx::{PgConnection, PgExecutor, PgPool};
use time::OffsetDateTime;

use super::{decode, decode_all};
use crate::model::{
    AliasAttribute, AttributeDataType, CustomAttribute, DeletionProtection, MfaConfiguration,
    PasswordPolicy, Pool, PoolId, VerifiableAttribute,
};

#[derive(sqlx::FromRow)]
struct PoolRow {
    id: String,
    name: String,
    region: String,
    username_attributes: Vec<String>,
    alias_attributes: Vec<String>,
    auto_verified_attributes: Vec<String>,
    required_attributes: Vec<String>,
    password_min_length: i32,
    password_require_uppercase: bool,
    password_require_lowercase: bool,
    password_require_numbers: bool,
    password_require_symbols: bool,
    temporary_password_validity_days: i32,
    allow_admin_create_user_only: bool,
    case_sensitive_usernames: bool,
    mfa_configuration: String,
    software_token_mfa: bool,
    deletion_protection: String,
    id_token_validity_secs: i32,
    access_token_validity_secs: i32,
    refresh_token_validity_secs: i32,
    settings: serde_json::Value,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl PoolRow {
    fn into_pool(self, custom: Vec<CustomAttribute>) -> sqlx::Result<Pool> {
        Ok(Pool {
            id: PoolId::new(self.id),
            name: self.name,
            region: self.region,
            username_attributes: decode_all(
                &self.username_attributes,
                VerifiableAttribute::parse,
                "username attribute",
            )?,
            alias_attributes: decode_all(
                &self.alias_attributes,
                AliasAttribute::parse,
                "alias attribute",
            )?,
            auto_verified_attributes: decode_all(
                &self.auto_verified_attributes,
                VerifiableAttribute::parse,
                "auto-verified attribute",
            )?,
            required_attributes: self.required_attributes,
            password: PasswordPolicy {
                min_length: self.password_min_length,
                require_uppercase: self.password_require_uppercase,
                require_lowercase: self.password_require_lowercase,
                require_numbers: self.password_require_numbers,
                require_symbols: self.password_require_symbols,
                temporary_password_validity_days: self.temporary_password_validity_days,
            },
            allow_admin_create_user_only: self.allow_admin_create_user_only,
            case_sensitive: self.case_sensitive_usernames,
            mfa_configuration: decode(
                &self.mfa_configuration,
                MfaConfiguration::parse,
                "MFA configuration",
            )?,
            software_token_mfa: self.software_token_mfa,
            deletion_protection: decode(
                &self.deletion_protection,
                DeletionProtection::parse,
                "deletion protection",
            )?,
            id_token_validity_secs: self.id_token_validity_secs,
            access_token_validity_secs: self.access_token_validity_secs,
            refresh_token_validity_secs: self.refresh_token_validity_secs,
            settings: self.settings,
            custom,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The texts of a list of closed-set values, for a TEXT[] column.
fn texts<T: Copy>(values: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    values.iter().map(|v| as_str(*v)).collect()
}

#[derive(sqlx::FromRow)]
struct CustomRow {
    name: String,
    data_type: String,
    mutable: bool,
    developer_only: bool,
    min_length: Option<i32>,
    max_length: Option<i32>,
    min_value: Option<String>,
    max_value: Option<String>,
}

pub(crate) async fn insert_pool(conn: &mut PgConnection, pool: &Pool) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO user_pools (id, name, region, username_attributes, alias_attributes, \
            auto_verified_attributes, required_attributes, password_min_length, \
            password_require_uppercase, password_require_lowercase, password_require_numbers, \
            password_require_symbols, temporary_password_validity_days, \
            allow_admin_create_user_only, case_sensitive_usernames, mfa_configuration, \
            deletion_protection, id_token_validity_secs, access_token_validity_secs, \
            refresh_token_validity_secs, settings, created_at, updated_at, software_token_mfa) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
            $18, $19, $20, $21, $22, $23, $24)",
    )
    .bind(pool.id.as_str())
    .bind(&pool.name)
    .bind(&pool.region)
    .bind(texts(
        &pool.username_attributes,
        VerifiableAttribute::as_str,
    ))
    .bind(texts(&pool.alias_attributes, AliasAttribute::as_str))
    .bind(texts(
        &pool.auto_verified_attributes,
        VerifiableAttribute::as_str,
    ))
    .bind(&pool.required_attributes)
    .bind(pool.password.min_length)
    .bind(pool.password.require_uppercase)
    .bind(pool.password.require_lowercase)
    .bind(pool.password.require_numbers)
    .bind(pool.password.require_symbols)
    .bind(pool.password.temporary_password_validity_days)
    .bind(pool.allow_admin_create_user_only)
    .bind(pool.case_sensitive)
    .bind(pool.mfa_configuration.as_str())
    .bind(pool.deletion_protection.as_str())
    .bind(pool.id_token_validity_secs)
    .bind(pool.access_token_validity_secs)
    .bind(pool.refresh_token_validity_secs)
    .bind(&pool.settings)
    .bind(pool.created_at)
    .bind(pool.updated_at)
    .bind(pool.software_token_mfa)
    .execute(&mut *conn)
    .await?;
    insert_custom_attributes(conn, &pool.id, 0, &pool.custom).await
}

/// Appends custom attribute definitions to a pool's schema, at positions `first`, `first + 1`...
pub(crate) async fn insert_custom_attributes(
    conn: &mut PgConnection,
    pool_id: &str,
    first: i32,
    custom: &[CustomAttribute],
) -> sqlx::Result<()> {
    for (offset, c) in custom.iter().enumerate() {
        sqlx::query(
            "INSERT INTO user_pool_custom_attributes (pool_id, name, position, data_type, \
                mutable, developer_only, min_length, max_length, min_value, max_value) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(pool_id)
        .bind(&c.name)
        .bind(first.saturating_add(i32::try_from(offset).unwrap_or(i32::MAX)))
        .bind(c.data_type.as_str())
        .bind(c.mutable)
        .bind(c.developer_only)
        .bind(c.min_length)
        .bind(c.max_length)
        .bind(&c.min_value)
        .bind(&c.max_value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Locks the pool row for the rest of the transaction and returns its custom attributes'
/// names and positions in schema order, or `None` if the pool does not exist.
pub(crate) async fn lock_custom_attributes(
    conn: &mut PgConnection,
    pool_id: &str,
) -> sqlx::Result<Option<Vec<(String, i32)>>> {
    if !lock_pool(&mut *conn, pool_id).await? {
        return Ok(None);
    }
    let names = sqlx::query_as(
        "SELECT name, position FROM user_pool_custom_attributes WHERE pool_id = $1 \
         ORDER BY position",
    )
    .bind(pool_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(names))
}

/// Sets the pool's `updated_at` (LastModifiedDate).
pub(crate) async fn touch_pool(
    db: impl PgExecutor<'_>,
    pool_id: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE user_pools SET updated_at = $2 WHERE id = $1")
        .bind(pool_id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Locks the pool row for the rest of the transaction and returns its `UserPoolTags` setting
/// (`None` if the pool does not exist; JSON `null` if it has none).
pub(crate) async fn lock_tags(
    conn: &mut PgConnection,
    pool_id: &str,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar(
        "SELECT COALESCE(settings -> 'UserPoolTags', 'null'::jsonb) FROM user_pools \
         WHERE id = $1 FOR UPDATE",
    )
    .bind(pool_id)
    .fetch_optional(conn)
    .await
}

/// Replaces the pool's `UserPoolTags` setting, leaving the other settings as they are.
pub(crate) async fn set_tags(
    conn: &mut PgConnection,
    pool_id: &str,
    tags: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE user_pools SET settings = jsonb_set(settings, '{UserPoolTags}', $2) \
         WHERE id = $1",
    )
    .bind(pool_id)
    .bind(tags)
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn find_pool(db: &PgPool, id: &str) -> sqlx::Result<Option<Pool>> {
    let Some(row) = sqlx::query_as::<_, PoolRow>(SELECT_POOL)
        .bind(id)
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let custom = sqlx::query_as::<_, CustomRow>(
        "SELECT name, data_type, mutable, developer_only, min_length, max_length, min_value, \
            max_value FROM user_pool_custom_attributes WHERE pool_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        Ok(CustomAttribute {
            data_type: decode(
                &r.data_type,
                AttributeDataType::parse,
                "attribute data type",
            )?,
            name: r.name,
            mutable: r.mutable,
            developer_only: r.developer_only,
            min_length: r.min_length,
            max_length: r.max_length,
            min_value: r.min_value,
            max_value: r.max_value,
        })
    })
    .collect::<sqlx::Result<_>>()?;
    Ok(Some(row.into_pool(custom)?))
}

const SELECT_POOL: &str = "SELECT id, name, region, username_attributes, alias_attributes, \
    auto_verified_attributes, required_attributes, password_min_length, \
    password_require_uppercase, password_require_lowercase, password_require_numbers, \
    password_require_symbols, temporary_password_validity_days, allow_admin_create_user_only, \
    case_sensitive_usernames, mfa_configuration, software_token_mfa, deletion_protection, \
    id_token_validity_secs, access_token_validity_secs, refresh_token_validity_secs, settings, \
    created_at, updated_at FROM user_pools WHERE id = $1";

/// Pools ordered by id, after `after` (exclusive).
pub(crate) async fn list_pools(
    db: &PgPool,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<
    Vec<(
        String,
        String,
        serde_json::Value,
        OffsetDateTime,
        OffsetDateTime,
    )>,
> {
    sqlx::query_as(
        "SELECT id, name, settings, created_at, updated_at FROM user_pools \
         WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Writes the updatable settings of `pool` (not the name, schema or sign-in attributes).
pub(crate) async fn update_pool(db: impl PgExecutor<'_>, pool: &Pool) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE user_pools SET auto_verified_attributes = $2, password_min_length = $3, \
            password_require_uppercase = $4, password_require_lowercase = $5, \
            password_require_numbers = $6, password_require_symbols = $7, \
            temporary_password_validity_days = $8, allow_admin_create_user_only = $9, \
            mfa_configuration = $10, deletion_protection = $11, settings = $12, updated_at = $13, \
            software_token_mfa = $14 \
         WHERE id = $1",
    )
    .bind(pool.id.as_str())
    .bind(texts(
        &pool.auto_verified_attributes,
        VerifiableAttribute::as_str,
    ))
    .bind(pool.password.min_length)
    .bind(pool.password.require_uppercase)
    .bind(pool.password.require_lowercase)
    .bind(pool.password.require_numbers)
    .bind(pool.password.require_symbols)
    .bind(pool.password.temporary_password_validity_days)
    .bind(pool.allow_admin_create_user_only)
    .bind(pool.mfa_configuration.as_str())
    .bind(pool.deletion_protection.as_str())
    .bind(&pool.settings)
    .bind(pool.updated_at)
    .bind(pool.software_token_mfa)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn delete_pool(db: &PgPool, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM user_pools WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn count_users(db: &PgPool, id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM user_pool_users WHERE pool_id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}

/// Locks the pool row for the rest of the transaction; false if the pool does not exist.
pub(crate) async fn lock_pool(conn: &mut PgConnection, id: &str) -> sqlx::Result<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM user_pools WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}
