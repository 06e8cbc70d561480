//! PostgreSQL persistence (runtime queries with binds only). Every public function takes the
//! `&PgPool`, validates its input with [`crate::validate`] first, and makes each multi-row
//! change in one transaction, so a refused change leaves nothing behind.
//!
//! Optimistic concurrency: methods, integrations and authorizers carry a `version`; the
//! `update_*` functions take the version the form was loaded with and refuse with
//! [`ApisError::StaleVersion`] if it moved.

mod authorizers;
mod deployments;
mod import;
mod load;
mod methods;
mod rest_apis;

pub use authorizers::{
    authorizer_usage, create_authorizer, delete_authorizer, get_authorizer, list_authorizers,
    update_authorizer,
};
pub use deployments::{
    DeployedStage, create_deployment, create_stage, delete_deployment, delete_stage,
    deployed_stages, deployed_stages_fingerprint, get_deployment_snapshot, get_stage,
    list_deployments, list_stages, point_stage, stage_snapshot, update_stage,
};
pub use import::{
    ApiDefinition, IntegrationDefinition, MethodDefinition, RequestValidator, RequestValidators,
    apply_definition, request_validators, validate_definition, working_copy,
};
pub use methods::{
    delete_integration, delete_integration_response, delete_method, delete_method_response,
    get_integration, get_method, put_integration, put_integration_response, put_method,
    put_method_response, update_integration, update_method,
};
pub use rest_apis::{
    create_resource, create_rest_api, delete_preview, delete_resource, delete_rest_api,
    get_resource, get_rest_api, list_resources, list_rest_apis, update_rest_api,
};

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::error::{ApisError, Entity};
use crate::ids::{ResourceId, RestApiId};

/// Timestamps are exchanged in whole seconds (API Gateway's wire format), so they are cut to
/// seconds when read; then what is stored in a snapshot reads back equal.
pub(crate) fn secs(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

pub(crate) fn corrupt(e: impl std::fmt::Display) -> ApisError {
    ApisError::Corrupt(e.to_string())
}

/// Whether `e` is a unique-constraint violation on the named constraint or index.
pub(crate) fn is_unique_violation(e: &sqlx::Error, constraint: &str) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("23505") && db.constraint() == Some(constraint)
        }
        _ => false,
    }
}

/// Whether `e` is a foreign-key violation.
pub(crate) fn is_fk_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("23503"))
}

/// Fails with the API's NotFound unless it exists.
pub(crate) async fn check_api(
    conn: &mut PgConnection,
    api_id: &RestApiId,
) -> Result<(), ApisError> {
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM rest_apis WHERE id = $1")
        .bind(api_id)
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(ApisError::api_not_found(api_id)),
    }
}

/// Fails with NotFound (API, then resource) unless the resource exists; returns its path.
pub(crate) async fn check_resource(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: &ResourceId,
) -> Result<String, ApisError> {
    check_api(conn, api_id).await?;
    let path: Option<String> =
        sqlx::query_scalar("SELECT path FROM api_resources WHERE api_id = $1 AND id = $2")
            .bind(api_id)
            .bind(resource_id)
            .fetch_optional(&mut *conn)
            .await?;
    path.ok_or_else(|| ApisError::not_found(Entity::Resource))
}
