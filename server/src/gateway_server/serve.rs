//! One request to the gateway listener: its body read under the listener's limits, then the
//! runtime, then the access log.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;

use apis::AuthorizerKeys;

use super::access_log;
use crate::listener::{BodyError, Guards};

/// Larger bodies are refused, as API Gateway's 10 MB payload limit.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

/// What every request of the listener shares.
pub(super) struct Node {
    pub(super) runtime: Arc<gateway::Runtime>,
    pub(super) keys: Arc<AuthorizerKeys>,
    /// The last requests per stage (shared with the console's Stage → Logs page).
    pub(super) recent: Arc<gateway::RecentRequests>,
    pub(super) guards: Guards,
}

pub(super) async fn request(
    node: &Node,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    // The permit keeps the body's bytes counted until the request is done.
    let (body, _permit) = match node.guards.read_body(body, MAX_PAYLOAD).await {
        Ok(read) => read,
        Err(e) => return body_refused(e),
    };
    parts.extensions.insert(gateway::ClientAddr(peer.ip()));
    let method = parts.method.clone();
    // Cheap: a `Uri` shares its buffer.
    let uri = parts.uri.clone();
    let request = Request::from_parts(parts, body);
    let (response, summary) = node.runtime.serve(request, node.keys.as_ref()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    access_log::log(&response, &summary, &method, uri.path(), latency_ms);
    access_log::remember(
        &node.recent,
        &response,
        summary,
        method,
        uri.path(),
        latency_ms,
    );
    response.map(Full::new)
}

/// The answer to a body that could not be read, as API Gateway words them. All but 413 close
/// the connection: the rest of the body may still be on its way.
fn body_refused(e: BodyError) -> Response<Full<Bytes>> {
    let (status, body): (StatusCode, &'static [u8]) = match e {
        BodyError::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            br#"{"message":"Request Too Long"}"#,
        ),
        BodyError::TimedOut => (
            StatusCode::REQUEST_TIMEOUT,
            br#"{"message":"Request Timeout"}"#,
        ),
        BodyError::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            br#"{"message":"Service Unavailable"}"#,
        ),
        BodyError::Broken => (StatusCode::BAD_REQUEST, br#"{"message":"Bad Request"}"#),
    };
    let mut response = Response::new(Full::new(Bytes::from_static(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if status != StatusCode::PAYLOAD_TOO_LARGE {
        headers.insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
    }
    response
}
