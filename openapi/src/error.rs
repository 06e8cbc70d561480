//! The crate's one error type. Every message is meant to be shown as is: syntax errors name the
//! line and column, structural errors the JSON path (`paths./pets.get.responses`).

/// The largest document accepted (API Gateway's own limit is 6 MB).
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    /// The text is neither valid JSON nor valid YAML.
    #[error("Syntax error at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The document parses but something in it is wrong; `path` is the dotted JSON path.
    #[error("{path}: {message}")]
    Structure { path: String, message: String },
    #[error("The document is {size} bytes; the limit is {limit} bytes (5 MB)")]
    TooLarge { size: usize, limit: usize },
    #[error("The document is empty")]
    Empty,
    /// YAML whose aliases (`*name`) expand past the budget (an alias bomb, or far more
    /// repetition than any API definition needs).
    #[error(
        "The YAML document expands to more than {values} values or {text_bytes} bytes of text \
         once its aliases (*name) are followed; write the repeated parts out or use fewer aliases"
    )]
    Expansion { values: usize, text_bytes: usize },
    /// From the store: validation, conflicts, database failures (Display is the store's message;
    /// `ApisError::field`/`kind` say which field and which HTTP status).
    #[error(transparent)]
    Apis(#[from] apis::ApisError),
}

impl From<sqlx::Error> for OpenApiError {
    fn from(e: sqlx::Error) -> OpenApiError {
        OpenApiError::Apis(apis::ApisError::from(e))
    }
}

impl OpenApiError {
    pub(crate) fn at(path: impl Into<String>, message: impl Into<String>) -> OpenApiError {
        OpenApiError::Structure {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The HTTP status a management API would answer with (400 for anything about the input).
    pub fn status(&self) -> u16 {
        match self {
            OpenApiError::Apis(e) => e.kind().status(),
            _ => 400,
        }
    }
}
