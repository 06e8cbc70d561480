//! Building responses: status, header helpers and MIME types (the gateway's own error
//! responses are [`crate::gateway_response`]).

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{Response, StatusCode};

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

/// The MIME type of a `Content-Type` / `Accept` entry, lowercased, parameters dropped.
pub fn mime(value: &str) -> String {
    // A byte scan rather than `split(';')`: these values are short, and this runs on every
    // request (the char searcher did not always inline).
    let end = value.bytes().position(|b| b == b';').unwrap_or(value.len());
    value[..end].trim().to_ascii_lowercase()
}
