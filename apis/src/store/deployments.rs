//! Deployments (immutable snapshots) and stages (named pointers to one deployment).

use std::collections::BTreeMap;

use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::load::{StageRow, load_api, load_authorizers, load_resources};
use super::{check_api, corrupt, is_unique_violation, secs};
use crate::error::{ApisError, Entity, ErrorKind, msg};
use crate::ids::{self, DeploymentId, RestApiId, StageName};
use crate::model::{Deployment, DeploymentSnapshot, Stage, StageSettings};
use crate::validate::{validate_description, validate_stage_name, validate_stage_variables};

async fn check_deployment(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    deployment_id: &DeploymentId,
) -> Result<(), ApisError> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM api_deployments WHERE api_id = $1 AND id = $2")
            .bind(api_id)
            .bind(deployment_id)
            .fetch_optional(&mut *conn)
            .await?;
    found
        .map(|_| ())
        .ok_or_else(|| ApisError::not_found(Entity::Deployment))
}

async fn load_stage(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    stage_name: &StageName,
) -> Result<Stage, ApisError> {
    let row: Option<StageRow> = sqlx::query_as(
        "SELECT stage_name, deployment_id, description, variables, created_at, updated_at \
         FROM api_stages WHERE api_id = $1 AND stage_name = $2",
    )
    .bind(api_id)
    .bind(stage_name)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(Stage::from)
        .ok_or_else(|| ApisError::not_found(Entity::Stage))
}

async fn load_snapshot(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    deployment_id: &DeploymentId,
) -> Result<DeploymentSnapshot, ApisError> {
    let snapshot: Option<Json<serde_json::Value>> =
        sqlx::query_scalar("SELECT snapshot FROM api_deployments WHERE api_id = $1 AND id = $2")
            .bind(api_id)
            .bind(deployment_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(Json(snapshot)) = snapshot else {
        return Err(ApisError::not_found(Entity::Deployment));
    };
    serde_json::from_value(snapshot).map_err(corrupt)
}

/// Deploys the API: freezes all of it (resources, methods, integrations, responses,
/// authorizers) into a new deployment, and, with `stage_name`, points that stage at it
/// (creating the stage, with `stage_description`, if it does not exist; an existing stage
/// keeps its description and variables). Refused if the API has no methods or a method has
/// no integration.
pub async fn create_deployment(
    db: &PgPool,
    api_id: &RestApiId,
    description: &str,
    stage_name: Option<&StageName>,
    stage_description: Option<&str>,
) -> Result<DeploymentSnapshot, ApisError> {
    validate_description(description)?;
    if let Some(stage) = stage_name {
        validate_stage_name(stage)?;
    }
    if let Some(d) = stage_description {
        validate_description(d)?;
    }
    let mut tx = db.begin().await?;
    // One consistent view of the whole API.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    let api = load_api(&mut tx, api_id).await?;
    let resources = load_resources(&mut tx, api_id, None).await?;
    let authorizers = load_authorizers(&mut tx, api_id).await?;
    if resources.iter().all(|r| r.resource_methods.is_empty()) {
        return Err(ApisError::invalid("resourceMethods", msg::NO_METHODS));
    }
    let missing: Vec<String> = resources
        .iter()
        .flat_map(|r| {
            r.resource_methods
                .values()
                .filter(|m| m.method_integration.is_none())
                .map(move |m| format!("{} {}", m.http_method, r.path))
        })
        .collect();
    if !missing.is_empty() {
        return Err(ApisError::invalid(
            "methodIntegration",
            format!("{}: {}", msg::NO_INTEGRATION, missing.join(", ")),
        ));
    }
    let snapshot = DeploymentSnapshot {
        format_version: DeploymentSnapshot::FORMAT_VERSION,
        deployment_id: ids::deployment_id(),
        description: description.to_owned(),
        created_date: secs(OffsetDateTime::now_utc()),
        api,
        resources,
        authorizers,
    };
    let value = serde_json::to_value(&snapshot).map_err(corrupt)?;
    sqlx::query(
        "INSERT INTO api_deployments (api_id, id, description, snapshot, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(api_id)
    .bind(&snapshot.deployment_id)
    .bind(description)
    .bind(Json(&value))
    .bind(snapshot.created_date)
    .execute(&mut *tx)
    .await?;
    if let Some(stage) = stage_name {
        sqlx::query(
            "INSERT INTO api_stages (api_id, stage_name, deployment_id, description) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (api_id, stage_name) DO UPDATE SET \
                deployment_id = EXCLUDED.deployment_id, updated_at = now()",
        )
        .bind(api_id)
        .bind(stage)
        .bind(&snapshot.deployment_id)
        .bind(stage_description.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(snapshot)
}

/// The API's deployments, newest first, each with the stages pointing at it.
pub async fn list_deployments(
    db: &PgPool,
    api_id: &RestApiId,
) -> Result<Vec<Deployment>, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    let rows: Vec<(DeploymentId, String, OffsetDateTime, Vec<StageName>)> = sqlx::query_as(
        "SELECT d.id, d.description, d.created_at, \
            ARRAY(SELECT s.stage_name FROM api_stages s \
                  WHERE s.api_id = d.api_id AND s.deployment_id = d.id ORDER BY s.stage_name) \
         FROM api_deployments d WHERE d.api_id = $1 ORDER BY d.created_at DESC, d.id",
    )
    .bind(api_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, description, created_at, stage_names)| Deployment {
            id,
            description,
            created_date: secs(created_at),
            stage_names,
        })
        .collect())
}

/// The frozen API of a deployment.
pub async fn get_deployment_snapshot(
    db: &PgPool,
    api_id: &RestApiId,
    deployment_id: &DeploymentId,
) -> Result<DeploymentSnapshot, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    load_snapshot(&mut conn, api_id, deployment_id).await
}

/// Deletes a deployment; refused while a stage points at it.
pub async fn delete_deployment(
    db: &PgPool,
    api_id: &RestApiId,
    deployment_id: &DeploymentId,
) -> Result<(), ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let found: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM api_deployments WHERE api_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(api_id)
    .bind(deployment_id)
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Err(ApisError::not_found(Entity::Deployment));
    }
    let stages: Vec<StageName> = sqlx::query_scalar(
        "SELECT stage_name FROM api_stages WHERE api_id = $1 AND deployment_id = $2 \
         ORDER BY stage_name",
    )
    .bind(api_id)
    .bind(deployment_id)
    .fetch_all(&mut *tx)
    .await?;
    if !stages.is_empty() {
        return Err(ApisError::DeploymentInUse { stages });
    }
    sqlx::query("DELETE FROM api_deployments WHERE api_id = $1 AND id = $2")
        .bind(api_id)
        .bind(deployment_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create_stage(
    db: &PgPool,
    api_id: &RestApiId,
    settings: &StageSettings,
) -> Result<Stage, ApisError> {
    validate_stage_name(&settings.stage_name)?;
    validate_description(&settings.description)?;
    validate_stage_variables(&settings.variables)?;
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    check_deployment(&mut tx, api_id, &settings.deployment_id).await?;
    let inserted = sqlx::query(
        "INSERT INTO api_stages (api_id, stage_name, deployment_id, description, variables) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(api_id)
    .bind(&settings.stage_name)
    .bind(&settings.deployment_id)
    .bind(&settings.description)
    .bind(Json(&settings.variables))
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e, "api_stages_pkey") => {
            return Err(ApisError::conflict(Some("stageName"), msg::STAGE_EXISTS));
        }
        Err(e) => return Err(e.into()),
    }
    let stage = load_stage(&mut tx, api_id, &settings.stage_name).await?;
    tx.commit().await?;
    Ok(stage)
}

pub async fn get_stage(
    db: &PgPool,
    api_id: &RestApiId,
    stage_name: &StageName,
) -> Result<Stage, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    load_stage(&mut conn, api_id, stage_name).await
}

/// The API's stages, by name.
pub async fn list_stages(db: &PgPool, api_id: &RestApiId) -> Result<Vec<Stage>, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    let rows: Vec<StageRow> = sqlx::query_as(
        "SELECT stage_name, deployment_id, description, variables, created_at, updated_at \
         FROM api_stages WHERE api_id = $1 ORDER BY stage_name",
    )
    .bind(api_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(Stage::from).collect())
}

/// Replaces a stage's description and variables (not its deployment).
pub async fn update_stage(
    db: &PgPool,
    api_id: &RestApiId,
    stage_name: &StageName,
    description: &str,
    variables: &BTreeMap<String, String>,
) -> Result<Stage, ApisError> {
    validate_description(description)?;
    validate_stage_variables(variables)?;
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let updated = sqlx::query(
        "UPDATE api_stages SET description = $3, variables = $4, updated_at = now() \
         WHERE api_id = $1 AND stage_name = $2",
    )
    .bind(api_id)
    .bind(stage_name)
    .bind(description)
    .bind(Json(variables))
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ApisError::not_found(Entity::Stage));
    }
    let stage = load_stage(&mut tx, api_id, stage_name).await?;
    tx.commit().await?;
    Ok(stage)
}

/// Points a stage at another deployment of the API (redeploy or roll back). Only the pointer
/// changes.
pub async fn point_stage(
    db: &PgPool,
    api_id: &RestApiId,
    stage_name: &StageName,
    deployment_id: &DeploymentId,
) -> Result<Stage, ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    load_stage(&mut tx, api_id, stage_name).await?;
    check_deployment(&mut tx, api_id, deployment_id).await?;
    sqlx::query(
        "UPDATE api_stages SET deployment_id = $3, updated_at = now() \
         WHERE api_id = $1 AND stage_name = $2",
    )
    .bind(api_id)
    .bind(stage_name)
    .bind(deployment_id)
    .execute(&mut *tx)
    .await?;
    let stage = load_stage(&mut tx, api_id, stage_name).await?;
    tx.commit().await?;
    Ok(stage)
}

pub async fn delete_stage(
    db: &PgPool,
    api_id: &RestApiId,
    stage_name: &StageName,
) -> Result<(), ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let deleted = sqlx::query("DELETE FROM api_stages WHERE api_id = $1 AND stage_name = $2")
        .bind(api_id)
        .bind(stage_name)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApisError::not_found(Entity::Stage));
    }
    tx.commit().await?;
    Ok(())
}

/// What the gateway serves for a stage: the stage (variables) and its deployment's snapshot.
pub async fn stage_snapshot(
    db: &PgPool,
    api_id: &RestApiId,
    stage_name: &StageName,
) -> Result<(Stage, DeploymentSnapshot), ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let stage = load_stage(&mut tx, api_id, stage_name).await?;
    let snapshot = load_snapshot(&mut tx, api_id, &stage.deployment_id).await?;
    tx.commit().await?;
    Ok((stage, snapshot))
}

/// A stage the gateway serves: its API, the stage (variables) and its deployment's snapshot.
#[derive(Debug, Clone)]
pub struct DeployedStage {
    pub api_id: RestApiId,
    pub stage: Stage,
    pub snapshot: DeploymentSnapshot,
}

/// Every stage of every API, by API then stage name, with its deployment's snapshot: what the
/// gateway serves. A stage deleted while this reads is left out.
pub async fn deployed_stages(db: &PgPool) -> Result<Vec<DeployedStage>, ApisError> {
    let stages: Vec<(RestApiId, StageName)> =
        sqlx::query_as("SELECT api_id, stage_name FROM api_stages ORDER BY api_id, stage_name")
            .fetch_all(db)
            .await?;
    let mut deployed = Vec::with_capacity(stages.len());
    for (api_id, stage_name) in stages {
        match stage_snapshot(db, &api_id, &stage_name).await {
            Ok((stage, snapshot)) => deployed.push(DeployedStage {
                api_id,
                stage,
                snapshot,
            }),
            // Deleted between the two queries: the caller's next read settles it.
            Err(e) if matches!(e.kind(), ErrorKind::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(deployed)
}

/// A digest of what [`deployed_stages`] reads: while it is unchanged, so are they
/// (deployments are immutable, so the stage rows say everything).
pub async fn deployed_stages_fingerprint(db: &PgPool) -> Result<String, ApisError> {
    Ok(sqlx::query_scalar(
        "SELECT md5(coalesce(string_agg(api_id || '/' || stage_name || '@' || deployment_id || ':' || variables::text, ','
                 ORDER BY api_id, stage_name), '')) FROM api_stages",
    )
    .fetch_one(db)
    .await?)
}
