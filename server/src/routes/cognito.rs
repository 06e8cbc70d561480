//! Cognito's JSON wire protocol over HTTP: `POST /cognito-idp` with `X-Amz-Target`, plus each
//! pool's JWKS and OpenID discovery document under its issuer. The protocol itself (actions,
//! shapes, errors) lives in the `identity` crate; this module only speaks HTTP.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use app::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use identity::Identity;
use uuid::Uuid;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// Larger than any legitimate Cognito request; refuses memory-exhausting bodies.
const MAX_BODY: usize = 1024 * 1024;

pub async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let request_id = Uuid::new_v4().to_string();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                &request_id,
                "SerializationException",
                "Request body is too large or unreadable.",
                400,
            );
        }
    };
    let Some(action) = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
        .map(str::to_string)
    else {
        return error(
            &request_id,
            "UnknownOperationException",
            "Missing or unknown X-Amz-Target header.",
            400,
        );
    };
    let signed = match Identity::requires_signature(&action) {
        None => {
            return error(
                &request_id,
                "UnknownOperationException",
                &format!("Unknown operation {action}"),
                400,
            );
        }
        Some(false) => false,
        Some(true) => {
            match crate::aws_auth::verify_request(
                &state.pool,
                &state.master_key,
                &parts,
                &body,
                "cognito-idp",
            )
            .await
            {
                Ok(access_key_id) => {
                    tracing::debug!(%access_key_id, %action, "signed cognito-idp call");
                    true
                }
                Err(e) => {
                    tracing::info!(%action, error = %e, "cognito-idp signature rejected");
                    return error(&request_id, json_protocol_code(&e), &e.to_string(), 400);
                }
            }
        }
    };
    match state.identity.dispatch(&action, &body, signed).await {
        Ok(value) => json(&request_id, StatusCode::OK, value.to_string()),
        Err(e) => {
            if e.status() >= 500 {
                tracing::error!(%action, error = %e.message, "cognito-idp internal error");
            }
            error(&request_id, e.type_name(), &e.message, e.status())
        }
    }
}

/// Refuses public (unsigned) actions from an address over its rate with
/// `TooManyRequestsException`, before the body is read. Signed (administrative) calls and
/// unknown targets pass; the handler answers them.
pub async fn limit_public_calls(
    State(limiter): State<Arc<crate::address_rate::AddressRateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let public = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
        .is_some_and(|action| Identity::requires_signature(action) == Some(false));
    if public
        && let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>()
        && !limiter.allow(peer.ip(), Instant::now())
    {
        tracing::debug!(address = %peer.ip(), "cognito-idp call refused: address over its rate");
        let e = identity::CognitoError::too_many_requests();
        return error(
            &Uuid::new_v4().to_string(),
            e.type_name(),
            &e.message,
            e.status(),
        );
    }
    next.run(request).await
}

/// JSON-protocol AWS services name signature failures differently from REST ones.
fn json_protocol_code(e: &sigv4::SigV4Error) -> &'static str {
    match e.code() {
        "InvalidClientTokenId" => "UnrecognizedClientException",
        "SignatureDoesNotMatch" => "InvalidSignatureException",
        other => other,
    }
}

pub async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    document(state.identity.jwks(&pool_id).await)
}

pub async fn openid_configuration(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
) -> Response {
    document(state.identity.openid_configuration(&pool_id).await)
}

fn document(result: Result<serde_json::Value, identity::CognitoError>) -> Response {
    match result {
        Ok(value) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "public, max-age=60"),
            ],
            value.to_string(),
        )
            .into_response(),
        Err(e) => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({ "message": e.message }).to_string(),
        )
            .into_response(),
    }
}

fn json(request_id: &str, status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    insert(headers, "x-amzn-requestid", request_id);
    response
}

fn error(request_id: &str, type_name: &str, message: &str, status: u16) -> Response {
    let body = serde_json::json!({ "__type": type_name, "message": message }).to_string();
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = json(request_id, status, body);
    let headers = response.headers_mut();
    // AWS sends the type with a trailing colon; SDKs accept it either way.
    insert(headers, "x-amzn-errortype", &format!("{type_name}:"));
    insert(headers, "x-amzn-errormessage", message);
    response
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}
