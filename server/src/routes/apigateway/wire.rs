//! API Gateway's REST-JSON wire format: errors, replies, request bodies, patch operations,
//! pagination, and the response shapes botocore's `apigateway` model expects.
//!
//! The domain types in `apis` already serialise with AWS's field names; the functions here
//! only drop what is ours (`version`, the optimistic-concurrency counter) and add the fields
//! AWS always returns (`cacheNamespace`, `apiKeySource`, ...), so SDK users see familiar
//! objects.

use apis::{ApisError, Authorizer, Deployment, ErrorKind, Integration, Method, Resource, RestApi};
use apis::{DeploymentSnapshot, Stage};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// An error as API Gateway sends it: the status, `x-amzn-ErrorType` and a JSON `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl AwsError {
    pub fn bad_request(message: impl Into<String>) -> AwsError {
        AwsError {
            status: 400,
            code: "BadRequestException",
            message: message.into(),
        }
    }

    /// An operation of AWS's API that Gatehouse does not implement. 501 is not retried by the
    /// SDKs (they retry 500, 502, 503 and 504) and botocore surfaces it as a `ClientError`
    /// with this code.
    pub fn not_implemented(operation: &str, method: &str, path: &str) -> AwsError {
        AwsError {
            status: 501,
            code: "NotImplementedException",
            message: format!(
                "Gatehouse does not implement the API Gateway operation {operation} \
                 ({method} {path}) yet."
            ),
        }
    }

    /// Not a path of API Gateway's management API at all.
    pub fn unknown_operation(method: &str, path: &str) -> AwsError {
        AwsError {
            status: 404,
            code: "UnknownOperationException",
            message: format!("No API Gateway operation matches {method} {path}."),
        }
    }

    pub fn internal() -> AwsError {
        AwsError {
            status: 500,
            code: "InternalServerErrorException",
            message: "Internal server error".to_owned(),
        }
    }
}

impl From<ApisError> for AwsError {
    fn from(e: ApisError) -> AwsError {
        let kind = e.kind();
        if kind == ErrorKind::Internal {
            tracing::error!(error = %e, "apigateway: store failure");
            return AwsError::internal();
        }
        AwsError {
            status: kind.status(),
            code: kind.type_name(),
            message: e.to_string(),
        }
    }
}

/// A successful answer: the status (200, 201, 202 or 204) and the JSON body, if any.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: ReplyBody,
}

#[derive(Debug)]
pub enum ReplyBody {
    Empty,
    Json(Value),
    /// A document (GetExport): its content type, the `Content-Disposition`, and the text.
    Document {
        content_type: String,
        disposition: String,
        text: String,
    },
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body: ReplyBody::Json(body),
        }
    }

    pub fn created(body: Value) -> Reply {
        Reply {
            status: 201,
            body: ReplyBody::Json(body),
        }
    }

    /// DeleteRestApi, DeleteResource, DeleteAuthorizer, DeleteStage...: 202 and no body.
    pub fn accepted() -> Reply {
        Reply {
            status: 202,
            body: ReplyBody::Empty,
        }
    }

    /// DeleteMethod, DeleteIntegration and the response deletes: 204.
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            body: ReplyBody::Empty,
        }
    }
}

pub type Outcome = Result<Reply, AwsError>;

/// Parses a JSON request body; an empty body reads as `{}` (botocore sends none when every
/// member is optional and unset).
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AwsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| AwsError::bad_request(format!("Invalid request body: {e}")))
}

// ----- patch operations ----------------------------------------------------------------------

/// One of the `patchOperations` of an Update* call (JSON Patch, as API Gateway uses it).
#[derive(Debug, Clone, Deserialize)]
pub struct PatchOperation {
    pub op: String,
    pub path: String,
    #[serde(default)]
    pub value: Option<String>,
}

impl PatchOperation {
    /// The path's segments with JSON Pointer escapes undone (`~1` is `/`, `~0` is `~`):
    /// `/requestTemplates/application~1json` → `["requestTemplates", "application/json"]`.
    pub fn segments(&self) -> Vec<String> {
        self.path
            .strip_prefix('/')
            .unwrap_or(&self.path)
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    }

    /// The value, required for `add` and `replace`.
    pub fn value(&self) -> Result<&str, AwsError> {
        self.value.as_deref().ok_or_else(|| {
            AwsError::bad_request(format!(
                "Invalid patch operation: op '{}' on path '{}' requires a value",
                self.op, self.path
            ))
        })
    }

    pub fn is(&self, op: &str) -> bool {
        self.op.eq_ignore_ascii_case(op)
    }

    /// The error for a path this resource does not have.
    pub fn bad_path(&self, allowed: &[&str]) -> AwsError {
        AwsError::bad_request(format!(
            "Invalid patch path '{}' specified for op '{}'. Must be one of: [{}]",
            self.path,
            self.op,
            allowed.join(", ")
        ))
    }

    /// The error for an op this path does not take.
    pub fn bad_op(&self, allowed: &[&str]) -> AwsError {
        AwsError::bad_request(format!(
            "Invalid patch operation specified. Must be one of: [{}] for path '{}'",
            allowed.join(", "),
            self.path
        ))
    }

    /// The value as a boolean (`"true"` / `"false"`).
    pub fn bool_value(&self) -> Result<bool, AwsError> {
        match self.value()? {
            v if v.eq_ignore_ascii_case("true") => Ok(true),
            v if v.eq_ignore_ascii_case("false") => Ok(false),
            v => Err(AwsError::bad_request(format!(
                "Invalid value '{v}' for {}: must be true or false",
                self.path
            ))),
        }
    }

    /// The value as an integer.
    pub fn int_value(&self) -> Result<i32, AwsError> {
        let v = self.value()?;
        v.trim().parse().map_err(|_| {
            AwsError::bad_request(format!(
                "Invalid value '{v}' for {}: must be an integer",
                self.path
            ))
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatchBody {
    #[serde(default)]
    patch_operations: Vec<PatchOperation>,
}

/// The `patchOperations` of an Update* body; each op must be one API Gateway knows.
pub fn patch_operations(body: &[u8]) -> Result<Vec<PatchOperation>, AwsError> {
    let parsed: PatchBody = parse_body(body)?;
    for p in &parsed.patch_operations {
        if !["add", "remove", "replace", "move", "copy", "test"]
            .iter()
            .any(|op| p.is(op))
        {
            return Err(AwsError::bad_request(format!(
                "Invalid patch operation '{}': must be one of add, remove, replace, move, copy, test",
                p.op
            )));
        }
        if !p.path.starts_with('/') {
            return Err(AwsError::bad_request(format!(
                "Invalid patch path '{}': must start with '/'",
                p.path
            )));
        }
    }
    Ok(parsed.patch_operations)
}

// ----- pagination ----------------------------------------------------------------------------

/// API Gateway's default page size.
pub const DEFAULT_LIMIT: usize = 25;
/// API Gateway's largest page size.
pub const MAX_LIMIT: usize = 500;

/// One page of `items` as `{"item": [...], "position": "..."}`; `position` is the offset of
/// the next page (opaque to clients), present only when there is one.
pub fn page(
    items: Vec<Value>,
    limit: Option<&str>,
    position: Option<&str>,
) -> Result<Value, AwsError> {
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(AwsError::bad_request(format!(
                    "Invalid limit '{raw}': must be between 1 and {MAX_LIMIT}"
                )));
            }
        },
    };
    let start = match position {
        None | Some("") => 0,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= items.len())
            .ok_or_else(|| AwsError::bad_request(format!("Invalid position '{raw}'")))?,
    };
    let end = (start + limit).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    let mut out = json!({ "item": items[start..end].to_vec() });
    if let Some(next) = next {
        out["position"] = Value::String(next);
    }
    Ok(out)
}

// ----- response shapes -----------------------------------------------------------------------

fn object(value: impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

pub fn rest_api(api: &RestApi) -> Value {
    let mut v = json!({
        "id": api.id,
        "name": api.name,
        "createdDate": api.created_date.unix_timestamp(),
        "rootResourceId": api.root_resource_id,
        "apiKeySource": "HEADER",
        "endpointConfiguration": { "types": ["EDGE"] },
        "disableExecuteApiEndpoint": false,
    });
    if !api.description.is_empty() {
        v["description"] = Value::String(api.description.clone());
    }
    v
}

/// A resource; its methods in full with `embed=methods`, otherwise as `{}` (as AWS lists
/// them).
pub fn resource(r: &Resource, embed_methods: bool) -> Value {
    let mut v = json!({ "id": r.id, "path": r.path });
    if let Some(parent) = &r.parent_id {
        v["parentId"] = Value::String(parent.to_string());
    }
    if let Some(part) = &r.path_part {
        v["pathPart"] = Value::String(part.clone());
    }
    if !r.resource_methods.is_empty() {
        let methods: Map<String, Value> = r
            .resource_methods
            .iter()
            .map(|(verb, m)| {
                let body = if embed_methods {
                    method(m, &r.id)
                } else {
                    json!({})
                };
                (verb.as_str().to_owned(), body)
            })
            .collect();
        v["resourceMethods"] = Value::Object(methods);
    }
    v
}

pub fn method(m: &Method, resource_id: &str) -> Value {
    let mut map = object(m);
    map.remove("version");
    if let Some(i) = &m.method_integration {
        map.insert("methodIntegration".into(), integration(i, resource_id));
    }
    Value::Object(map)
}

pub fn integration(i: &Integration, resource_id: &str) -> Value {
    let mut map = object(i);
    map.remove("version");
    // AWS's defaults (reference §1.1): the namespace is the resource id.
    map.insert(
        "cacheNamespace".into(),
        Value::String(resource_id.to_owned()),
    );
    map.insert("cacheKeyParameters".into(), json!([]));
    Value::Object(map)
}

pub fn authorizer(a: &Authorizer) -> Value {
    let mut map = object(a);
    map.remove("version");
    map.insert(
        "authType".into(),
        Value::String("cognito_user_pools".into()),
    );
    Value::Object(map)
}

pub fn deployment(d: &Deployment) -> Value {
    deployment_fields(&d.id, &d.description, d.created_date.unix_timestamp())
}

pub fn deployment_of(s: &DeploymentSnapshot) -> Value {
    deployment_fields(
        &s.deployment_id,
        &s.description,
        s.created_date.unix_timestamp(),
    )
}

fn deployment_fields(id: &str, description: &str, created: i64) -> Value {
    let mut v = json!({ "id": id, "createdDate": created });
    if !description.is_empty() {
        v["description"] = Value::String(description.to_owned());
    }
    v
}

/// `apiSummary` of a deployment (`embed=apisummary`): path → method → authorization.
pub fn api_summary(s: &DeploymentSnapshot) -> Value {
    let mut paths = Map::new();
    for r in &s.resources {
        if r.resource_methods.is_empty() {
            continue;
        }
        let methods: Map<String, Value> = r
            .resource_methods
            .iter()
            .map(|(verb, m)| {
                (
                    verb.as_str().to_owned(),
                    json!({
                        "authorizationType": m.authorization_type.as_str(),
                        "apiKeyRequired": m.api_key_required,
                    }),
                )
            })
            .collect();
        paths.insert(r.path.clone(), Value::Object(methods));
    }
    Value::Object(paths)
}

pub fn stage(s: &Stage) -> Value {
    let mut v = json!({
        "stageName": s.stage_name,
        "deploymentId": s.deployment_id,
        "variables": s.variables,
        "createdDate": s.created_date.unix_timestamp(),
        "lastUpdatedDate": s.last_updated_date.unix_timestamp(),
        "cacheClusterEnabled": false,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "methodSettings": {},
        "tracingEnabled": false,
    });
    if !s.description.is_empty() {
        v["description"] = Value::String(s.description.clone());
    }
    v
}

/// The response declared for `status` (a method's or an integration's), or AWS's NotFound.
pub fn declared_response<'a, T>(
    responses: &'a std::collections::BTreeMap<String, T>,
    status: &str,
    entity: apis::error::Entity,
) -> Result<&'a T, ApisError> {
    responses.get(status).ok_or_else(|| ApisError::NotFound {
        entity,
        message: apis::error::msg::RESPONSE_NOT_FOUND.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(op: &str, path: &str, value: Option<&str>) -> PatchOperation {
        PatchOperation {
            op: op.into(),
            path: path.into(),
            value: value.map(str::to_owned),
        }
    }

    #[test]
    fn patch_paths_unescape_json_pointer() {
        assert_eq!(
            op("replace", "/requestTemplates/application~1json", None).segments(),
            vec!["requestTemplates", "application/json"]
        );
        assert_eq!(
            op("add", "/variables/a~0b", None).segments(),
            vec!["variables", "a~b"]
        );
    }

    #[test]
    fn patch_bodies_are_checked() {
        assert!(patch_operations(b"").expect("empty").is_empty());
        let err = patch_operations(br#"{"patchOperations":[{"op":"frob","path":"/name"}]}"#)
            .expect_err("unknown op");
        assert_eq!(err.code, "BadRequestException");
        assert!(err.message.contains("frob"), "{}", err.message);
        let err = patch_operations(br#"{"patchOperations":[{"op":"replace","path":"name"}]}"#)
            .expect_err("relative path");
        assert!(
            err.message.contains("must start with '/'"),
            "{}",
            err.message
        );
        assert!(patch_operations(b"{not json").is_err());
    }

    #[test]
    fn pages_carry_the_next_position() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let first = page(items.clone(), Some("2"), None).expect("page");
        assert_eq!(first, json!({"item": [0, 1], "position": "2"}));
        let last = page(items.clone(), Some("2"), Some("4")).expect("page");
        assert_eq!(last, json!({"item": [4]}));
        assert_eq!(
            page(items.clone(), Some("0"), None)
                .expect_err("limit")
                .code,
            "BadRequestException"
        );
        assert!(page(items.clone(), None, Some("9")).is_err());
        assert!(page(items, None, Some("x")).is_err());
        assert_eq!(
            page(Vec::new(), None, None).expect("empty"),
            json!({"item": []})
        );
    }

    #[test]
    fn store_errors_map_to_aws_exceptions() {
        let e = AwsError::from(ApisError::NotFound {
            entity: apis::Entity::Stage,
            message: "Invalid Stage identifier specified".into(),
        });
        assert_eq!(
            (e.status, e.code, e.message.as_str()),
            (
                404,
                "NotFoundException",
                "Invalid Stage identifier specified"
            )
        );
        let e = AwsError::from(ApisError::Corrupt("secret detail".into()));
        assert_eq!(e.status, 500);
        assert!(!e.message.contains("secret"));
    }
}
