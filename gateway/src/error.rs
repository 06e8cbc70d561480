//! Why the gateway answered a request itself: the phase that refused it, API Gateway's
//! gateway-response type, the status and the message. Phases return a [`GatewayError`];
//! [`crate::gateway_response`] turns it into the response, in one place.

use std::borrow::Cow;
use std::fmt;

/// The phase that ended the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Route,
    ApiKey,
    Authorize,
    IntegrationRequest,
    Integrate,
    IntegrationResponse,
}

/// API Gateway's `GatewayResponseType`, for the responses this gateway produces today (a
/// later issue maps them to configurable gateway responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// No API, stage, resource or method matches (and AWS_IAM methods: no signature).
    MissingAuthenticationToken,
    /// The method requires an API key, and the request has no valid one.
    InvalidApiKey,
    /// The authorizer refused the request (also: CUSTOM authorizers, not supported yet).
    Unauthorized,
    /// The method's authorizer is not in the deployment.
    AuthorizerConfigurationError,
    /// The method, its integration or a template is misconfigured.
    ApiConfigurationError,
    /// A path value would add a `.`/`..` segment to the backend URL.
    BadRequestParameters,
    /// No request template matches the content type, and passthrough is refused.
    UnsupportedMediaType,
    /// The backend could not be reached.
    IntegrationFailure,
    /// The backend did not answer within `timeoutInMillis`.
    IntegrationTimeout,
    /// Any other 5XX the gateway answers with itself.
    Default5xx,
}

impl ResponseType {
    /// The name API Gateway uses (`MISSING_AUTHENTICATION_TOKEN`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseType::MissingAuthenticationToken => "MISSING_AUTHENTICATION_TOKEN",
            ResponseType::InvalidApiKey => "INVALID_API_KEY",
            ResponseType::Unauthorized => "UNAUTHORIZED",
            ResponseType::AuthorizerConfigurationError => "AUTHORIZER_CONFIGURATION_ERROR",
            ResponseType::ApiConfigurationError => "API_CONFIGURATION_ERROR",
            ResponseType::BadRequestParameters => "BAD_REQUEST_PARAMETERS",
            ResponseType::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ResponseType::IntegrationFailure => "INTEGRATION_FAILURE",
            ResponseType::IntegrationTimeout => "INTEGRATION_TIMEOUT",
            ResponseType::Default5xx => "DEFAULT_5XX",
        }
    }
}

impl fmt::Display for ResponseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request the gateway answers itself instead of the integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    pub phase: Phase,
    pub response_type: ResponseType,
    pub status: u16,
    /// `$context.error.message`: the `message` of the JSON body.
    pub message: Cow<'static, str>,
}

impl GatewayError {
    pub fn new(
        phase: Phase,
        response_type: ResponseType,
        status: u16,
        message: impl Into<Cow<'static, str>>,
    ) -> GatewayError {
        GatewayError {
            phase,
            response_type,
            status,
            message: message.into(),
        }
    }

    /// 403 Missing Authentication Token.
    pub fn missing_authentication_token(phase: Phase) -> GatewayError {
        GatewayError::new(
            phase,
            ResponseType::MissingAuthenticationToken,
            403,
            "Missing Authentication Token",
        )
    }

    /// 500 Internal server error: a configuration error (template failures included).
    pub fn configuration(phase: Phase) -> GatewayError {
        GatewayError::new(
            phase,
            ResponseType::ApiConfigurationError,
            500,
            "Internal server error",
        )
    }

    /// 500 Internal server error of a given type.
    pub fn internal(phase: Phase, response_type: ResponseType) -> GatewayError {
        GatewayError::new(phase, response_type, 500, "Internal server error")
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {:?} phase): {}",
            self.response_type, self.status, self.phase, self.message
        )
    }
}

impl std::error::Error for GatewayError {}

/// What a phase returns: its output, or the gateway's own answer.
pub type PhaseResult<T> = Result<T, GatewayError>;
