//! Amazon API Gateway's REST management API (service `apigateway`, REST-JSON protocol) at
//! `{console}/apigateway`, so boto3, the AWS CLI and Terraform can drive Gatehouse.
//!
//! Every request is verified with SigV4 (service `apigateway`) against the access keys first,
//! then matched against the operations of botocore's model ([`operations`]) and handed to the
//! module of its resource, which calls the same `apis::store` functions as the console (no
//! second model). Operations Gatehouse does not implement answer 501
//! `NotImplementedException` naming the operation.

mod authorizers;
mod deployments;
mod documents;
mod integrations;
mod method_test;
mod methods;
mod operations;
mod resources;
mod rest_apis;
mod stages;
mod wire;

use apis::{AuthorizerId, DeploymentId, HttpMethod, ResourceId, RestApiId, StageName};
use app::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::any;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use wire::{AwsError, Outcome, ReplyBody};

/// Where the API is mounted on the console's listener.
pub const PREFIX: &str = "/apigateway";
/// Larger than any management call; ImportRestApi/PutRestApi bodies go up to 6 MB on AWS.
const MAX_BODY: usize = 6 * 1024 * 1024;

/// The `/apigateway` routes. Merged beside the console, outside its session guard and
/// same-origin check: callers are SDKs authenticated by SigV4, not browser sessions.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(PREFIX, any(handle))
        .route(&format!("{PREFIX}/"), any(handle))
        .route(&format!("{PREFIX}/{{*rest}}"), any(handle))
        .with_state(state)
}

/// Every operation of botocore's `apigateway` model as (name, HTTP method, request URI), the
/// implemented ones and the others; tests send each of them hostile input.
pub fn operations() -> &'static [(&'static str, &'static str, &'static str)] {
    operations::OPERATIONS
}

/// One call: what the operation handlers read.
pub(crate) struct Call {
    state: AppState,
    params: Vec<(&'static str, String)>,
    ids: PathIds,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

/// A path parameter by its name; empty when the operation's path has none.
fn find_param<'a>(params: &'a [(&'static str, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The ids among the path parameters, typed once when the call is matched; one the
/// operation's path does not have is empty, as [`Call::param`] gives it.
struct PathIds {
    api: RestApiId,
    resource: ResourceId,
    authorizer: AuthorizerId,
    deployment: DeploymentId,
    stage: StageName,
}

impl PathIds {
    fn new(params: &[(&'static str, String)]) -> PathIds {
        let param = |name| find_param(params, name);
        PathIds {
            api: RestApiId::new(param("restapi_id")),
            resource: ResourceId::new(param("resource_id")),
            authorizer: AuthorizerId::new(param("authorizer_id")),
            deployment: DeploymentId::new(param("deployment_id")),
            stage: StageName::new(param("stage_name")),
        }
    }
}

impl Call {
    fn db(&self) -> &sqlx::PgPool {
        &self.state.pool
    }

    /// A path parameter by its name in the model (`restapi_id`, `resource_id`, ...).
    fn param(&self, name: &str) -> &str {
        find_param(&self.params, name)
    }

    fn api_id(&self) -> &RestApiId {
        &self.ids.api
    }

    /// After a change to the stages: waits until this node's gateway serves it.
    async fn gateway_caught_up(&self) {
        self.state.gateway_caught_up().await;
    }

    fn resource_id(&self) -> &ResourceId {
        &self.ids.resource
    }

    fn authorizer_id(&self) -> &AuthorizerId {
        &self.ids.authorizer
    }

    fn deployment_id(&self) -> &DeploymentId {
        &self.ids.deployment
    }

    fn stage_name(&self) -> &StageName {
        &self.ids.stage
    }

    /// The `{http_method}` path parameter.
    fn http_method(&self) -> Result<HttpMethod, AwsError> {
        let raw = self.param("http_method");
        HttpMethod::parse(&raw.to_ascii_uppercase()).map_err(|_| {
            AwsError::bad_request(format!(
                "Invalid HTTP method '{raw}': must be one of {}",
                HttpMethod::ALL
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }

    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated query parameter (`embed=methods&embed=...`), commas split.
    fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .collect()
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, AwsError> {
        wire::parse_body(&self.body)
    }
}

async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let request_id = Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts
        .uri
        .path()
        .strip_prefix(PREFIX)
        .unwrap_or("")
        .to_owned();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                &request_id,
                &AwsError::bad_request("Request body is too large (at most 6 MB) or unreadable."),
            );
        }
    };
    if let Err(e) =
        crate::aws_auth::verify_request(&state.pool, &state.master_key, &parts, &body, "apigateway")
            .await
    {
        let status = e.http_status();
        return error(
            &request_id,
            &AwsError {
                status,
                code: e.code(),
                message: e.to_string(),
            },
        );
    }
    let query = operations::parse_query(parts.uri.query().unwrap_or(""));
    let Some(matched) = operations::identify(&method, &path, &query) else {
        return error(&request_id, &AwsError::unknown_operation(&method, &path));
    };
    let operation = matched.name;
    if let Some(problem) = hostile_strings(operation, &matched.params, &query, &body) {
        return error(&request_id, &AwsError::bad_request(problem.message()));
    }
    let call = Call {
        state,
        ids: PathIds::new(&matched.params),
        params: matched.params,
        query,
        headers: parts.headers,
        body,
    };
    let outcome = dispatch(operation, &call, &method, &path).await;
    match outcome {
        Ok(reply) => {
            tracing::debug!(operation, status = reply.status, "apigateway call");
            success(&request_id, reply)
        }
        Err(e) => {
            tracing::info!(operation, status = e.status, code = e.code, message = %e.message,
                "apigateway call refused");
            error(&request_id, &e)
        }
    }
}

/// The longest single string in a management call (path parameter, query value, JSON member):
/// above API Gateway's largest field (a 300 KB mapping template), far below anything that
/// would strain memory. Shorter per-field limits are the store's validation.
const MAX_STRING: usize = 512 * 1024;

/// NUL (which PostgreSQL text cannot hold) or an over-long string anywhere in the call,
/// checked once here for every operation. Import documents are the `openapi` reader's to check.
fn hostile_strings(
    operation: &str,
    params: &[(&'static str, String)],
    query: &[(String, String)],
    body: &[u8],
) -> Option<crate::hostile_input::Problem> {
    use crate::hostile_input::{problem_in_json, problem_in_str};
    params
        .iter()
        .find_map(|(name, value)| problem_in_str(name, value, MAX_STRING))
        .or_else(|| {
            query.iter().find_map(|(name, value)| {
                problem_in_str(name, name, MAX_STRING)
                    .or_else(|| problem_in_str(name, value, MAX_STRING))
            })
        })
        .or_else(|| {
            if matches!(operation, "ImportRestApi" | "PutRestApi") {
                return None;
            }
            // A body that is not JSON is the handler's to refuse (with serde's message).
            let value: serde_json::Value = serde_json::from_slice(body).ok()?;
            problem_in_json(&value, MAX_STRING, &[])
        })
}

async fn dispatch(operation: &str, call: &Call, method: &str, path: &str) -> Outcome {
    match operation {
        "CreateRestApi" => rest_apis::create(call).await,
        "GetRestApis" => rest_apis::list(call).await,
        "GetRestApi" => rest_apis::get(call).await,
        "UpdateRestApi" => rest_apis::update(call).await,
        "DeleteRestApi" => rest_apis::delete(call).await,

        "GetResources" => resources::list(call).await,
        "GetResource" => resources::get(call).await,
        "CreateResource" => resources::create(call).await,
        "DeleteResource" => resources::delete(call).await,

        "PutMethod" => methods::put(call).await,
        "GetMethod" => methods::get(call).await,
        "UpdateMethod" => methods::update(call).await,
        "DeleteMethod" => methods::delete(call).await,
        "TestInvokeMethod" => method_test::test_invoke(call).await,
        "PutMethodResponse" => methods::put_response(call).await,
        "GetMethodResponse" => methods::get_response(call).await,
        "UpdateMethodResponse" => methods::update_response(call).await,
        "DeleteMethodResponse" => methods::delete_response(call).await,

        "PutIntegration" => integrations::put(call).await,
        "GetIntegration" => integrations::get(call).await,
        "UpdateIntegration" => integrations::update(call).await,
        "DeleteIntegration" => integrations::delete(call).await,
        "PutIntegrationResponse" => integrations::put_response(call).await,
        "GetIntegrationResponse" => integrations::get_response(call).await,
        "UpdateIntegrationResponse" => integrations::update_response(call).await,
        "DeleteIntegrationResponse" => integrations::delete_response(call).await,

        "CreateAuthorizer" => authorizers::create(call).await,
        "GetAuthorizers" => authorizers::list(call).await,
        "GetAuthorizer" => authorizers::get(call).await,
        "UpdateAuthorizer" => authorizers::update(call).await,
        "DeleteAuthorizer" => authorizers::delete(call).await,
        "TestInvokeAuthorizer" => authorizers::test_invoke(call).await,

        "CreateDeployment" => deployments::create(call).await,
        "GetDeployments" => deployments::list(call).await,
        "GetDeployment" => deployments::get(call).await,
        "DeleteDeployment" => deployments::delete(call).await,

        "CreateStage" => stages::create(call).await,
        "GetStages" => stages::list(call).await,
        "GetStage" => stages::get(call).await,
        "UpdateStage" => stages::update(call).await,
        "DeleteStage" => stages::delete(call).await,

        "ImportRestApi" => documents::import(call).await,
        "PutRestApi" => documents::put(call).await,
        "GetExport" => documents::export(call).await,

        other => Err(AwsError::not_implemented(other, method, path)),
    }
}

fn success(request_id: &str, reply: wire::Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let mut response = match reply.body {
        ReplyBody::Empty => Response::new(Body::empty()),
        ReplyBody::Json(value) => {
            let mut r = Response::new(Body::from(value.to_string()));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        ReplyBody::Document {
            content_type,
            disposition,
            text,
        } => {
            let mut r = Response::new(Body::from(text));
            insert(
                r.headers_mut(),
                header::CONTENT_TYPE.as_str(),
                &content_type,
            );
            insert(r.headers_mut(), "content-disposition", &disposition);
            r
        }
    };
    *response.status_mut() = status;
    insert(response.headers_mut(), "x-amzn-requestid", request_id);
    response
}

fn error(request_id: &str, e: &AwsError) -> Response {
    let body = serde_json::json!({ "message": e.message }).to_string();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    insert(headers, "x-amzn-requestid", request_id);
    insert(headers, "x-amzn-errortype", e.code);
    response
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        axum::http::HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.insert(name, value);
    }
}
