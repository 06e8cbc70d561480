//! Replacing a whole API's definition in one transaction (Swagger/OpenAPI import), and reading
//! the working copy as one [`DeploymentSnapshot`]-shaped value (export, import previews).
//!
//! The caller (the `openapi` crate) works out the *desired* definition (for a merge: the
//! current one with the document's methods laid over it); [`apply_definition`] makes the API
//! exactly that. Everything is validated before the first write, and any failure rolls the
//! whole transaction back, so a refused import leaves no trace.
//!
//! What survives a re-import: resource ids (by path) and authorizer ids (by name), so stages
//! and open console pages keep pointing at the same things. Methods are rewritten, each with a
//! version above the one it had, so a form opened before the import is refused as stale.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::load::{load_api, load_authorizers, load_resources};
use super::{check_api, corrupt, is_unique_violation, secs};
use crate::error::ApisError;
use crate::ids::{self, AuthorizerId, DeploymentId, ResourceId, RestApiId};
use crate::model::{
    AuthorizationType, AuthorizerSettings, AuthorizerType, DEFAULT_AUTHORIZER_TTL,
    DEFAULT_IDENTITY_SOURCE, DEFAULT_TIMEOUT_MILLIS, DeploymentSnapshot, HttpMethod,
    IntegrationResponseSettings, IntegrationSettings, MethodResponseSettings, MethodSettings,
    RestApi,
};
use crate::validate::{
    PathPart, parse_path_part, validate_api_name, validate_authorizer, validate_description,
    validate_integration, validate_integration_response, validate_method_response,
    validate_method_settings,
};

/// One request validator (`x-amazon-apigateway-request-validators` entry).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestValidator {
    #[serde(default)]
    pub validate_request_body: bool,
    #[serde(default)]
    pub validate_request_parameters: bool,
}

/// The API's request validators, stored for round trips (the gateway does not validate yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestValidators {
    /// By name.
    #[serde(default)]
    pub validators: BTreeMap<String, RequestValidator>,
    /// The API-wide default (`x-amazon-apigateway-request-validator` at the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Per-method overrides, keyed `GET /pets`.
    #[serde(default)]
    pub methods: BTreeMap<String, String>,
}

impl RequestValidators {
    pub fn is_empty(&self) -> bool {
        self.validators.is_empty() && self.default.is_none() && self.methods.is_empty()
    }
}

/// An integration with its responses (by status code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationDefinition {
    pub settings: IntegrationSettings,
    #[serde(default)]
    pub responses: BTreeMap<String, IntegrationResponseSettings>,
}

/// A method as a definition names it: its authorizer by name, not id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodDefinition {
    pub authorization_type: AuthorizationType,
    /// The name of one of the definition's authorizers (COGNITO_USER_POOLS only).
    #[serde(default)]
    pub authorizer: Option<String>,
    #[serde(default)]
    pub authorization_scopes: Vec<String>,
    #[serde(default)]
    pub api_key_required: bool,
    #[serde(default)]
    pub request_parameters: BTreeMap<String, bool>,
    /// By status code.
    #[serde(default)]
    pub method_responses: BTreeMap<String, MethodResponseSettings>,
    #[serde(default)]
    pub integration: Option<IntegrationDefinition>,
}

/// A whole API: what [`apply_definition`] makes the API into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiDefinition {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Authorizers, by name.
    #[serde(default)]
    pub authorizers: BTreeMap<String, AuthorizerSettings>,
    /// Full path (`/`, `/pets/{id}`) → its methods. Every path listed exists afterwards (with
    /// its ancestors); resources not listed, nor ancestors of listed ones, are deleted.
    #[serde(default)]
    pub resources: BTreeMap<String, BTreeMap<HttpMethod, MethodDefinition>>,
    #[serde(default)]
    pub request_validators: RequestValidators,
}

impl ApiDefinition {
    pub fn new(name: &str) -> ApiDefinition {
        ApiDefinition {
            name: name.to_owned(),
            description: String::new(),
            authorizers: BTreeMap::new(),
            resources: BTreeMap::from([("/".to_owned(), BTreeMap::new())]),
            request_validators: RequestValidators::default(),
        }
    }

    /// Every path the definition needs: the listed ones and all their ancestors, parents first.
    pub fn all_paths(&self) -> BTreeSet<String> {
        let mut paths = BTreeSet::from(["/".to_owned()]);
        for path in self.resources.keys() {
            let mut prefix = String::new();
            for seg in path.split('/').filter(|s| !s.is_empty()) {
                prefix.push('/');
                prefix.push_str(seg);
                paths.insert(prefix.clone());
            }
        }
        paths
    }

    /// The definition of an API as stored (a deployment snapshot or the working copy).
    pub fn from_snapshot(snapshot: &DeploymentSnapshot, validators: &RequestValidators) -> Self {
        let names: BTreeMap<&str, &str> = snapshot
            .authorizers
            .iter()
            .map(|a| (a.id.as_str(), a.name.as_str()))
            .collect();
        let authorizers = snapshot
            .authorizers
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    AuthorizerSettings {
                        name: a.name.clone(),
                        provider_arns: a.provider_arns.clone(),
                        identity_source: Some(a.identity_source.clone()),
                        identity_validation_expression: a.identity_validation_expression.clone(),
                        authorizer_result_ttl_in_seconds: Some(a.authorizer_result_ttl_in_seconds),
                    },
                )
            })
            .collect();
        let resources = snapshot
            .resources
            .iter()
            .map(|r| {
                let methods = r
                    .resource_methods
                    .iter()
                    .map(|(verb, m)| {
                        let integration =
                            m.method_integration
                                .as_ref()
                                .map(|i| IntegrationDefinition {
                                    settings: IntegrationSettings {
                                        kind: i.kind,
                                        http_method: i.http_method,
                                        uri: i.uri.clone(),
                                        request_parameters: i.request_parameters.clone(),
                                        request_templates: i.request_templates.clone(),
                                        passthrough_behavior: Some(i.passthrough_behavior),
                                        timeout_in_millis: Some(i.timeout_in_millis),
                                    },
                                    responses: i
                                        .integration_responses
                                        .iter()
                                        .map(|(code, r)| {
                                            (
                                                code.clone(),
                                                IntegrationResponseSettings {
                                                    selection_pattern: r.selection_pattern.clone(),
                                                    response_parameters: r
                                                        .response_parameters
                                                        .clone(),
                                                    response_templates: r
                                                        .response_templates
                                                        .clone(),
                                                },
                                            )
                                        })
                                        .collect(),
                                });
                        let definition = MethodDefinition {
                            authorization_type: m.authorization_type,
                            authorizer: m
                                .authorizer_id
                                .as_deref()
                                .and_then(|id| names.get(id))
                                .map(|n| (*n).to_owned()),
                            authorization_scopes: m.authorization_scopes.clone(),
                            api_key_required: m.api_key_required,
                            request_parameters: m.request_parameters.clone(),
                            method_responses: m
                                .method_responses
                                .iter()
                                .map(|(code, r)| {
                                    (
                                        code.clone(),
                                        MethodResponseSettings {
                                            response_parameters: r.response_parameters.clone(),
                                            response_models: r.response_models.clone(),
                                        },
                                    )
                                })
                                .collect(),
                            integration,
                        };
                        (*verb, definition)
                    })
                    .collect();
                (r.path.clone(), methods)
            })
            .collect();
        ApiDefinition {
            name: snapshot.api.name.clone(),
            description: snapshot.api.description.clone(),
            authorizers,
            resources,
            request_validators: validators.clone(),
        }
    }
}

/// The API's working copy in the shape of a deployment snapshot (`deploymentId` empty), with
/// its request validators; one consistent read.
pub async fn working_copy(
    db: &PgPool,
    api_id: &RestApiId,
) -> Result<(DeploymentSnapshot, RequestValidators), ApisError> {
    let mut tx = db.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    let api = load_api(&mut tx, api_id).await?;
    let resources = load_resources(&mut tx, api_id, None).await?;
    let authorizers = load_authorizers(&mut tx, api_id).await?;
    let validators = load_validators(&mut tx, api_id).await?;
    tx.commit().await?;
    Ok((
        DeploymentSnapshot {
            format_version: DeploymentSnapshot::FORMAT_VERSION,
            deployment_id: DeploymentId::new(String::new()),
            description: String::new(),
            created_date: secs(OffsetDateTime::now_utc()),
            api,
            resources,
            authorizers,
        },
        validators,
    ))
}

/// The API's stored request validators.
pub async fn request_validators(
    db: &PgPool,
    api_id: &RestApiId,
) -> Result<RequestValidators, ApisError> {
    let mut conn = db.acquire().await?;
    check_api(&mut conn, api_id).await?;
    load_validators(&mut conn, api_id).await
}

async fn load_validators(
    conn: &mut PgConnection,
    api_id: &RestApiId,
) -> Result<RequestValidators, ApisError> {
    let value: Option<Json<serde_json::Value>> =
        sqlx::query_scalar("SELECT request_validators FROM rest_apis WHERE id = $1")
            .bind(api_id)
            .fetch_optional(&mut *conn)
            .await?;
    match value {
        Some(Json(v)) => serde_json::from_value(v).map_err(corrupt),
        None => Err(ApisError::api_not_found(api_id)),
    }
}

fn method_key(verb: HttpMethod, path: &str) -> String {
    format!("{verb} {path}")
}

/// Every check that does not need the database, so that nothing is written for a definition
/// that would fail half-way. Errors name the method or authorizer they are about.
pub fn validate_definition(def: &ApiDefinition) -> Result<(), ApisError> {
    validate_api_name(def.name.trim())?;
    validate_description(&def.description)?;
    let within = |what: String, e: ApisError| -> ApisError {
        match e {
            ApisError::Invalid { field, message } => ApisError::Invalid {
                field,
                message: format!("{what}: {message}"),
            },
            other => other,
        }
    };
    for (name, a) in &def.authorizers {
        if a.name != *name {
            return Err(ApisError::invalid(
                "name",
                format!("Authorizer {name}: its settings name it {}", a.name),
            ));
        }
        validate_authorizer(a).map_err(|e| within(format!("Authorizer {name}"), e))?;
    }
    for path in def.all_paths() {
        check_path(&path)?;
    }
    for (path, methods) in &def.resources {
        for (verb, m) in methods {
            let what = method_key(*verb, path);
            let settings = MethodSettings {
                authorization_type: m.authorization_type,
                // The authorizer's name: these checks only look at whether one is given.
                authorizer_id: m.authorizer.clone().map(AuthorizerId::new),
                authorization_scopes: m.authorization_scopes.clone(),
                api_key_required: m.api_key_required,
                request_parameters: m.request_parameters.clone(),
            };
            validate_method_settings(&settings).map_err(|e| within(what.clone(), e))?;
            if let Some(name) = m.authorizer.as_deref()
                && !def.authorizers.contains_key(name)
            {
                return Err(ApisError::invalid(
                    "authorizerId",
                    format!("{what}: there is no authorizer named {name}"),
                ));
            }
            for (code, r) in &m.method_responses {
                validate_method_response(code, r).map_err(|e| within(what.clone(), e))?;
            }
            if let Some(i) = &m.integration {
                validate_integration(&i.settings, &m.request_parameters)
                    .map_err(|e| within(what.clone(), e))?;
                for (code, r) in &i.responses {
                    let declared = m
                        .method_responses
                        .get(code)
                        .map(|mr| mr.response_parameters.clone());
                    let Some(declared) = declared else {
                        return Err(ApisError::invalid(
                            "statusCode",
                            format!(
                                "{what}: the integration response {code} has no method response \
                                 with that status code"
                            ),
                        ));
                    };
                    validate_integration_response(code, r, &declared)
                        .map_err(|e| within(what.clone(), e))?;
                }
            }
        }
    }
    for name in def
        .request_validators
        .default
        .iter()
        .chain(def.request_validators.methods.values())
    {
        if !def.request_validators.validators.contains_key(name) {
            return Err(ApisError::invalid(
                "requestValidatorId",
                format!("There is no request validator named {name}"),
            ));
        }
    }
    Ok(())
}

/// A full path's segments against API Gateway's resource rules.
fn check_path(path: &str) -> Result<(), ApisError> {
    if path == "/" {
        return Ok(());
    }
    crate::validate::validate_resource_path(path)?;
    let bad = |message: String| ApisError::invalid("pathPart", format!("{path}: {message}"));
    if !path.starts_with('/') || path.ends_with('/') || path.contains("//") {
        return Err(bad(
            "a path starts with / and has no empty segments".to_owned()
        ));
    }
    let mut variables: Vec<String> = Vec::new();
    let mut greedy = false;
    for seg in path.split('/').skip(1) {
        if greedy {
            return Err(bad(
                "a greedy path variable ({name+}) must be the last segment".to_owned(),
            ));
        }
        let part = parse_path_part(seg).map_err(|e| bad(e.to_string()))?;
        if let PathPart::Greedy(_) = part {
            greedy = true;
        }
        if let Some(name) = part.variable_name() {
            if variables.contains(&name) {
                return Err(bad(format!(
                    "the path parameter {{{name}}} is used twice; names must be unique within a \
                     path"
                )));
            }
            variables.push(name);
        }
    }
    Ok(())
}

/// Makes the API exactly `def`, in one transaction. With `api_id` `None`, creates a new API.
/// Returns the API. Fails, changing nothing, if the definition is invalid (the message names
/// the method or authorizer) or two variable resources share a parent.
pub async fn apply_definition(
    db: &PgPool,
    api_id: Option<&RestApiId>,
    def: &ApiDefinition,
) -> Result<RestApi, ApisError> {
    validate_definition(def)?;
    check_siblings(def)?;
    let mut tx = db.begin().await?;
    for authorizer in def.authorizers.values() {
        super::authorizers::check_issuers_use_https(&mut tx, &authorizer.provider_arns).await?;
    }
    let api_id = match api_id {
        Some(id) => {
            let found: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM rest_apis WHERE id = $1 FOR UPDATE")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(ApisError::api_not_found(id));
            }
            id.to_owned()
        }
        None => {
            let id = ids::rest_api_id();
            sqlx::query("INSERT INTO rest_apis (id, name) VALUES ($1, $2)")
                .bind(&id)
                .bind(def.name.trim())
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
            id
        }
    };
    sqlx::query(
        "UPDATE rest_apis SET name = $2, description = $3, request_validators = $4, \
            updated_at = now() WHERE id = $1",
    )
    .bind(&api_id)
    .bind(def.name.trim())
    .bind(&def.description)
    .bind(Json(&def.request_validators))
    .execute(&mut *tx)
    .await?;

    // Method versions before the rewrite, so that rewritten methods move past them.
    let versions: Vec<(String, String, i32, Option<i32>)> = sqlx::query_as(
        "SELECT r.path, m.http_method, m.version, i.version \
         FROM api_methods m JOIN api_resources r ON r.api_id = m.api_id AND r.id = m.resource_id \
         LEFT JOIN api_integrations i ON i.api_id = m.api_id AND i.resource_id = m.resource_id \
            AND i.http_method = m.http_method \
         WHERE m.api_id = $1",
    )
    .bind(&api_id)
    .fetch_all(&mut *tx)
    .await?;
    let versions: BTreeMap<(String, String), (i32, i32)> = versions
        .into_iter()
        .map(|(path, verb, mv, iv)| ((path, verb), (mv, iv.unwrap_or(0))))
        .collect();
    sqlx::query("DELETE FROM api_methods WHERE api_id = $1")
        .bind(&api_id)
        .execute(&mut *tx)
        .await?;

    let authorizer_ids = write_authorizers(&mut tx, &api_id, def).await?;
    let resource_ids = write_resources(&mut tx, &api_id, def).await?;

    for (path, methods) in &def.resources {
        let Some(resource_id) = resource_ids.get(path) else {
            return Err(corrupt(format!("resource {path} was not created")));
        };
        for (verb, m) in methods {
            let (method_version, integration_version) = versions
                .get(&(path.clone(), verb.as_str().to_owned()))
                .copied()
                .unwrap_or((0, 0));
            write_method(
                &mut tx,
                &api_id,
                resource_id,
                *verb,
                m,
                &authorizer_ids,
                method_version + 1,
                integration_version + 1,
            )
            .await?;
        }
    }
    // Only now that no method points at them.
    let keep: Vec<AuthorizerId> = authorizer_ids.values().cloned().collect();
    sqlx::query("DELETE FROM api_authorizers WHERE api_id = $1 AND NOT (id = ANY($2))")
        .bind(&api_id)
        .bind(&keep)
        .execute(&mut *tx)
        .await?;
    let api = load_api(&mut tx, &api_id).await?;
    tx.commit().await?;
    Ok(api)
}

/// One variable child (`{x}` or `{x+}`) per parent, and none beside a greedy one's children.
fn check_siblings(def: &ApiDefinition) -> Result<(), ApisError> {
    let mut variable_child: BTreeMap<String, String> = BTreeMap::new();
    for path in def.all_paths() {
        let Some((parent, part)) = path.rsplit_once('/') else {
            continue;
        };
        if part.is_empty() {
            continue;
        }
        let parent = if parent.is_empty() { "/" } else { parent };
        if parse_path_part(part).is_ok_and(PathPart::is_variable)
            && let Some(other) = variable_child.insert(parent.to_owned(), path.clone())
        {
            return Err(ApisError::invalid(
                "pathPart",
                format!(
                    "{path} and {other} are both variable children of {parent} -- only one is \
                     allowed"
                ),
            ));
        }
    }
    Ok(())
}

/// Updates authorizers kept by name, creates new ones; returns name → id.
async fn write_authorizers(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    def: &ApiDefinition,
) -> Result<BTreeMap<String, AuthorizerId>, ApisError> {
    let existing: Vec<(String, AuthorizerId)> =
        sqlx::query_as("SELECT name, id FROM api_authorizers WHERE api_id = $1 FOR UPDATE")
            .bind(api_id)
            .fetch_all(&mut *conn)
            .await?;
    let existing: BTreeMap<String, AuthorizerId> = existing.into_iter().collect();
    let mut ids_by_name = BTreeMap::new();
    for (name, a) in &def.authorizers {
        let provider_arns: Vec<String> = a
            .provider_arns
            .iter()
            .map(|p| p.trim().to_owned())
            .collect();
        let identity_source = a
            .identity_source
            .clone()
            .unwrap_or_else(|| DEFAULT_IDENTITY_SOURCE.to_owned());
        let expression = a
            .identity_validation_expression
            .clone()
            .filter(|e| !e.is_empty());
        let ttl = a
            .authorizer_result_ttl_in_seconds
            .unwrap_or(DEFAULT_AUTHORIZER_TTL);
        let name = name.trim();
        let id = match existing.get(name) {
            Some(id) => {
                sqlx::query(
                    "UPDATE api_authorizers SET provider_arns = $3, identity_source = $4, \
                        identity_validation_expression = $5, \
                        authorizer_result_ttl_in_seconds = $6, version = version + 1, \
                        updated_at = now() \
                     WHERE api_id = $1 AND id = $2",
                )
                .bind(api_id)
                .bind(id)
                .bind(&provider_arns)
                .bind(&identity_source)
                .bind(expression.as_deref())
                .bind(ttl)
                .execute(&mut *conn)
                .await?;
                id.clone()
            }
            None => {
                let id = ids::authorizer_id();
                let inserted = sqlx::query(
                    "INSERT INTO api_authorizers (api_id, id, name, type, provider_arns, \
                        identity_source, identity_validation_expression, \
                        authorizer_result_ttl_in_seconds) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(api_id)
                .bind(&id)
                .bind(name)
                .bind(AuthorizerType::CognitoUserPools.as_str())
                .bind(&provider_arns)
                .bind(&identity_source)
                .bind(expression.as_deref())
                .bind(ttl)
                .execute(&mut *conn)
                .await;
                match inserted {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e, "api_authorizers_name_key") => {
                        return Err(ApisError::invalid(
                            "name",
                            format!("Authorizer {name} is named twice"),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                }
                id
            }
        };
        ids_by_name.insert(name.to_owned(), id);
    }
    Ok(ids_by_name)
}

/// Keeps resources by path, creates the missing ones (parents first), deletes the rest;
/// returns path → id.
async fn write_resources(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    def: &ApiDefinition,
) -> Result<BTreeMap<String, ResourceId>, ApisError> {
    let wanted = def.all_paths();
    let wanted_list: Vec<String> = wanted.iter().cloned().collect();
    // Children go with their parents (ON DELETE CASCADE); wanted paths are ancestor-closed.
    sqlx::query("DELETE FROM api_resources WHERE api_id = $1 AND NOT (path = ANY($2))")
        .bind(api_id)
        .bind(&wanted_list)
        .execute(&mut *conn)
        .await?;
    let existing: Vec<(String, ResourceId)> =
        sqlx::query_as("SELECT path, id FROM api_resources WHERE api_id = $1")
            .bind(api_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut ids_by_path: BTreeMap<String, ResourceId> = existing.into_iter().collect();
    // BTreeSet order puts a parent before its children (a prefix sorts first).
    for path in &wanted {
        if ids_by_path.contains_key(path) {
            continue;
        }
        let Some((parent, part)) = path.rsplit_once('/') else {
            continue;
        };
        let parent = if parent.is_empty() { "/" } else { parent };
        let Some(parent_id) = ids_by_path.get(parent).cloned() else {
            return Err(corrupt(format!("parent of {path} missing")));
        };
        let id = ids::resource_id();
        let inserted = sqlx::query(
            "INSERT INTO api_resources (api_id, id, parent_id, path_part, path) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(api_id)
        .bind(&id)
        .bind(&parent_id)
        .bind(part)
        .bind(path)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e, "api_resources_one_variable_child") => {
                return Err(ApisError::invalid(
                    "pathPart",
                    format!(
                        "{path}: a sibling of this resource already has a variable path part -- \
                         only one is allowed"
                    ),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        ids_by_path.insert(path.clone(), id);
    }
    Ok(ids_by_path)
}

#[allow(clippy::too_many_arguments)]
async fn write_method(
    conn: &mut PgConnection,
    api_id: &RestApiId,
    resource_id: &ResourceId,
    verb: HttpMethod,
    m: &MethodDefinition,
    authorizer_ids: &BTreeMap<String, AuthorizerId>,
    method_version: i32,
    integration_version: i32,
) -> Result<(), ApisError> {
    let authorizer_id = match (m.authorization_type, m.authorizer.as_deref()) {
        (AuthorizationType::CognitoUserPools, Some(name)) => {
            Some(authorizer_ids.get(name).cloned().ok_or_else(|| {
                ApisError::invalid(
                    "authorizerId",
                    format!("There is no authorizer named {name}"),
                )
            })?)
        }
        _ => None,
    };
    sqlx::query(
        "INSERT INTO api_methods (api_id, resource_id, http_method, authorization_type, \
            authorizer_id, authorization_scopes, api_key_required, request_parameters, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(verb.as_str())
    .bind(m.authorization_type.as_str())
    .bind(authorizer_id.as_deref())
    .bind(&m.authorization_scopes)
    .bind(m.api_key_required)
    .bind(Json(&m.request_parameters))
    .bind(method_version)
    .execute(&mut *conn)
    .await?;
    for (code, r) in &m.method_responses {
        sqlx::query(
            "INSERT INTO api_method_responses (api_id, resource_id, http_method, status_code, \
                response_parameters, response_models) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(api_id)
        .bind(resource_id)
        .bind(verb.as_str())
        .bind(code)
        .bind(Json(&r.response_parameters))
        .bind(Json(&r.response_models))
        .execute(&mut *conn)
        .await?;
    }
    let Some(integration) = &m.integration else {
        return Ok(());
    };
    let s = &integration.settings;
    sqlx::query(
        "INSERT INTO api_integrations (api_id, resource_id, http_method, type, \
            integration_http_method, uri, request_parameters, request_templates, \
            passthrough_behavior, timeout_in_millis, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(api_id)
    .bind(resource_id)
    .bind(verb.as_str())
    .bind(s.kind.as_str())
    .bind(s.http_method.map(HttpMethod::as_str))
    .bind(s.uri.as_deref())
    .bind(Json(&s.request_parameters))
    .bind(Json(&s.request_templates))
    .bind(s.passthrough_behavior.unwrap_or_default().as_str())
    .bind(s.timeout_in_millis.unwrap_or(DEFAULT_TIMEOUT_MILLIS))
    .bind(integration_version)
    .execute(&mut *conn)
    .await?;
    for (code, r) in &integration.responses {
        sqlx::query(
            "INSERT INTO api_integration_responses (api_id, resource_id, http_method, \
                status_code, selection_pattern, response_parameters, response_templates) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(api_id)
        .bind(resource_id)
        .bind(verb.as_str())
        .bind(code)
        .bind(r.selection_pattern.as_deref())
        .bind(Json(&r.response_parameters))
        .bind(Json(&r.response_templates))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
