//! Methods, their integrations, and method / integration responses.

use std::collections::BTreeMap;

use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

use super::load::load_methods;
use super::{check_resource, is_fk_violation};
use crate::error::{ApisError, Entity, msg};
use crate::ids::{ResourceId, RestApiId};
use crate::model::{
    AuthorizationType, DEFAULT_TIMEOUT_MILLIS, HttpMethod, Integration, IntegrationResponse,
    IntegrationResponseSettings, IntegrationSettings, Method, MethodResponse,
    MethodResponseSettings, MethodSettings,
};
use crate::validate::{
    validate_integration, validate_integration_response, validate_method_response,
    validate_method_settings, validate_status_code,
};

fn invalid_authorizer() -> ApisError {
    ApisError::invalid(
        "authorizerId",
        "Invalid authorizer ID specified. Setting the authorization type to COGNITO_USER_POOLS \
         requires a valid authorizer.",
    )
}

/// Checks that the method's authorizer (if any) exists in the API.
async fn check_authorizer(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    settings: &MethodSettings,
) -> Result<(), ApisError> {
    if settings.authorization_type != AuthorizationType::CognitoUserPools {
        return Ok(());
    }
    let Some(id) = settings.authorizer_id.as_deref() else {
        return Err(invalid_authorizer());
    };
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM api_authorizers WHERE api_id = $1 AND id = $2")
            .bind(api_id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    found.map(|_| ()).ok_or_else(invalid_authorizer)
}

/// The method's version and declared request parameters, locked for the transaction.
async fn lock_method(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<(i32, BTreeMap<String, bool>), ApisError> {
    check_resource(conn, api_id, resource_id).await?;
    let row: Option<(i32, Json<BTreeMap<String, bool>>)> = sqlx::query_as(
        "SELECT version, request_parameters FROM api_methods \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3 FOR UPDATE",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(v, p)| (v, p.0))
        .ok_or_else(|| ApisError::not_found(Entity::Method))
}

async fn load_method(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<Method, ApisError> {
    load_methods(conn, api_id, Some(resource_id), Some(http_method))
        .await?
        .pop()
        .map(|(_, m)| m)
        .ok_or_else(|| ApisError::not_found(Entity::Method))
}

fn map_authorizer_fk(e: sqlx::Error) -> ApisError {
    if is_fk_violation(&e) {
        invalid_authorizer()
    } else {
        e.into()
    }
}

/// Adds a method to a resource (PutMethod). Refused if the resource already has it.
pub async fn put_method(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    settings: &MethodSettings,
) -> Result<Method, ApisError> {
    validate_method_settings(settings)?;
    let mut tx = db.begin().await?;
    check_resource(&mut tx, api_id, resource_id).await?;
    check_authorizer(&mut tx, api_id, settings).await?;
    let inserted: Option<i32> = sqlx::query_scalar(
        "INSERT INTO api_methods (api_id, resource_id, http_method, authorization_type, \
            authorizer_id, authorization_scopes, api_key_required, request_parameters) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (api_id, resource_id, http_method) DO NOTHING RETURNING version",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .bind(settings.authorization_type.as_str())
    .bind(settings.authorizer_id.as_deref())
    .bind(&settings.authorization_scopes)
    .bind(settings.api_key_required)
    .bind(Json(&settings.request_parameters))
    .fetch_optional(&mut *tx)
    .await
    .map_err(map_authorizer_fk)?;
    if inserted.is_none() {
        return Err(ApisError::conflict(Some("httpMethod"), msg::METHOD_EXISTS));
    }
    let method = load_method(&mut tx, api_id, resource_id, http_method).await?;
    tx.commit().await?;
    Ok(method)
}

/// The method with its responses and integration.
pub async fn get_method(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<Method, ApisError> {
    let mut tx = db.begin().await?;
    check_resource(&mut tx, api_id, resource_id).await?;
    let method = load_method(&mut tx, api_id, resource_id, http_method).await?;
    tx.commit().await?;
    Ok(method)
}

/// Changes a method's settings if its version is still `version`.
pub async fn update_method(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    version: i32,
    settings: &MethodSettings,
) -> Result<Method, ApisError> {
    validate_method_settings(settings)?;
    let mut tx = db.begin().await?;
    let (current, _) = lock_method(&mut tx, api_id, resource_id, http_method).await?;
    if current != version {
        return Err(ApisError::StaleVersion {
            entity: "method",
            expected: version,
            current,
        });
    }
    check_authorizer(&mut tx, api_id, settings).await?;
    sqlx::query(
        "UPDATE api_methods SET authorization_type = $4, authorizer_id = $5, \
            authorization_scopes = $6, api_key_required = $7, request_parameters = $8, \
            version = version + 1, updated_at = now() \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .bind(settings.authorization_type.as_str())
    .bind(settings.authorizer_id.as_deref())
    .bind(&settings.authorization_scopes)
    .bind(settings.api_key_required)
    .bind(Json(&settings.request_parameters))
    .execute(&mut *tx)
    .await
    .map_err(map_authorizer_fk)?;
    let method = load_method(&mut tx, api_id, resource_id, http_method).await?;
    tx.commit().await?;
    Ok(method)
}

/// Deletes a method with its integration and responses.
pub async fn delete_method(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<(), ApisError> {
    let mut tx = db.begin().await?;
    lock_method(&mut tx, api_id, resource_id, http_method).await?;
    sqlx::query(
        "DELETE FROM api_methods WHERE api_id = $1 AND resource_id = $2 AND http_method = $3",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn load_integration(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<Integration, ApisError> {
    load_method(conn, api_id, resource_id, http_method)
        .await?
        .method_integration
        .ok_or_else(|| ApisError::not_found(Entity::Integration))
}

async fn write_integration(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    settings: &IntegrationSettings,
) -> Result<(), ApisError> {
    sqlx::query(
        "INSERT INTO api_integrations (api_id, resource_id, http_method, type, \
            integration_http_method, uri, request_parameters, request_templates, \
            passthrough_behavior, timeout_in_millis) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (api_id, resource_id, http_method) DO UPDATE SET \
            type = EXCLUDED.type, integration_http_method = EXCLUDED.integration_http_method, \
            uri = EXCLUDED.uri, request_parameters = EXCLUDED.request_parameters, \
            request_templates = EXCLUDED.request_templates, \
            passthrough_behavior = EXCLUDED.passthrough_behavior, \
            timeout_in_millis = EXCLUDED.timeout_in_millis, \
            version = api_integrations.version + 1, updated_at = now()",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .bind(settings.kind.as_str())
    .bind(settings.http_method.map(HttpMethod::as_str))
    .bind(settings.uri.as_deref())
    .bind(Json(&settings.request_parameters))
    .bind(Json(&settings.request_templates))
    .bind(settings.passthrough_behavior.unwrap_or_default().as_str())
    .bind(settings.timeout_in_millis.unwrap_or(DEFAULT_TIMEOUT_MILLIS))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the method's integration (PutIntegration): creates it, or replaces the settings of the
/// existing one without a version check (its integration responses are kept). Forms editing
/// an existing integration use [`update_integration`].
pub async fn put_integration(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    settings: &IntegrationSettings,
) -> Result<Integration, ApisError> {
    let mut tx = db.begin().await?;
    let (_, method_parameters) = lock_method(&mut tx, api_id, resource_id, http_method).await?;
    validate_integration(settings, &method_parameters)?;
    write_integration(&mut tx, api_id, resource_id, http_method, settings).await?;
    let integration = load_integration(&mut tx, api_id, resource_id, http_method).await?;
    tx.commit().await?;
    Ok(integration)
}

pub async fn get_integration(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<Integration, ApisError> {
    let mut tx = db.begin().await?;
    check_resource(&mut tx, api_id, resource_id).await?;
    let integration = load_integration(&mut tx, api_id, resource_id, http_method).await?;
    tx.commit().await?;
    Ok(integration)
}

/// Changes the integration's settings if its version is still `version`.
pub async fn update_integration(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    version: i32,
    settings: &IntegrationSettings,
) -> Result<Integration, ApisError> {
    let mut tx = db.begin().await?;
    let (_, method_parameters) = lock_method(&mut tx, api_id, resource_id, http_method).await?;
    let current: Option<i32> = sqlx::query_scalar(
        "SELECT version FROM api_integrations \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3 FOR UPDATE",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(current) = current else {
        return Err(ApisError::not_found(Entity::Integration));
    };
    if current != version {
        return Err(ApisError::StaleVersion {
            entity: "integration",
            expected: version,
            current,
        });
    }
    validate_integration(settings, &method_parameters)?;
    write_integration(&mut tx, api_id, resource_id, http_method, settings).await?;
    let integration = load_integration(&mut tx, api_id, resource_id, http_method).await?;
    tx.commit().await?;
    Ok(integration)
}

/// Removes the method's integration and its integration responses.
pub async fn delete_integration(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
) -> Result<(), ApisError> {
    let mut tx = db.begin().await?;
    lock_method(&mut tx, api_id, resource_id, http_method).await?;
    let deleted = sqlx::query(
        "DELETE FROM api_integrations \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .execute(&mut *tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApisError::not_found(Entity::Integration));
    }
    tx.commit().await?;
    Ok(())
}

/// Declares (or replaces) the method response for `status_code`.
pub async fn put_method_response(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    status_code: &str,
    settings: &MethodResponseSettings,
) -> Result<MethodResponse, ApisError> {
    validate_method_response(status_code, settings)?;
    let mut tx = db.begin().await?;
    lock_method(&mut tx, api_id, resource_id, http_method).await?;
    sqlx::query(
        "INSERT INTO api_method_responses (api_id, resource_id, http_method, status_code, \
            response_parameters, response_models) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (api_id, resource_id, http_method, status_code) DO UPDATE SET \
            response_parameters = EXCLUDED.response_parameters, \
            response_models = EXCLUDED.response_models",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .bind(status_code)
    .bind(Json(&settings.response_parameters))
    .bind(Json(&settings.response_models))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(MethodResponse {
        status_code: status_code.to_owned(),
        response_parameters: settings.response_parameters.clone(),
        response_models: settings.response_models.clone(),
    })
}

pub async fn delete_method_response(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    status_code: &str,
) -> Result<(), ApisError> {
    delete_response(
        db,
        api_id,
        resource_id,
        http_method,
        status_code,
        Entity::MethodResponse,
    )
    .await
}

/// Sets (or replaces) the integration response for `status_code`. The integration must exist,
/// and so must the method response with the same status code (whose declared headers are the
/// only ones `responseParameters` may set).
pub async fn put_integration_response(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    status_code: &str,
    settings: &IntegrationResponseSettings,
) -> Result<IntegrationResponse, ApisError> {
    validate_status_code(status_code)?;
    let mut tx = db.begin().await?;
    lock_method(&mut tx, api_id, resource_id, http_method).await?;
    let integration: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM api_integrations \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3 FOR UPDATE",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if integration.is_none() {
        return Err(ApisError::not_found(Entity::Integration));
    }
    let declared: Option<Json<BTreeMap<String, bool>>> = sqlx::query_scalar(
        "SELECT response_parameters FROM api_method_responses \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3 AND status_code = $4",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .bind(status_code)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(Json(declared)) = declared else {
        return Err(ApisError::NotFound {
            entity: Entity::MethodResponse,
            message: format!(
                "{} (add a method response for {status_code} first)",
                msg::RESPONSE_NOT_FOUND
            ),
        });
    };
    let selection_pattern = settings
        .selection_pattern
        .as_deref()
        .filter(|p| !p.is_empty());
    let settings = IntegrationResponseSettings {
        selection_pattern: selection_pattern.map(str::to_owned),
        ..settings.clone()
    };
    validate_integration_response(status_code, &settings, &declared)?;
    sqlx::query(
        "INSERT INTO api_integration_responses (api_id, resource_id, http_method, status_code, \
            selection_pattern, response_parameters, response_templates) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (api_id, resource_id, http_method, status_code) DO UPDATE SET \
            selection_pattern = EXCLUDED.selection_pattern, \
            response_parameters = EXCLUDED.response_parameters, \
            response_templates = EXCLUDED.response_templates",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(http_method.as_str())
    .bind(status_code)
    .bind(settings.selection_pattern.as_deref())
    .bind(Json(&settings.response_parameters))
    .bind(Json(&settings.response_templates))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(IntegrationResponse {
        status_code: status_code.to_owned(),
        selection_pattern: settings.selection_pattern,
        response_parameters: settings.response_parameters,
        response_templates: settings.response_templates,
    })
}

pub async fn delete_integration_response(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    status_code: &str,
) -> Result<(), ApisError> {
    delete_response(
        db,
        api_id,
        resource_id,
        http_method,
        status_code,
        Entity::IntegrationResponse,
    )
    .await
}

/// Deletes one method or integration response (`entity` says which), under the method's lock.
async fn delete_response(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    http_method: HttpMethod,
    status_code: &str,
    entity: Entity,
) -> Result<(), ApisError> {
    validate_status_code(status_code)?;
    let sql = if entity == Entity::MethodResponse {
        "DELETE FROM api_method_responses \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3 AND status_code = $4"
    } else {
        "DELETE FROM api_integration_responses \
         WHERE api_id = $1 AND resource_id = $2 AND http_method = $3 AND status_code = $4"
    };
    let mut tx = db.begin().await?;
    lock_method(&mut tx, api_id, resource_id, http_method).await?;
    let deleted = sqlx::query(sql)
        .bind(api_id)
        .bind(resource_id)
        .bind(http_method.as_str())
        .bind(status_code)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApisError::not_found(entity));
    }
    tx.commit().await?;
    Ok(())
}
