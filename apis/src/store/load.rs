//! Reading rows into model types. The loaders filter by API and optionally by resource and
//! method, so one code path serves single methods, the resource list and deployment snapshots.

use std::collections::BTreeMap;

use sqlx::PgConnection;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::{corrupt, secs};
use crate::error::ApisError;
use crate::ids::{AuthorizerId, DeploymentId, ResourceId, RestApiId, StageName};
use crate::model::{
    AuthorizationType, Authorizer, AuthorizerType, HttpMethod, Integration, IntegrationResponse,
    IntegrationType, Method, MethodResponse, PassthroughBehavior, Resource, RestApi, Stage,
};

#[derive(sqlx::FromRow)]
pub(crate) struct ApiRow {
    pub id: RestApiId,
    pub name: String,
    pub description: String,
    pub created_at: OffsetDateTime,
    pub root_resource_id: ResourceId,
}

impl From<ApiRow> for RestApi {
    fn from(r: ApiRow) -> RestApi {
        RestApi {
            id: r.id,
            name: r.name,
            description: r.description,
            created_date: secs(r.created_at),
            root_resource_id: r.root_resource_id,
        }
    }
}

pub(crate) async fn load_api(
    conn: &mut PgConnection,
    api_id: &RestApiId,
) -> Result<RestApi, ApisError> {
    let row: Option<ApiRow> = sqlx::query_as(
        "SELECT a.id, a.name, a.description, a.created_at, r.id AS root_resource_id \
         FROM rest_apis a JOIN api_resources r ON r.api_id = a.id AND r.parent_id IS NULL \
         WHERE a.id = $1",
    )
    .bind(api_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(RestApi::from)
        .ok_or_else(|| ApisError::api_not_found(api_id))
}

#[derive(sqlx::FromRow)]
pub(crate) struct ResourceRow {
    pub id: ResourceId,
    pub parent_id: Option<ResourceId>,
    pub path_part: String,
    pub path: String,
}

impl ResourceRow {
    fn into_resource(self) -> Resource {
        Resource {
            id: self.id,
            parent_id: self.parent_id,
            path_part: Some(self.path_part).filter(|p| !p.is_empty()),
            path: self.path,
            resource_methods: BTreeMap::new(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct MethodRow {
    resource_id: ResourceId,
    http_method: String,
    authorization_type: String,
    authorizer_id: Option<AuthorizerId>,
    authorization_scopes: Vec<String>,
    api_key_required: bool,
    request_parameters: Json<BTreeMap<String, bool>>,
    version: i32,
}

#[derive(sqlx::FromRow)]
struct MethodResponseRow {
    resource_id: ResourceId,
    http_method: String,
    status_code: String,
    response_parameters: Json<BTreeMap<String, bool>>,
    response_models: Json<BTreeMap<String, String>>,
}

#[derive(sqlx::FromRow)]
struct IntegrationRow {
    resource_id: ResourceId,
    http_method: String,
    #[sqlx(rename = "type")]
    kind: String,
    integration_http_method: Option<String>,
    uri: Option<String>,
    request_parameters: Json<BTreeMap<String, String>>,
    request_templates: Json<BTreeMap<String, String>>,
    passthrough_behavior: String,
    timeout_in_millis: i32,
    version: i32,
}

#[derive(sqlx::FromRow)]
struct IntegrationResponseRow {
    resource_id: ResourceId,
    http_method: String,
    status_code: String,
    selection_pattern: Option<String>,
    response_parameters: Json<BTreeMap<String, String>>,
    response_templates: Json<BTreeMap<String, String>>,
}

fn parse<T>(r: Result<T, ApisError>) -> Result<T, ApisError> {
    r.map_err(corrupt)
}

/// Methods of the API (optionally of one resource / one verb), with their responses and
/// integrations, as `(resource_id, method)`.
pub(crate) async fn load_methods(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: Option<&ResourceId>,
    http_method: Option<HttpMethod>,
) -> Result<Vec<(ResourceId, Method)>, ApisError> {
    let verb = http_method.map(HttpMethod::as_str);
    let methods: Vec<MethodRow> = sqlx::query_as(
        "SELECT resource_id, http_method, authorization_type, authorizer_id, \
            authorization_scopes, api_key_required, request_parameters, version \
         FROM api_methods WHERE api_id = $1 AND ($2::text IS NULL OR resource_id = $2) \
            AND ($3::text IS NULL OR http_method = $3)",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(verb)
    .fetch_all(&mut *conn)
    .await?;
    if methods.is_empty() {
        return Ok(Vec::new());
    }
    let method_responses: Vec<MethodResponseRow> = sqlx::query_as(
        "SELECT resource_id, http_method, status_code, response_parameters, response_models \
         FROM api_method_responses WHERE api_id = $1 AND ($2::text IS NULL OR resource_id = $2) \
            AND ($3::text IS NULL OR http_method = $3)",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(verb)
    .fetch_all(&mut *conn)
    .await?;
    let integrations: Vec<IntegrationRow> = sqlx::query_as(
        "SELECT resource_id, http_method, type, integration_http_method, uri, \
            request_parameters, request_templates, passthrough_behavior, timeout_in_millis, \
            version \
         FROM api_integrations WHERE api_id = $1 AND ($2::text IS NULL OR resource_id = $2) \
            AND ($3::text IS NULL OR http_method = $3)",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(verb)
    .fetch_all(&mut *conn)
    .await?;
    let integration_responses: Vec<IntegrationResponseRow> = sqlx::query_as(
        "SELECT resource_id, http_method, status_code, selection_pattern, response_parameters, \
            response_templates \
         FROM api_integration_responses WHERE api_id = $1 \
            AND ($2::text IS NULL OR resource_id = $2) AND ($3::text IS NULL OR http_method = $3)",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(verb)
    .fetch_all(&mut *conn)
    .await?;

    let mut by_key: BTreeMap<(ResourceId, String), Method> = BTreeMap::new();
    for m in methods {
        let method = Method {
            http_method: parse(HttpMethod::parse(&m.http_method))?,
            authorization_type: parse(AuthorizationType::parse(&m.authorization_type))?,
            authorizer_id: m.authorizer_id,
            authorization_scopes: m.authorization_scopes,
            api_key_required: m.api_key_required,
            request_parameters: m.request_parameters.0,
            method_responses: BTreeMap::new(),
            method_integration: None,
            version: m.version,
        };
        by_key.insert((m.resource_id, m.http_method), method);
    }
    for r in method_responses {
        if let Some(m) = by_key.get_mut(&(r.resource_id, r.http_method)) {
            m.method_responses.insert(
                r.status_code.clone(),
                MethodResponse {
                    status_code: r.status_code,
                    response_parameters: r.response_parameters.0,
                    response_models: r.response_models.0,
                },
            );
        }
    }
    for i in integrations {
        if let Some(m) = by_key.get_mut(&(i.resource_id, i.http_method)) {
            m.method_integration = Some(Integration {
                kind: parse(IntegrationType::parse(&i.kind))?,
                http_method: i
                    .integration_http_method
                    .as_deref()
                    .map(HttpMethod::parse)
                    .transpose()
                    .map_err(corrupt)?,
                uri: i.uri,
                request_parameters: i.request_parameters.0,
                request_templates: i.request_templates.0,
                passthrough_behavior: parse(PassthroughBehavior::parse(&i.passthrough_behavior))?,
                timeout_in_millis: i.timeout_in_millis,
                integration_responses: BTreeMap::new(),
                version: i.version,
            });
        }
    }
    for r in integration_responses {
        if let Some(integration) = by_key
            .get_mut(&(r.resource_id, r.http_method))
            .and_then(|m| m.method_integration.as_mut())
        {
            integration.integration_responses.insert(
                r.status_code.clone(),
                IntegrationResponse {
                    status_code: r.status_code,
                    selection_pattern: r.selection_pattern,
                    response_parameters: r.response_parameters.0,
                    response_templates: r.response_templates.0,
                },
            );
        }
    }
    Ok(by_key
        .into_iter()
        .map(|((resource_id, _), m)| (resource_id, m))
        .collect())
}

/// The API's resources (or one of them), sorted by path, with their methods.
pub(crate) async fn load_resources(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: Option<&ResourceId>,
) -> Result<Vec<Resource>, ApisError> {
    let rows: Vec<ResourceRow> = sqlx::query_as(
        "SELECT id, parent_id, path_part, path FROM api_resources \
         WHERE api_id = $1 AND ($2::text IS NULL OR id = $2) ORDER BY path",
    )
    .bind(api_id)
    .bind(resource_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut resources: Vec<Resource> = rows.into_iter().map(ResourceRow::into_resource).collect();
    let index: BTreeMap<ResourceId, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    for (rid, method) in load_methods(conn, api_id, resource_id, None).await? {
        if let Some(&i) = index.get(&rid) {
            resources[i]
                .resource_methods
                .insert(method.http_method, method);
        }
    }
    Ok(resources)
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuthorizerRow {
    id: AuthorizerId,
    name: String,
    #[sqlx(rename = "type")]
    kind: String,
    provider_arns: Vec<String>,
    identity_source: String,
    identity_validation_expression: Option<String>,
    authorizer_result_ttl_in_seconds: i32,
    version: i32,
}

impl AuthorizerRow {
    pub(crate) fn into_authorizer(self) -> Result<Authorizer, ApisError> {
        Ok(Authorizer {
            id: self.id,
            name: self.name,
            kind: parse(AuthorizerType::parse(&self.kind))?,
            provider_arns: self.provider_arns,
            identity_source: self.identity_source,
            identity_validation_expression: self.identity_validation_expression,
            authorizer_result_ttl_in_seconds: self.authorizer_result_ttl_in_seconds,
            version: self.version,
        })
    }
}

pub(crate) async fn load_authorizers(
    conn: &mut PgConnection,
    api_id: &RestApiId,
) -> Result<Vec<Authorizer>, ApisError> {
    let rows: Vec<AuthorizerRow> = sqlx::query_as(
        "SELECT id, name, type, provider_arns, identity_source, identity_validation_expression, \
            authorizer_result_ttl_in_seconds, version \
         FROM api_authorizers WHERE api_id = $1 ORDER BY name, id",
    )
    .bind(api_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(AuthorizerRow::into_authorizer)
        .collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct StageRow {
    stage_name: StageName,
    deployment_id: DeploymentId,
    description: String,
    variables: Json<BTreeMap<String, String>>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<StageRow> for Stage {
    fn from(r: StageRow) -> Stage {
        Stage {
            stage_name: r.stage_name,
            deployment_id: r.deployment_id,
            description: r.description,
            variables: r.variables.0,
            created_date: secs(r.created_at),
            last_updated_date: secs(r.updated_at),
        }
    }
}
