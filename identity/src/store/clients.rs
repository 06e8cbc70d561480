//! Table `user_pool_clients`.

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

use super::{decode, decode_all};
use crate::model::{
    Client, ClientId, ExplicitAuthFlow, PoolId, PreventUserExistenceErrors, TokenValidityUnit,
};

#[derive(sqlx::FromRow)]
struct ClientRow {
    id: String,
    pool_id: String,
    name: String,
    secret_sealed: Option<Vec<u8>>,
    explicit_auth_flows: Vec<String>,
    read_attributes: Option<Vec<String>>,
    write_attributes: Option<Vec<String>>,
    access_token_validity: i32,
    access_token_unit: String,
    id_token_validity: i32,
    id_token_unit: String,
    refresh_token_validity: i32,
    refresh_token_unit: String,
    access_token_validity_secs: i32,
    id_token_validity_secs: i32,
    refresh_token_validity_secs: i32,
    prevent_user_existence_errors: String,
    enable_token_revocation: bool,
    auth_session_validity_minutes: i32,
    settings: serde_json::Value,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl ClientRow {
    fn into_client(self) -> sqlx::Result<Client> {
        let unit = |text: &str| decode(text, TokenValidityUnit::parse, "token validity unit");
        Ok(Client {
            id: ClientId::new(self.id),
            pool_id: PoolId::new(self.pool_id),
            name: self.name,
            secret_sealed: self.secret_sealed,
            explicit_auth_flows: decode_all(
                &self.explicit_auth_flows,
                ExplicitAuthFlow::parse,
                "explicit auth flow",
            )?,
            read_attributes: self.read_attributes,
            write_attributes: self.write_attributes,
            access_token_validity: self.access_token_validity,
            access_token_unit: unit(&self.access_token_unit)?,
            id_token_validity: self.id_token_validity,
            id_token_unit: unit(&self.id_token_unit)?,
            refresh_token_validity: self.refresh_token_validity,
            refresh_token_unit: unit(&self.refresh_token_unit)?,
            access_token_validity_secs: self.access_token_validity_secs,
            id_token_validity_secs: self.id_token_validity_secs,
            refresh_token_validity_secs: self.refresh_token_validity_secs,
            prevent_user_existence_errors: decode(
                &self.prevent_user_existence_errors,
                PreventUserExistenceErrors::parse,
                "PreventUserExistenceErrors",
            )?,
            enable_token_revocation: self.enable_token_revocation,
            auth_session_validity_minutes: self.auth_session_validity_minutes,
            settings: self.settings,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds `$1`..`$20` in the column order both writes use: id, pool, name, then every setting,
/// then `updated_at`.
fn bind_client<'q>(q: PgQuery<'q>, c: &'q Client) -> PgQuery<'q> {
    q.bind(c.id.as_str())
        .bind(c.pool_id.as_str())
        .bind(&c.name)
        .bind(
            c.explicit_auth_flows
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(&c.read_attributes)
        .bind(&c.write_attributes)
        .bind(c.access_token_validity)
        .bind(c.access_token_unit.as_str())
        .bind(c.id_token_validity)
        .bind(c.id_token_unit.as_str())
        .bind(c.refresh_token_validity)
        .bind(c.refresh_token_unit.as_str())
        .bind(c.access_token_validity_secs)
        .bind(c.id_token_validity_secs)
        .bind(c.refresh_token_validity_secs)
        .bind(c.prevent_user_existence_errors.as_str())
        .bind(c.enable_token_revocation)
        .bind(c.auth_session_validity_minutes)
        .bind(&c.settings)
        .bind(c.updated_at)
}

pub(crate) async fn insert_client(db: impl PgExecutor<'_>, c: &Client) -> sqlx::Result<()> {
    let insert = sqlx::query(
        "INSERT INTO user_pool_clients (id, pool_id, name, explicit_auth_flows, \
            read_attributes, write_attributes, access_token_validity, access_token_unit, \
            id_token_validity, id_token_unit, refresh_token_validity, refresh_token_unit, \
            access_token_validity_secs, id_token_validity_secs, refresh_token_validity_secs, \
            prevent_user_existence_errors, enable_token_revocation, \
            auth_session_validity_minutes, settings, updated_at, secret_sealed, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
            $18, $19, $20, $21, $22)",
    );
    bind_client(insert, c)
        .bind(&c.secret_sealed)
        .bind(c.created_at)
        .execute(db)
        .await?;
    Ok(())
}

/// Replaces every setting of a client (UpdateUserPoolClient); its id, pool, secret and
/// creation date stay.
pub(crate) async fn update_client(db: impl PgExecutor<'_>, c: &Client) -> sqlx::Result<bool> {
    let update = sqlx::query(
        "UPDATE user_pool_clients SET name = $3, explicit_auth_flows = $4, read_attributes = $5, \
            write_attributes = $6, access_token_validity = $7, access_token_unit = $8, \
            id_token_validity = $9, id_token_unit = $10, refresh_token_validity = $11, \
            refresh_token_unit = $12, access_token_validity_secs = $13, \
            id_token_validity_secs = $14, refresh_token_validity_secs = $15, \
            prevent_user_existence_errors = $16, enable_token_revocation = $17, \
            auth_session_validity_minutes = $18, settings = $19, updated_at = $20 \
         WHERE id = $1 AND pool_id = $2",
    );
    let done = bind_client(update, c).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn find_client(db: &PgPool, id: &str) -> sqlx::Result<Option<Client>> {
    sqlx::query_as::<_, ClientRow>(
        "SELECT id, pool_id, name, secret_sealed, explicit_auth_flows, read_attributes, \
            write_attributes, access_token_validity, access_token_unit, id_token_validity, \
            id_token_unit, refresh_token_validity, refresh_token_unit, \
            access_token_validity_secs, id_token_validity_secs, refresh_token_validity_secs, \
            prevent_user_existence_errors, enable_token_revocation, \
            auth_session_validity_minutes, settings, created_at, updated_at \
         FROM user_pool_clients WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .map(ClientRow::into_client)
    .transpose()
}

/// `(client_id, name)` of a pool's clients ordered by id, after `after` (exclusive).
pub(crate) async fn list_clients(
    db: &PgPool,
    pool_id: &str,
    after: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT id, name FROM user_pool_clients \
         WHERE pool_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3",
    )
    .bind(pool_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub(crate) async fn delete_client(db: &PgPool, pool_id: &str, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM user_pool_clients WHERE pool_id = $1 AND id = $2")
        .bind(pool_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The longest ID or access token lifetime of any client of the pool (seconds), if any.
pub(crate) async fn max_token_validity_secs(
    db: impl PgExecutor<'_>,
    pool_id: &str,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar(
        "SELECT max(GREATEST(id_token_validity_secs, access_token_validity_secs)) \
         FROM user_pool_clients WHERE pool_id = $1",
    )
    .bind(pool_id)
    .fetch_one(db)
    .await
}
