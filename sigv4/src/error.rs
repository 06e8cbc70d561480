//! The verification error, with the codes and messages AWS services send.

/// Why a request's AWS Signature Version 4 was refused.
///
/// `Display` is the message AWS sends (safe to return to the client: it never contains the
/// secret, the expected signature, or the canonical request). [`SigV4Error::code`] is the error
/// code of AWS's JSON services (Cognito user pools, API Gateway), [`SigV4Error::query_code`] the
/// one of query-protocol services (IAM, STS).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// No `Authorization` header at all.
    #[error("Missing Authentication Token")]
    MissingAuthenticationToken,

    /// The `Authorization` header (or the date headers it depends on) is malformed; the string
    /// says what is wrong, in AWS's words where they are known.
    #[error("{0}")]
    IncompleteSignature(String),

    /// The access key id is unknown (raised by the caller, which owns the key store).
    #[error("The security token included in the request is invalid.")]
    InvalidClientTokenId,

    /// The signature is well formed but wrong (wrong secret, or the request was changed).
    #[error(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )]
    SignatureDoesNotMatch,

    /// The credential scope does not fit the request (wrong service, or a date that differs
    /// from the request's), e.g. "Credential should be scoped to correct service: 'apigateway'."
    #[error("{0}")]
    InvalidCredentialScope(String),

    /// The request time is more than 15 minutes before `now`.
    #[error("Signature expired: {request_time} is now earlier than {earliest} ({now} - 15 min.)")]
    RequestExpired {
        /// The request's time, `yyyymmddThhmmssZ`.
        request_time: String,
        /// `now` minus 15 minutes, `yyyymmddThhmmssZ`.
        earliest: String,
        /// The server's time, `yyyymmddThhmmssZ`.
        now: String,
    },

    /// The request time is more than 15 minutes after `now`.
    #[error(
        "Signature not yet current: {request_time} is still later than {latest} ({now} + 15 min.)"
    )]
    RequestNotYetCurrent {
        /// The request's time, `yyyymmddThhmmssZ`.
        request_time: String,
        /// `now` plus 15 minutes, `yyyymmddThhmmssZ`.
        latest: String,
        /// The server's time, `yyyymmddThhmmssZ`.
        now: String,
    },

    /// The key store failed (database down, secret that cannot be unsealed). Raised by the
    /// caller; the detail belongs in the server log, not in the response.
    #[error("The request processing has failed because of an unknown error, exception or failure.")]
    InternalFailure,
}

impl SigV4Error {
    /// The error code AWS's JSON and REST-JSON services (`cognito-idp`, `apigateway`) send in
    /// `__type` / `x-amzn-ErrorType`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            Self::IncompleteSignature(_) => "IncompleteSignatureException",
            Self::InvalidClientTokenId => "UnrecognizedClientException",
            Self::SignatureDoesNotMatch
            | Self::InvalidCredentialScope(_)
            | Self::RequestExpired { .. }
            | Self::RequestNotYetCurrent { .. } => "InvalidSignatureException",
            Self::InternalFailure => "InternalFailure",
        }
    }

    /// The error code of AWS's query-protocol services (IAM, STS; XML `<Code>`), which is also
    /// the name AWS's "Common Errors" documentation uses.
    pub fn query_code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature(_) => "IncompleteSignature",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::SignatureDoesNotMatch | Self::InvalidCredentialScope(_) => {
                "SignatureDoesNotMatch"
            }
            Self::RequestExpired { .. } | Self::RequestNotYetCurrent { .. } => "RequestExpired",
            Self::InternalFailure => "InternalFailure",
        }
    }

    /// The HTTP status: 403 for every authentication failure (what API Gateway sends; AWS's JSON
    /// services are not consistent about 400 vs 403 and SDKs go by the code), 500 for
    /// [`SigV4Error::InternalFailure`].
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InternalFailure => 500,
            _ => 403,
        }
    }

    /// Whether the error is about the request's clock (SDKs correct their clock skew from the
    /// response's `Date` header when they see one of these).
    pub fn is_clock_skew(&self) -> bool {
        matches!(
            self,
            Self::RequestExpired { .. } | Self::RequestNotYetCurrent { .. }
        )
    }
}
