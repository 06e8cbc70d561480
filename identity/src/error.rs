//! The crate's one error type: an AWS exception name ([`ErrorKind`]) plus the message sent on
//! the wire. Messages are safe to show to callers; infrastructure failures are logged here
//! (with their cause) and reach the caller only as `InternalErrorException`.

use std::fmt;

/// The `__type` of a Cognito error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    NotAuthorized,
    UserNotConfirmed,
    UserNotFound,
    UsernameExists,
    AliasExists,
    CodeMismatch,
    ExpiredCode,
    InvalidPassword,
    InvalidParameter,
    ResourceNotFound,
    PasswordResetRequired,
    LimitExceeded,
    TooManyFailedAttempts,
    TooManyRequests,
    UnsupportedUserState,
    GroupExists,
    Unauthorized,
    UnsupportedTokenType,
    UnknownOperation,
    Serialization,
    MissingAuthenticationToken,
    InternalError,
    EnableSoftwareTokenMfa,
    SoftwareTokenMfaNotFound,
}

impl ErrorKind {
    /// The exception name as sent in `__type` (bare, without a namespace).
    pub fn type_name(self) -> &'static str {
        match self {
            ErrorKind::NotAuthorized => "NotAuthorizedException",
            ErrorKind::UserNotConfirmed => "UserNotConfirmedException",
            ErrorKind::UserNotFound => "UserNotFoundException",
            ErrorKind::UsernameExists => "UsernameExistsException",
            ErrorKind::AliasExists => "AliasExistsException",
            ErrorKind::CodeMismatch => "CodeMismatchException",
            ErrorKind::ExpiredCode => "ExpiredCodeException",
            ErrorKind::InvalidPassword => "InvalidPasswordException",
            ErrorKind::InvalidParameter => "InvalidParameterException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::PasswordResetRequired => "PasswordResetRequiredException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::TooManyFailedAttempts => "TooManyFailedAttemptsException",
            ErrorKind::TooManyRequests => "TooManyRequestsException",
            ErrorKind::UnsupportedUserState => "UnsupportedUserStateException",
            ErrorKind::GroupExists => "GroupExistsException",
            ErrorKind::Unauthorized => "UnauthorizedException",
            ErrorKind::UnsupportedTokenType => "UnsupportedTokenTypeException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::InternalError => "InternalErrorException",
            ErrorKind::EnableSoftwareTokenMfa => "EnableSoftwareTokenMFAException",
            ErrorKind::SoftwareTokenMfaNotFound => "SoftwareTokenMFANotFoundException",
        }
    }
}

/// An error as returned to a Cognito client: `{"__type": kind.type_name(), "message": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoError {
    pub kind: ErrorKind,
    pub message: String,
}

/// Exact messages from the AWS catalogue that are used in more than one place.
pub(crate) mod msg {
    pub const INCORRECT_CREDENTIALS: &str = "Incorrect username or password.";
    pub const USER_DISABLED: &str = "User is disabled.";
    pub const ATTEMPTS_EXCEEDED: &str = "Password attempts exceeded";
    pub const USER_NOT_CONFIRMED: &str = "User is not confirmed.";
    pub const USER_NOT_FOUND: &str = "User does not exist.";
    pub const USER_EXISTS: &str = "User already exists";
    pub const EMAIL_EXISTS: &str = "An account with the given email already exists.";
    pub const CODE_MISMATCH: &str = "Invalid verification code provided, please try again.";
    pub const CODE_EXPIRED: &str = "Invalid code provided, please request a code again.";
    pub const CODE_ATTEMPTS: &str = "Attempt limit exceeded, please try after some time.";
    pub const TOO_MANY_REQUESTS: &str = "Too many requests";
    pub const INVALID_REFRESH_TOKEN: &str = "Invalid Refresh Token.";
    pub const REFRESH_TOKEN_REVOKED: &str = "Refresh Token has been revoked";
    pub const REFRESH_TOKEN_EXPIRED: &str = "Refresh Token has expired";
    pub const INVALID_ACCESS_TOKEN: &str = "Invalid Access Token";
    pub const ACCESS_TOKEN_EXPIRED: &str = "Access Token has expired";
    pub const ACCESS_TOKEN_REVOKED: &str = "Access Token has been revoked";
    pub const PASSWORD_RESET_REQUIRED: &str = "Password reset required for the user";
    pub const AUTH_METHOD_NOT_SUPPORTED: &str = "Initiate Auth method not supported.";
    pub const INVALID_SESSION: &str = "Invalid session for the user.";
    pub const SESSION_EXPIRED: &str = "Invalid session for the user, session is expired.";
    pub const UNAUTHORIZED_ATTRIBUTE: &str = "A client attempted to write unauthorized attribute";
    pub const TEMPORARY_PASSWORD_EXPIRED: &str =
        "Temporary password has expired and must be reset by an administrator.";
}

impl CognitoError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> CognitoError {
        CognitoError {
            kind,
            message: message.into(),
        }
    }

    /// The exception name for `__type` (and `x-amzn-ErrorType`).
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    /// HTTP status: 500 for `InternalErrorException`, 400 for everything else.
    pub fn status(&self) -> u16 {
        match self.kind {
            ErrorKind::InternalError => 500,
            _ => 400,
        }
    }

    /// The JSON error body: `{"__type": "...", "message": "..."}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "__type": self.type_name(), "message": self.message })
    }

    /// Logs `cause` (never shown to the caller) and returns a generic internal error.
    pub(crate) fn internal(cause: impl fmt::Display) -> CognitoError {
        tracing::error!(error = %cause, "identity: internal error");
        CognitoError::new(ErrorKind::InternalError, "Internal server error.")
    }

    pub(crate) fn not_authorized(message: impl Into<String>) -> CognitoError {
        CognitoError::new(ErrorKind::NotAuthorized, message)
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> CognitoError {
        CognitoError::new(ErrorKind::InvalidParameter, message)
    }

    /// `TooManyRequestsException` "Too many requests" (every hashing slot busy, or an address
    /// over its rate).
    pub fn too_many_requests() -> CognitoError {
        CognitoError::new(ErrorKind::TooManyRequests, msg::TOO_MANY_REQUESTS)
    }

    pub(crate) fn incorrect_credentials() -> CognitoError {
        CognitoError::not_authorized(msg::INCORRECT_CREDENTIALS)
    }

    pub(crate) fn user_not_found() -> CognitoError {
        CognitoError::new(ErrorKind::UserNotFound, msg::USER_NOT_FOUND)
    }

    pub(crate) fn pool_not_found(pool_id: &str) -> CognitoError {
        CognitoError::new(
            ErrorKind::ResourceNotFound,
            format!("User pool {pool_id} does not exist."),
        )
    }

    pub(crate) fn client_not_found(client_id: &str) -> CognitoError {
        CognitoError::new(
            ErrorKind::ResourceNotFound,
            format!("User pool client {client_id} does not exist."),
        )
    }

    pub(crate) fn secret_hash(client_id: &str) -> CognitoError {
        CognitoError::not_authorized(format!(
            "Unable to verify secret hash for client {client_id}"
        ))
    }

    /// "1 validation error detected: Value null at '{member}' ..." for a missing required member.
    pub(crate) fn missing_member(member: &str) -> CognitoError {
        CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: \
             Member must not be null",
            lower_camel(member)
        ))
    }

    /// AWS's message for `value` at `member` outside a closed set (`allowed`: `A, B, C`).
    pub(crate) fn not_in_set(member: &str, value: &str, allowed: &str) -> CognitoError {
        CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy \
             constraint: Member must satisfy enum value set: [{allowed}]"
        ))
    }

    /// "Missing required parameter {NAME}" (AuthParameters / ChallengeResponses keys).
    pub(crate) fn missing_parameter(name: &str) -> CognitoError {
        CognitoError::invalid_parameter(format!("Missing required parameter {name}"))
    }
}

/// `UserPoolId` → `userPoolId`, as AWS names members in validation messages.
pub(crate) fn lower_camel(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl fmt::Display for CognitoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.type_name(), self.message)
    }
}

impl std::error::Error for CognitoError {}

impl From<sqlx::Error> for CognitoError {
    fn from(e: sqlx::Error) -> CognitoError {
        CognitoError::internal(format_args!("database: {e}"))
    }
}

impl From<master_key::MasterKeyError> for CognitoError {
    fn from(e: master_key::MasterKeyError) -> CognitoError {
        CognitoError::internal(format_args!("master key: {e}"))
    }
}

impl From<passwords::PasswordError> for CognitoError {
    fn from(e: passwords::PasswordError) -> CognitoError {
        match e {
            passwords::PasswordError::Busy => CognitoError::too_many_requests(),
            e => CognitoError::internal(format_args!("password hashing: {e:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_and_status() {
        let e = CognitoError::incorrect_credentials();
        assert_eq!(
            e.to_json(),
            serde_json::json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
        );
        assert_eq!(e.status(), 400);
        assert_eq!(CognitoError::internal("boom").status(), 500);
        assert_eq!(
            CognitoError::missing_member("UserPoolId").message,
            "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null"
        );
    }
}
