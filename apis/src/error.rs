//! The crate's one error type.
//!
//! Every expected failure is a variant whose `Display` is the message to show: the exact AWS
//! message where API Gateway has a known one, otherwise a plain sentence. Validation failures
//! name the field they belong to (the AWS/serde field name, e.g. `pathPart`), so the console
//! can show them beside it. [`ApisError::kind`] gives the AWS exception to send from the
//! management API.

/// What a [`ApisError::NotFound`] could not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    RestApi,
    Resource,
    Method,
    Integration,
    IntegrationResponse,
    MethodResponse,
    Authorizer,
    Deployment,
    Stage,
}

/// The AWS exception an error maps to (API Gateway's REST-JSON `x-amzn-ErrorType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 400 `BadRequestException`.
    BadRequest,
    /// 404 `NotFoundException`.
    NotFound,
    /// 409 `ConflictException`.
    Conflict,
    /// 500 (nothing about the cause is sent to callers).
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Internal => 500,
        }
    }

    /// The exception name.
    pub fn type_name(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "BadRequestException",
            ErrorKind::NotFound => "NotFoundException",
            ErrorKind::Conflict => "ConflictException",
            ErrorKind::Internal => "InternalServerErrorException",
        }
    }
}

/// Exact messages (AWS's where known) used in more than one place.
pub mod msg {
    pub const RESOURCE_NOT_FOUND: &str = "Invalid Resource identifier specified";
    pub const METHOD_NOT_FOUND: &str = "Invalid Method identifier specified";
    pub const INTEGRATION_NOT_FOUND: &str = "Invalid Integration identifier specified";
    pub const RESPONSE_NOT_FOUND: &str = "Invalid Response status code specified";
    pub const AUTHORIZER_NOT_FOUND: &str = "Invalid Authorizer identifier specified";
    pub const DEPLOYMENT_NOT_FOUND: &str = "Invalid Deployment identifier specified";
    pub const STAGE_NOT_FOUND: &str = "Invalid Stage identifier specified";
    pub const METHOD_EXISTS: &str = "Method already exists for this resource";
    pub const STAGE_EXISTS: &str = "Stage already exists";
    pub const NO_METHODS: &str = "The REST API doesn't contain any methods";
    pub const NO_INTEGRATION: &str = "No integration defined for method";
    pub const DEPLOYMENT_IN_USE: &str =
        "Active stages pointing to this deployment must be moved or deleted";
    pub const PATH_PART: &str = "Resource's path part only allow a-zA-Z0-9._- and curly braces \
        at the beginning and the end and an optional plus sign before the closing brace.";
    pub const TIMEOUT: &str = "Timeout should be between 50 ms and 29000 ms";
    pub const HTTP_ENDPOINT: &str = "Invalid HTTP endpoint specified for URI";
    pub const INVALID_ARN: &str = "Invalid ARN specified in the request";
    pub const ARN_PATH_OR_ACTION: &str = "AWS ARN for integration must contain path or action";
    pub const EMPTY_HTTP_METHOD: &str = "Enumeration value for HttpMethod must be non-empty";
    pub const STAGE_NAME: &str = "Stage name only allows a-zA-Z0-9_-";
    pub const ROOT_DELETE: &str = "Cannot delete the root resource";
}

#[derive(Debug, thiserror::Error)]
pub enum ApisError {
    /// A field's value is refused (400).
    #[error("{message}")]
    Invalid {
        /// The AWS/serde field name (`pathPart`, `uri`, `timeoutInMillis`, ...).
        field: &'static str,
        message: String,
    },
    /// The thing addressed does not exist (404).
    #[error("{message}")]
    NotFound { entity: Entity, message: String },
    /// The change clashes with what is stored (409): duplicate names, path parts, stages...
    #[error("{message}")]
    Conflict {
        /// The field the clash is about, when there is one.
        field: Option<&'static str>,
        message: String,
    },
    /// Optimistic concurrency: the row's `version` moved since the form was loaded (409).
    /// Nothing was changed.
    #[error(
        "This {entity} was changed by someone else since you opened it. Reload to see their changes."
    )]
    StaleVersion {
        /// `method`, `integration` or `authorizer`.
        entity: &'static str,
        /// The version the caller loaded.
        expected: i32,
        /// The version stored now.
        current: i32,
    },
    /// Deleting an authorizer that methods still use (409); `methods` are `GET /pets`...
    #[error("Authorizer is in use by {}", .methods.join(", "))]
    AuthorizerInUse { methods: Vec<String> },
    /// Deleting a deployment that stages still point to (400, AWS's message).
    #[error("{}", msg::DEPLOYMENT_IN_USE)]
    DeploymentInUse { stages: Vec<crate::ids::StageName> },
    /// Stored data that does not decode (a bug or a hand-edited row).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl ApisError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> ApisError {
        ApisError::Invalid {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(entity: Entity) -> ApisError {
        let message = match entity {
            // The API id is appended by `api_not_found`.
            Entity::RestApi => "Invalid API identifier specified",
            Entity::Resource => msg::RESOURCE_NOT_FOUND,
            Entity::Method => msg::METHOD_NOT_FOUND,
            Entity::Integration => msg::INTEGRATION_NOT_FOUND,
            Entity::IntegrationResponse | Entity::MethodResponse => msg::RESPONSE_NOT_FOUND,
            Entity::Authorizer => msg::AUTHORIZER_NOT_FOUND,
            Entity::Deployment => msg::DEPLOYMENT_NOT_FOUND,
            Entity::Stage => msg::STAGE_NOT_FOUND,
        };
        ApisError::NotFound {
            entity,
            message: message.to_owned(),
        }
    }

    /// AWS says `Invalid API identifier specified {account}:{id}`; this crate does not know the
    /// account, so the message carries the id only.
    pub(crate) fn api_not_found(api_id: &str) -> ApisError {
        ApisError::NotFound {
            entity: Entity::RestApi,
            message: format!("Invalid API identifier specified {api_id}"),
        }
    }

    pub(crate) fn conflict(field: Option<&'static str>, message: impl Into<String>) -> ApisError {
        ApisError::Conflict {
            field,
            message: message.into(),
        }
    }

    /// The field the error belongs to, for showing it beside that field.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ApisError::Invalid { field, .. } => Some(field),
            ApisError::Conflict { field, .. } => *field,
            _ => None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            ApisError::Invalid { .. } | ApisError::DeploymentInUse { .. } => ErrorKind::BadRequest,
            ApisError::NotFound { .. } => ErrorKind::NotFound,
            ApisError::Conflict { .. }
            | ApisError::StaleVersion { .. }
            | ApisError::AuthorizerInUse { .. } => ErrorKind::Conflict,
            ApisError::Corrupt(_) | ApisError::Database(_) => ErrorKind::Internal,
        }
    }

    /// Whether this is a [`ApisError::NotFound`] for `entity`.
    pub fn is_not_found(&self, entity: Entity) -> bool {
        matches!(self, ApisError::NotFound { entity: e, .. } if *e == entity)
    }
}

pub type Result<T, E = ApisError> = std::result::Result<T, E>;
