//! The one error type every server function returns. It crosses the wire as JSON, keeps its
//! variant, and knows the HTTP status it stands for.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// The form field of an imported or exported OpenAPI document: every error about the
/// document is reported against it.
pub const DOCUMENT_FIELD: &str = "document";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No (valid) console session.
    #[error("You are not signed in.")]
    Unauthorized,
    /// Bad input; `field` names the form field the message belongs to, when there is one.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// Too many failed attempts.
    #[error("{0}")]
    Throttled(String),
    /// Something broke on the server; details are in the server log, never in the response.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    /// The request never reached the function, or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    pub fn form(message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: None,
            message: message.into(),
        }
    }

    /// The message for a given form field, if this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid {
                field: Some(f),
                message,
            } if f == name => Some(message.clone()),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Invalid { .. } => 400,
            AppError::Throttled(_) => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server: the call's fields could not be read. The caller sent something
            // no form of ours sends (a 400), not a failure of the server.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                let error = AppError::form(format!("The request could not be read: {value}."));
                #[cfg(feature = "ssr")]
                let error = error.with_status();
                error
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Records the error's status on the response being built (server functions and SSR pages).
    pub fn with_status(self) -> Self {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(code) = http::StatusCode::from_u16(self.status())
        {
            options.set_status(code);
        }
        self
    }

    /// Logs an unexpected failure once, here at the boundary, and hides its details.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        AppError::Internal.with_status()
    }
}

#[cfg(feature = "ssr")]
impl From<accounts::AccessKeyError> for AppError {
    fn from(err: accounts::AccessKeyError) -> Self {
        use accounts::AccessKeyError as E;
        match &err {
            E::NotFound => AppError::form(err.to_string()).with_status(),
            E::Invalid(_) => AppError::invalid("description", err.to_string()).with_status(),
            E::Sealing(_) | E::Database(_) => {
                AppError::internal("access key operation failed", format!("{err:?}"))
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<accounts::AccountsError> for AppError {
    fn from(err: accounts::AccountsError) -> Self {
        use accounts::AccountsError as E;
        let mapped = match &err {
            E::InvalidCredentials => AppError::form(err.to_string()),
            E::Throttled { .. } | E::Busy => AppError::Throttled(err.to_string()),
            E::UsernameTaken | E::InvalidUsername(_) => {
                AppError::invalid("username", err.to_string())
            }
            E::WeakPassword(_) => AppError::invalid("new_password", err.to_string()),
            E::PasswordMismatch => AppError::invalid("confirm_password", err.to_string()),
            E::CurrentPasswordWrong => AppError::invalid("current_password", err.to_string()),
            E::AdminNotFound => AppError::form(err.to_string()),
            E::Database(_) | E::Hashing(_) => {
                return AppError::internal("accounts operation failed", err);
            }
        };
        mapped.with_status()
    }
}

/// A Cognito error from the user-pool service. Client faults become a message above the form
/// (status 400) or, for the few kinds that always concern one input, next to that field;
/// internal faults are logged and hidden. Server functions that know better which field a
/// message belongs to re-target it (see `pages::user_pools::ssr::on_field`).
#[cfg(feature = "ssr")]
impl From<identity::CognitoError> for AppError {
    fn from(err: identity::CognitoError) -> Self {
        use identity::ErrorKind as K;
        let mapped = match err.kind {
            K::InternalError => {
                return AppError::internal("user pool operation failed", err);
            }
            K::TooManyFailedAttempts | K::LimitExceeded | K::TooManyRequests => {
                AppError::Throttled(err.message)
            }
            K::UsernameExists | K::AliasExists | K::UserNotFound => {
                AppError::invalid("username", err.message)
            }
            K::InvalidPassword => AppError::invalid("password", err.message),
            K::GroupExists => AppError::invalid("group_name", err.message),
            _ => AppError::form(err.message),
        };
        mapped.with_status()
    }
}

/// An error from the `apis` crate (REST APIs, resources, methods, authorizers, stages).
/// Validation failures go beside the field the crate names (its AWS/serde field name, e.g.
/// `pathPart`, `uri`, `timeoutInMillis`) with status 400; not-found (404) and conflicts (409,
/// including a stale `version`) go above the form, or beside their field when the conflict names
/// one; database and corrupt-data failures are logged and hidden.
#[cfg(feature = "ssr")]
impl From<apis::ApisError> for AppError {
    fn from(err: apis::ApisError) -> Self {
        use apis::ErrorKind as K;
        let kind = err.kind();
        if kind == K::Internal {
            return AppError::internal("apis operation failed", err);
        }
        let mapped = match err.field() {
            Some(field) => AppError::invalid(field, err.to_string()),
            None => AppError::form(err.to_string()),
        };
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(code) = http::StatusCode::from_u16(kind.status())
        {
            options.set_status(code);
        }
        mapped
    }
}

/// An import/export error. Everything about the document goes beside the document field
/// (`document`): a syntax error as "line L, column C: …", a structural one with the JSON path it
/// names, a store refusal (a value out of range, a conflict) with the store's status; a missing
/// API or stage goes above the form (404); database failures are logged and hidden.
#[cfg(feature = "ssr")]
impl From<openapi::OpenApiError> for AppError {
    fn from(err: openapi::OpenApiError) -> Self {
        use openapi::OpenApiError as E;
        let document = DOCUMENT_FIELD;
        let status = err.status();
        let mapped = match err {
            E::Syntax {
                line,
                column,
                message,
            } => AppError::invalid(
                document,
                sentence(format!("line {line}, column {column}: {message}")),
            ),
            E::Apis(e) if e.kind() == apis::ErrorKind::Internal => return AppError::from(e),
            E::Apis(e) if e.kind() == apis::ErrorKind::NotFound => {
                AppError::form(sentence(e.to_string()))
            }
            other => AppError::invalid(document, sentence(other.to_string())),
        };
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(code) = http::StatusCode::from_u16(status)
        {
            options.set_status(code);
        }
        mapped
    }
}

/// The message with a full stop, unless it already ends a sentence.
#[cfg(feature = "ssr")]
fn sentence(message: String) -> String {
    if message.ends_with(['.', '!', '?']) {
        message
    } else {
        format!("{message}.")
    }
}

#[cfg(all(test, feature = "ssr"))]
mod openapi_error_tests {
    use super::AppError;

    #[test]
    fn document_errors_go_beside_the_document_field_as_sentences() {
        let syntax = openapi::OpenApiError::Syntax {
            line: 45,
            column: 16,
            message: "trailing comma".into(),
        };
        assert_eq!(
            AppError::from(syntax),
            AppError::invalid("document", "line 45, column 16: trailing comma.")
        );
        let structure = openapi::OpenApiError::Structure {
            path: "paths./.get.security".into(),
            message: "refers to the undefined security scheme 'Nope'.".into(),
        };
        assert_eq!(
            AppError::from(structure).for_field("document").as_deref(),
            Some("paths./.get.security: refers to the undefined security scheme 'Nope'.")
        );
    }
}
