//! REST APIs and their resource tree.

use sqlx::PgPool;

use super::load::{ApiRow, load_api, load_resources};
use super::{check_api, is_unique_violation};
use crate::error::{ApisError, Entity, msg};
use crate::ids::{self, ResourceId, RestApiId, StageName};
use crate::model::{DeletePreview, DeletedResources, Resource, RestApi};
use crate::validate::{
    PathPart, parse_path_part, path_variables, validate_api_name, validate_description,
};

/// Creates an API with its root resource `/`.
pub async fn create_rest_api(
    db: &PgPool,
    name: &str,
    description: &str,
) -> Result<RestApi, ApisError> {
    let name = name.trim();
    validate_api_name(name)?;
    validate_description(description)?;
    let mut tx = db.begin().await?;
    let id = ids::rest_api_id();
    sqlx::query("INSERT INTO rest_apis (id, name, description) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(name)
        .bind(description)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO api_resources (api_id, id, parent_id, path_part, path) \
         VALUES ($1, $2, NULL, '', '/')",
    )
    .bind(&id)
    .bind(ids::resource_id())
    .execute(&mut *tx)
    .await?;
    let api = load_api(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(api)
}

/// Every API, by name.
pub async fn list_rest_apis(db: &PgPool) -> Result<Vec<RestApi>, ApisError> {
    let rows: Vec<ApiRow> = sqlx::query_as(
        "SELECT a.id, a.name, a.description, a.created_at, r.id AS root_resource_id \
         FROM rest_apis a JOIN api_resources r ON r.api_id = a.id AND r.parent_id IS NULL \
         ORDER BY lower(a.name), a.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(RestApi::from).collect())
}

pub async fn get_rest_api(db: &PgPool, api_id: &RestApiId) -> Result<RestApi, ApisError> {
    let mut conn = db.acquire().await?;
    load_api(&mut conn, api_id).await
}

/// Renames an API and/or changes its description.
pub async fn update_rest_api(
    db: &PgPool,
    api_id: &RestApiId,
    name: &str,
    description: &str,
) -> Result<RestApi, ApisError> {
    let name = name.trim();
    validate_api_name(name)?;
    validate_description(description)?;
    let mut tx = db.begin().await?;
    let updated = sqlx::query(
        "UPDATE rest_apis SET name = $2, description = $3, updated_at = now() WHERE id = $1",
    )
    .bind(api_id)
    .bind(name)
    .bind(description)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ApisError::api_not_found(api_id));
    }
    let api = load_api(&mut tx, api_id).await?;
    tx.commit().await?;
    Ok(api)
}

/// Deletes the API and everything in it (resources, methods, authorizers, deployments,
/// stages).
pub async fn delete_rest_api(db: &PgPool, api_id: &RestApiId) -> Result<(), ApisError> {
    let deleted = sqlx::query("DELETE FROM rest_apis WHERE id = $1")
        .bind(api_id)
        .execute(db)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApisError::api_not_found(api_id));
    }
    Ok(())
}

/// What [`delete_rest_api`] would remove, for the confirmation dialog.
pub async fn delete_preview(db: &PgPool, api_id: &RestApiId) -> Result<DeletePreview, ApisError> {
    let mut conn = db.acquire().await?;
    let api = load_api(&mut conn, api_id).await?;
    let (resources, methods, authorizers, stages, deployments, stage_names): (
        i64,
        i64,
        i64,
        i64,
        i64,
        Vec<StageName>,
    ) = sqlx::query_as(
        "SELECT \
            (SELECT count(*) FROM api_resources WHERE api_id = $1), \
            (SELECT count(*) FROM api_methods WHERE api_id = $1), \
            (SELECT count(*) FROM api_authorizers WHERE api_id = $1), \
            (SELECT count(*) FROM api_stages WHERE api_id = $1), \
            (SELECT count(*) FROM api_deployments WHERE api_id = $1), \
            ARRAY(SELECT stage_name FROM api_stages WHERE api_id = $1 ORDER BY stage_name)",
    )
    .bind(api_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(DeletePreview {
        api,
        resources,
        methods,
        authorizers,
        stages,
        deployments,
        stage_names,
    })
}

/// Creates a child of `parent_id`, applying API Gateway's rules: a valid path part, no
/// children under a greedy (`{x+}`) resource, no duplicate path part among siblings, one
/// variable (`{x}` / `{x+}`) child per parent, and no path variable name used twice in a path.
pub async fn create_resource(
    db: &PgPool,
    api_id: &RestApiId,
    parent_id: &ResourceId,
    path_part: &str,
) -> Result<Resource, ApisError> {
    let part = parse_path_part(path_part)?;
    crate::validate::validate_resource_path(path_part)?;
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    // Locking the parent serialises sibling checks.
    let parent: Option<(String, String)> = sqlx::query_as(
        "SELECT path_part, path FROM api_resources WHERE api_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(api_id)
    .bind(parent_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((parent_part, parent_path)) = parent else {
        return Err(ApisError::not_found(Entity::Resource));
    };
    if matches!(parse_path_part(&parent_part), Ok(PathPart::Greedy(_))) {
        return Err(ApisError::invalid(
            "pathPart",
            format!(
                "Cannot create a child of a resource with a greedy path variable: {parent_part}"
            ),
        ));
    }
    let siblings: Vec<String> = sqlx::query_scalar(
        "SELECT path_part FROM api_resources WHERE api_id = $1 AND parent_id = $2",
    )
    .bind(api_id)
    .bind(parent_id)
    .fetch_all(&mut *tx)
    .await?;
    let duplicate = || {
        ApisError::conflict(
            Some("pathPart"),
            format!("Another resource with the same parent already has this name: {path_part}"),
        )
    };
    if siblings.iter().any(|s| s == path_part) {
        return Err(duplicate());
    }
    if part.is_variable()
        && let Some(sibling) = siblings
            .iter()
            .find(|s| parse_path_part(s).is_ok_and(PathPart::is_variable))
    {
        return Err(ApisError::invalid(
            "pathPart",
            format!(
                "A sibling ({sibling}) of this resource already has a variable path part -- only \
                 one is allowed"
            ),
        ));
    }
    if let Some(name) = part.variable_name()
        && path_variables(&parent_path).contains(&name)
    {
        return Err(ApisError::invalid(
            "pathPart",
            format!(
                "The path parameter {{{name}}} is already used in {parent_path}; path parameter \
                 names must be unique within a path"
            ),
        ));
    }
    let path = if parent_path == "/" {
        format!("/{path_part}")
    } else {
        format!("{parent_path}/{path_part}")
    };
    crate::validate::validate_resource_path(&path)?;
    let id = ids::resource_id();
    let inserted = sqlx::query(
        "INSERT INTO api_resources (api_id, id, parent_id, path_part, path) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(api_id)
    .bind(&id)
    .bind(parent_id)
    .bind(path_part)
    .bind(&path)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e, "api_resources_path_key") => return Err(duplicate()),
        Err(e) if is_unique_violation(&e, "api_resources_one_variable_child") => {
            return Err(ApisError::invalid(
                "pathPart",
                "A sibling of this resource already has a variable path part -- only one is \
                 allowed",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(Resource {
        id,
        parent_id: Some(parent_id.to_owned()),
        path_part: Some(path_part.to_owned()),
        path,
        resource_methods: Default::default(),
    })
}

/// Every resource of the API, sorted by full path, with its methods (and their integrations
/// and responses).
pub async fn list_resources(db: &PgPool, api_id: &RestApiId) -> Result<Vec<Resource>, ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let resources = load_resources(&mut tx, api_id, None).await?;
    tx.commit().await?;
    Ok(resources)
}

pub async fn get_resource(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
) -> Result<Resource, ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let resource = load_resources(&mut tx, api_id, Some(resource_id))
        .await?
        .pop()
        .ok_or_else(|| ApisError::not_found(Entity::Resource))?;
    tx.commit().await?;
    Ok(resource)
}

/// Deletes a resource with its whole subtree and their methods. The root cannot be deleted.
pub async fn delete_resource(
    db: &PgPool,
    api_id: &RestApiId,
    resource_id: &ResourceId,
) -> Result<DeletedResources, ApisError> {
    let mut tx = db.begin().await?;
    check_api(&mut tx, api_id).await?;
    let parent: Option<Option<String>> = sqlx::query_scalar(
        "SELECT parent_id FROM api_resources WHERE api_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(api_id)
    .bind(resource_id)
    .fetch_optional(&mut *tx)
    .await?;
    match parent {
        None => return Err(ApisError::not_found(Entity::Resource)),
        Some(None) => return Err(ApisError::invalid("resourceId", msg::ROOT_DELETE)),
        Some(Some(_)) => {}
    }
    let (resources, methods): (i64, i64) = sqlx::query_as(
        "WITH RECURSIVE subtree AS ( \
            SELECT id FROM api_resources WHERE api_id = $1 AND id = $2 \
            UNION ALL \
            SELECT r.id FROM api_resources r JOIN subtree s ON r.parent_id = s.id \
            WHERE r.api_id = $1) \
         SELECT (SELECT count(*) FROM subtree), \
            (SELECT count(*) FROM api_methods WHERE api_id = $1 \
                AND resource_id IN (SELECT id FROM subtree))",
    )
    .bind(api_id)
    .bind(resource_id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM api_resources WHERE api_id = $1 AND id = $2")
        .bind(api_id)
        .bind(resource_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(DeletedResources { resources, methods })
}
