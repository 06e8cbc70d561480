//! The REST API model. Serde uses AWS's field names (`pathPart`, `resourceMethods`,
//! `providerARNs`, ...) so the same types serve the console, the deployment snapshots, and later
//! the Swagger import/export and the AWS-compatible management API. Dates are epoch seconds,
//! as API Gateway's REST-JSON protocol sends them.
//!
//! Maps are `BTreeMap`s: keys come back sorted (PostgreSQL's JSONB does not keep insertion
//! order either).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ApisError;
use crate::ids::{AuthorizerId, DeploymentId, ResourceId, RestApiId, StageName};

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($field:literal) { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in AWS's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the wire spelling; the error names the field.
            pub fn parse(s: &str) -> Result<$name, ApisError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ApisError::invalid(
                        $field,
                        format!(
                            "Invalid value '{s}' for {}: must be one of {}",
                            $field,
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// A method's verb. `ANY` stands for all the others.
    pub enum HttpMethod ("httpMethod") {
        Get = "GET",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
        Head = "HEAD",
        Options = "OPTIONS",
        Any = "ANY",
    }
}

string_enum! {
    /// How callers of a method are authorized. Gatehouse enforces NONE and COGNITO_USER_POOLS.
    pub enum AuthorizationType ("authorizationType") {
        None = "NONE",
        /// Stored (for import/export) but not enforceable here: the gateway refuses every
        /// request (403 Missing Authentication Token, as AWS answers an unsigned request).
        AwsIam = "AWS_IAM",
        /// Stored (for import/export) but not enforceable here (a Lambda authorizer): the
        /// gateway refuses every request with 401. Such a method keeps no authorizer id.
        Custom = "CUSTOM",
        CognitoUserPools = "COGNITO_USER_POOLS",
    }
}

impl AuthorizationType {
    /// Whether the gateway can enforce it (AWS_IAM and CUSTOM need AWS IAM or Lambda).
    pub fn is_enforceable(self) -> bool {
        matches!(
            self,
            AuthorizationType::None | AuthorizationType::CognitoUserPools
        )
    }
}

string_enum! {
    pub enum IntegrationType ("type") {
        Mock = "MOCK",
        Http = "HTTP",
        HttpProxy = "HTTP_PROXY",
        /// Stored (for import/export) but not runnable here.
        Aws = "AWS",
        /// Stored (for import/export) but not runnable here.
        AwsProxy = "AWS_PROXY",
    }
}

impl IntegrationType {
    /// Whether the gateway can run it (AWS and AWS_PROXY need AWS services).
    pub fn is_runnable(self) -> bool {
        matches!(
            self,
            IntegrationType::Mock | IntegrationType::Http | IntegrationType::HttpProxy
        )
    }

    /// HTTP and HTTP_PROXY: the uri must be an absolute http(s) URL.
    pub fn is_http(self) -> bool {
        matches!(self, IntegrationType::Http | IntegrationType::HttpProxy)
    }

    /// Proxy integrations take no templates nor integration responses at runtime.
    pub fn is_proxy(self) -> bool {
        matches!(self, IntegrationType::HttpProxy | IntegrationType::AwsProxy)
    }
}

string_enum! {
    /// What happens to a request whose content type has no request template.
    pub enum PassthroughBehavior ("passthroughBehavior") {
        WhenNoMatch = "WHEN_NO_MATCH",
        WhenNoTemplates = "WHEN_NO_TEMPLATES",
        Never = "NEVER",
    }
}

// Written out: the variants come from `string_enum!`, which cannot carry `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for PassthroughBehavior {
    fn default() -> PassthroughBehavior {
        PassthroughBehavior::WhenNoMatch
    }
}

string_enum! {
    pub enum AuthorizerType ("type") {
        CognitoUserPools = "COGNITO_USER_POOLS",
    }
}

/// `timeoutInMillis` when none is given.
pub const DEFAULT_TIMEOUT_MILLIS: i32 = 29_000;
/// `identitySource` when none is given.
pub const DEFAULT_IDENTITY_SOURCE: &str = "method.request.header.Authorization";
/// `authorizerResultTtlInSeconds` when none is given.
pub const DEFAULT_AUTHORIZER_TTL: i32 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestApi {
    pub id: RestApiId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(with = "time::serde::timestamp")]
    pub created_date: OffsetDateTime,
    pub root_resource_id: ResourceId,
}

/// A node of the resource tree, with its methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub id: ResourceId,
    /// `None` for the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ResourceId>,
    /// `None` for the root; otherwise `name`, `{name}` or `{name+}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_part: Option<String>,
    /// The full path: `/`, `/pets`, `/pets/{id}`.
    pub path: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_methods: BTreeMap<HttpMethod, Method>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub http_method: HttpMethod,
    pub authorization_type: AuthorizationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_id: Option<AuthorizerId>,
    /// OAuth scopes: when non-empty, callers need an access token holding one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_scopes: Vec<String>,
    #[serde(default)]
    pub api_key_required: bool,
    /// `method.request.{path|querystring|header|...}.NAME` → required.
    #[serde(default)]
    pub request_parameters: BTreeMap<String, bool>,
    /// By status code.
    #[serde(default)]
    pub method_responses: BTreeMap<String, MethodResponse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_integration: Option<Integration>,
    /// Optimistic-concurrency version of the method's own settings.
    #[serde(default)]
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodResponse {
    pub status_code: String,
    /// `method.response.header.NAME` → required.
    #[serde(default)]
    pub response_parameters: BTreeMap<String, bool>,
    /// Content type → model name.
    #[serde(default)]
    pub response_models: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    #[serde(rename = "type")]
    pub kind: IntegrationType,
    /// The integration's own verb (HTTP and AWS types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_method: Option<HttpMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Target `integration.request.{path|querystring|header}.NAME` → source expression.
    #[serde(default)]
    pub request_parameters: BTreeMap<String, String>,
    /// Content type → mapping template.
    #[serde(default)]
    pub request_templates: BTreeMap<String, String>,
    #[serde(default)]
    pub passthrough_behavior: PassthroughBehavior,
    pub timeout_in_millis: i32,
    /// By status code.
    #[serde(default)]
    pub integration_responses: BTreeMap<String, IntegrationResponse>,
    #[serde(default)]
    pub version: i32,
}

impl Integration {
    /// Whether the gateway can run this integration (AWS/AWS_PROXY are stored only).
    pub fn is_runnable(&self) -> bool {
        self.kind.is_runnable()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationResponse {
    pub status_code: String,
    /// A regex matched (whole string) against the backend status or error; none: the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_pattern: Option<String>,
    /// `method.response.header.NAME` → source expression.
    #[serde(default)]
    pub response_parameters: BTreeMap<String, String>,
    /// Content type → mapping template.
    #[serde(default)]
    pub response_templates: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorizer {
    pub id: AuthorizerId,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: AuthorizerType,
    /// Pool ARNs (`arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}`) or issuer URLs.
    #[serde(rename = "providerARNs")]
    pub provider_arns: Vec<String>,
    /// `method.request.header.NAME`.
    pub identity_source: String,
    /// Matched (whole string) against the token's `aud` (ID tokens) or `client_id` (access).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_validation_expression: Option<String>,
    pub authorizer_result_ttl_in_seconds: i32,
    #[serde(default)]
    pub version: i32,
}

impl Authorizer {
    /// The header named by `identitySource` (`method.request.header.X` → `X`).
    pub fn identity_header(&self) -> Option<&str> {
        self.identity_source
            .strip_prefix("method.request.header.")
            .filter(|h| !h.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: DeploymentId,
    #[serde(default)]
    pub description: String,
    #[serde(with = "time::serde::timestamp")]
    pub created_date: OffsetDateTime,
    /// Stages currently pointing at this deployment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stage_names: Vec<StageName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub stage_name: StageName,
    pub deployment_id: DeploymentId,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(with = "time::serde::timestamp")]
    pub created_date: OffsetDateTime,
    #[serde(with = "time::serde::timestamp")]
    pub last_updated_date: OffsetDateTime,
}

/// The whole API as it was when deployed; what the gateway runtime loads for a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentSnapshot {
    /// Bumped if the layout ever changes incompatibly.
    pub format_version: u32,
    pub deployment_id: DeploymentId,
    #[serde(default)]
    pub description: String,
    #[serde(with = "time::serde::timestamp")]
    pub created_date: OffsetDateTime,
    pub api: RestApi,
    /// Every resource, sorted by path, with its methods, integrations and responses.
    pub resources: Vec<Resource>,
    pub authorizers: Vec<Authorizer>,
}

impl DeploymentSnapshot {
    pub const FORMAT_VERSION: u32 = 1;

    pub fn authorizer(&self, id: &AuthorizerId) -> Option<&Authorizer> {
        self.authorizers.iter().find(|a| a.id == *id)
    }

    pub fn resource(&self, id: &ResourceId) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == *id)
    }

    /// Methods whose integration is stored but cannot run here (AWS, AWS_PROXY), as
    /// `GET /pets`.
    pub fn unrunnable_methods(&self) -> Vec<String> {
        self.resources
            .iter()
            .flat_map(|r| {
                r.resource_methods.values().filter_map(move |m| {
                    m.method_integration
                        .as_ref()
                        .filter(|i| !i.is_runnable())
                        .map(|_| format!("{} {}", m.http_method, r.path))
                })
            })
            .collect()
    }
}

/// What deleting a REST API takes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletePreview {
    pub api: RestApi,
    /// Including the root.
    pub resources: i64,
    pub methods: i64,
    pub authorizers: i64,
    pub stages: i64,
    pub deployments: i64,
    pub stage_names: Vec<StageName>,
}

/// What deleting a resource took with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedResources {
    /// The resource and its descendants.
    pub resources: i64,
    pub methods: i64,
}

// ----- inputs --------------------------------------------------------------------------------

/// The settings of a method (PutMethod / the method form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSettings {
    pub authorization_type: AuthorizationType,
    #[serde(default)]
    pub authorizer_id: Option<AuthorizerId>,
    #[serde(default)]
    pub authorization_scopes: Vec<String>,
    #[serde(default)]
    pub api_key_required: bool,
    #[serde(default)]
    pub request_parameters: BTreeMap<String, bool>,
}

impl Default for MethodSettings {
    fn default() -> MethodSettings {
        MethodSettings {
            authorization_type: AuthorizationType::None,
            authorizer_id: None,
            authorization_scopes: Vec::new(),
            api_key_required: false,
            request_parameters: BTreeMap::new(),
        }
    }
}

/// The settings of an integration (PutIntegration / the integration form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationSettings {
    #[serde(rename = "type")]
    pub kind: IntegrationType,
    #[serde(default)]
    pub http_method: Option<HttpMethod>,
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub request_parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub request_templates: BTreeMap<String, String>,
    /// Default `WHEN_NO_MATCH`.
    #[serde(default)]
    pub passthrough_behavior: Option<PassthroughBehavior>,
    /// Default 29000.
    #[serde(default)]
    pub timeout_in_millis: Option<i32>,
}

impl IntegrationSettings {
    /// A MOCK integration with no templates.
    pub fn mock() -> IntegrationSettings {
        IntegrationSettings {
            kind: IntegrationType::Mock,
            http_method: None,
            uri: None,
            request_parameters: BTreeMap::new(),
            request_templates: BTreeMap::new(),
            passthrough_behavior: None,
            timeout_in_millis: None,
        }
    }

    /// An integration of `kind` calling `uri` with `http_method`.
    pub fn http(kind: IntegrationType, http_method: HttpMethod, uri: &str) -> IntegrationSettings {
        IntegrationSettings {
            kind,
            http_method: Some(http_method),
            uri: Some(uri.to_owned()),
            ..IntegrationSettings::mock()
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationResponseSettings {
    #[serde(default)]
    pub selection_pattern: Option<String>,
    #[serde(default)]
    pub response_parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub response_templates: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodResponseSettings {
    #[serde(default)]
    pub response_parameters: BTreeMap<String, bool>,
    #[serde(default)]
    pub response_models: BTreeMap<String, String>,
}

/// The settings of a COGNITO_USER_POOLS authorizer (CreateAuthorizer / the authorizer form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerSettings {
    pub name: String,
    #[serde(rename = "providerARNs")]
    pub provider_arns: Vec<String>,
    /// Default `method.request.header.Authorization`.
    #[serde(default)]
    pub identity_source: Option<String>,
    #[serde(default)]
    pub identity_validation_expression: Option<String>,
    /// Default 300.
    #[serde(default)]
    pub authorizer_result_ttl_in_seconds: Option<i32>,
}

impl AuthorizerSettings {
    pub fn new(name: &str, provider_arns: &[&str]) -> AuthorizerSettings {
        AuthorizerSettings {
            name: name.to_owned(),
            provider_arns: provider_arns.iter().map(|s| (*s).to_owned()).collect(),
            identity_source: None,
            identity_validation_expression: None,
            authorizer_result_ttl_in_seconds: None,
        }
    }
}

/// CreateStage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageSettings {
    pub stage_name: StageName,
    pub deployment_id: DeploymentId,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}
