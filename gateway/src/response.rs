//! Building responses: gateway error responses (reference §1.12) and header helpers.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Response, StatusCode};

/// `x-amzn-ErrorType` values.
pub const MISSING_AUTHENTICATION_TOKEN: &str = "MissingAuthenticationTokenException";
pub const UNAUTHORIZED: &str = "UnauthorizedException";
pub const BAD_REQUEST: &str = "BadRequestException";
pub const INTERNAL_SERVER_ERROR: &str = "InternalServerErrorException";
pub const FORBIDDEN: &str = "ForbiddenException";

/// A response with `status` and `body`.
pub fn response(status: u16, body: impl Into<Bytes>) -> Response<Bytes> {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp
}

/// Sets (replaces) a header; names or values HTTP cannot carry are skipped.
pub fn set_header(resp: &mut Response<Bytes>, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        resp.headers_mut().insert(n, v);
    }
}

/// Appends a header value (multi-value headers).
pub fn append_header(resp: &mut Response<Bytes>, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        resp.headers_mut().append(n, v);
    }
}

/// A gateway response: `{"message":...}` as JSON with `x-amzn-ErrorType`.
pub fn gateway_error(status: u16, message: &str, error_type: &str) -> Response<Bytes> {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut resp = response(status, body);
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    set_header(&mut resp, "x-amzn-ErrorType", error_type);
    resp
}

/// 403 Missing Authentication Token (no such api, stage, path or method).
pub fn missing_authentication_token() -> Response<Bytes> {
    gateway_error(
        403,
        "Missing Authentication Token",
        MISSING_AUTHENTICATION_TOKEN,
    )
}

/// 500 Internal server error (configuration errors, template failures).
pub fn internal_error() -> Response<Bytes> {
    gateway_error(500, "Internal server error", INTERNAL_SERVER_ERROR)
}

/// 403 Forbidden: API Gateway's answer to a request without a valid API key.
pub fn forbidden() -> Response<Bytes> {
    gateway_error(403, "Forbidden", FORBIDDEN)
}

/// 400: a path parameter whose value would add a `.`/`..` segment to the backend URL.
pub fn invalid_path_parameter() -> Response<Bytes> {
    gateway_error(400, "Invalid request path parameter", BAD_REQUEST)
}

/// 415 Unsupported Media Type (passthrough refused).
pub fn unsupported_media_type() -> Response<Bytes> {
    gateway_error(415, "Unsupported Media Type", BAD_REQUEST)
}

/// The MIME type of a `Content-Type` / `Accept` entry, lowercased, parameters dropped.
pub fn mime(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}
