//! COGNITO_USER_POOLS authorizers.

use sqlx::{PgConnection, PgPool};

use super::load::{AuthorizerRow, load_authorizers};
use super::{check_api, corrupt, is_unique_violation};
use crate::error::{ApisError, Entity};
use crate::ids::{self, AuthorizerId, RestApiId};
use crate::model::{
    Authorizer, AuthorizerSettings, AuthorizerType, DEFAULT_AUTHORIZER_TTL,
    DEFAULT_IDENTITY_SOURCE, HttpMethod,
};
use crate::validate::validate_authorizer;

/// The settings as stored: trimmed, with defaults filled in.
struct Normalized {
    name: String,
    provider_arns: Vec<String>,
    identity_source: String,
    identity_validation_expression: Option<String>,
    ttl: i32,
}

fn normalize(settings: &AuthorizerSettings) -> Result<Normalized, ApisError> {
    validate_authorizer(settings)?;
    Ok(Normalized {
        name: settings.name.trim().to_owned(),
        provider_arns: settings
            .provider_arns
            .iter()
            .map(|p| p.trim().to_owned())
            .collect(),
        identity_source: settings
            .identity_source
            .clone()
            .unwrap_or_else(|| DEFAULT_IDENTITY_SOURCE.to_owned()),
        identity_validation_expression: settings
            .identity_validation_expression
            .clone()
            .filter(|e| !e.is_empty()),
        ttl: settings
            .authorizer_result_ttl_in_seconds
            .unwrap_or(DEFAULT_AUTHORIZER_TTL),
    })
}

/// An issuer URL must be `https://` unless it is one of this Gatehouse's own issuers
/// (`{console}/cognito-idp/{poolId}` of a pool that exists here, whose keys never leave the
/// process): any other pool's keys would be fetched over plain HTTP, where anyone on the path
/// can swap them for their own and mint tokens the authorizer accepts.
pub(crate) async fn check_issuers_use_https(
    conn: &mut PgConnection,
    provider_arns: &[String],
) -> Result<(), ApisError> {
    for provider in provider_arns {
        let provider = provider.trim();
        if !provider
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
        {
            continue;
        }
        let own_pool = crate::provider::provider_to_pool(provider, "")
            .ok()
            .map(|r| r.pool_id)
            .filter(|id| {
                provider
                    .trim_end_matches('/')
                    .ends_with(&format!("/cognito-idp/{id}"))
            });
        let exists = match own_pool {
            Some(id) => {
                sqlx::query_scalar::<_, bool>(
                    "SELECT EXISTS (SELECT 1 FROM user_pools WHERE id = $1)",
                )
                .bind(id)
                .fetch_one(&mut *conn)
                .await?
            }
            None => false,
        };
        if !exists {
            return Err(ApisError::invalid(
                "providerARNs",
                format!(
                    "'{provider}' is not one of this Gatehouse's user pools, and its keys would be \
                     fetched over plain HTTP: use the issuer's https:// URL."
                ),
            ));
        }
    }
    Ok(())
}

fn name_taken(name: &str) -> ApisError {
    ApisError::conflict(
        Some("name"),
        format!(
            "Authorizer name must be unique. Authorizer {name} already exists in this RestApi."
        ),
    )
}

fn map_name_clash(e: sqlx::Error, name: &str) -> ApisError {
    if is_unique_violation(&e, "api_authorizers_name_key") {
        name_taken(name)
    } else {
        e.into()
    }
}

async fn load_authorizer(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    authorizer_id: &AuthorizerId,
    lock: bool,
) -> Result<Authorizer, ApisError> {
    let query = if lock {
        "SELECT id, name, type, provider_arns, identity_source, identity_validation_expression, \
            authorizer_result_ttl_in_seconds, version \
         FROM api_authorizers WHERE api_id = $1 AND id = $2 FOR UPDATE"
    } else {
        "SELECT id, name, type, provider_arns, identity_source, identity_validation_expression, \
            authorizer_result_ttl_in_seconds, version \
         FROM api_authorizers WHERE api_id = $1 AND id = $2"
    };
    let row: Option<AuthorizerRow> = sqlx::query_as(query)
        .bind(api_id)
        .bind(authorizer_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.ok_or_else(|| ApisError::not_found(Entity::Authorizer))?
        .into_authorizer()
}

pub async fn create_authorizer(
    db: &PgPool,
    api_id: &RestApiId,
    settings: &AuthorizerSettings,
) -> Result<Authorizer, ApisError> {
    let s = normalize(settings)?;
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    check_issuers_use_https(&mut tx, &s.provider_arns).await?;
    let id = ids::authorizer_id();
    sqlx::query(
        "INSERT INTO api_authorizers (api_id, id, name, type, provider_arns, identity_source, \
            identity_validation_expression, authorizer_result_ttl_in_seconds) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(api_id)
    .bind(&id)
    .bind(&s.name)
    .bind(AuthorizerType::CognitoUserPools.as_str())
    .bind(&s.provider_arns)
    .bind(&s.identity_source)
    .bind(s.identity_validation_expression.as_deref())
    .bind(s.ttl)
    .execute(&mut *tx)
    .await
    .map_err(|e| map_name_clash(e, &s.name))?;
    let authorizer = load_authorizer(&mut tx, api_id, &id, false).await?;
    tx.commit().await?;
    Ok(authorizer)
}

pub async fn get_authorizer(
    db: &PgPool,
    api_id: &RestApiId,
    authorizer_id: &AuthorizerId,
) -> Result<Authorizer, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    load_authorizer(&mut conn, api_id, authorizer_id, false).await
}

/// The API's authorizers, by name.
pub async fn list_authorizers(
    db: &PgPool,
    api_id: &RestApiId,
) -> Result<Vec<Authorizer>, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    load_authorizers(&mut conn, api_id).await
}

/// Changes an authorizer if its version is still `version`.
pub async fn update_authorizer(
    db: &PgPool,
    api_id: &RestApiId,
    authorizer_id: &AuthorizerId,
    version: i32,
    settings: &AuthorizerSettings,
) -> Result<Authorizer, ApisError> {
    let s = normalize(settings)?;
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let current = load_authorizer(&mut tx, api_id, authorizer_id, true).await?;
    if current.version != version {
        return Err(ApisError::StaleVersion {
            entity: "authorizer",
            expected: version,
            current: current.version,
        });
    }
    check_issuers_use_https(&mut tx, &s.provider_arns).await?;
    sqlx::query(
        "UPDATE api_authorizers SET name = $3, provider_arns = $4, identity_source = $5, \
            identity_validation_expression = $6, authorizer_result_ttl_in_seconds = $7, \
            version = version + 1, updated_at = now() \
         WHERE api_id = $1 AND id = $2",
    )
    .bind(api_id)
    .bind(authorizer_id)
    .bind(&s.name)
    .bind(&s.provider_arns)
    .bind(&s.identity_source)
    .bind(s.identity_validation_expression.as_deref())
    .bind(s.ttl)
    .execute(&mut *tx)
    .await
    .map_err(|e| map_name_clash(e, &s.name))?;
    let authorizer = load_authorizer(&mut tx, api_id, authorizer_id, false).await?;
    tx.commit().await?;
    Ok(authorizer)
}

async fn usage(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    authorizer_id: &AuthorizerId,
) -> Result<Vec<String>, ApisError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.http_method, r.path FROM api_methods m \
         JOIN api_resources r ON r.api_id = m.api_id AND r.id = m.resource_id \
         WHERE m.api_id = $1 AND m.authorizer_id = $2",
    )
    .bind(api_id)
    .bind(authorizer_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut methods = rows
        .into_iter()
        .map(|(verb, path)| Ok((path, HttpMethod::parse(&verb).map_err(corrupt)?)))
        .collect::<Result<Vec<_>, ApisError>>()?;
    methods.sort();
    Ok(methods
        .into_iter()
        .map(|(path, verb)| format!("{verb} {path}"))
        .collect())
}

/// The methods using the authorizer, as `GET /pets`, sorted by path then verb.
pub async fn authorizer_usage(
    db: &PgPool,
    api_id: &RestApiId,
    authorizer_id: &AuthorizerId,
) -> Result<Vec<String>, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    load_authorizer(&mut conn, api_id, authorizer_id, false).await?;
    usage(&mut conn, api_id, authorizer_id).await
}

/// Deletes an authorizer; refused (naming them) while methods use it.
pub async fn delete_authorizer(
    db: &PgPool,
    api_id: &RestApiId,
    authorizer_id: &AuthorizerId,
) -> Result<(), ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    // The row lock makes a concurrent method save that points here wait for us.
    load_authorizer(&mut tx, api_id, authorizer_id, true).await?;
    let methods = usage(&mut tx, api_id, authorizer_id).await?;
    if !methods.is_empty() {
        return Err(ApisError::AuthorizerInUse { methods });
    }
    sqlx::query("DELETE FROM api_authorizers WHERE api_id = $1 AND id = $2")
        .bind(api_id)
        .bind(authorizer_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
