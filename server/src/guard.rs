//! Request guards in front of the console: same-origin checks for state-changing requests
//! (CSRF) and the session check that every page and server function sits behind.

use app::error::AppError;
use app::ids::{LOGIN_PATH, SESSION_ADMIN_KEY};
use app::state::{AppState, SignedInAdmin};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;
use uuid::Uuid;

/// Paths reachable without a session. Everything else is denied by default, so a new page or
/// server function is protected without anyone remembering to protect it.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/api/login" | "/healthz" | "/favicon.svg" | "/favicon.ico"
    ) || path.starts_with("/pkg/")
}

/// Rejects cross-site state-changing requests. SameSite=Lax already keeps the session cookie
/// off cross-site POSTs; this refuses them outright, whatever the browser does with cookies.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || origin_matches(req.headers())
    {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
        (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response()
    }
}

fn origin_matches(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        return host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host));
    }
    // No Origin header (curl, old browsers): fall back to Fetch Metadata when present.
    !headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
}

/// Loads the signed-in administrator into request extensions, or answers for the missing
/// session: 401 (JSON `AppError`) for server functions, a redirect to sign-in for pages.
pub async fn require_admin(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let admin = match signed_in_admin(&state, &session).await {
        Ok(admin) => admin,
        Err(resp) => return resp,
    };
    if is_public(&path) {
        // A signed-in administrator has no business on the sign-in page.
        if path == LOGIN_PATH && admin.is_some() && req.method() == Method::GET {
            return Redirect::to("/").into_response();
        }
        return next.run(req).await;
    }
    match admin {
        Some(admin) => {
            req.extensions_mut().insert(SignedInAdmin(admin));
            next.run(req).await
        }
        None if path.starts_with("/api/") => unauthorized(),
        None => {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let location = if target == "/" {
                LOGIN_PATH.to_string()
            } else {
                format!("{LOGIN_PATH}?next={}", encode_query_value(target))
            };
            Redirect::to(&location).into_response()
        }
    }
}

async fn signed_in_admin(
    state: &AppState,
    session: &Session,
) -> Result<Option<accounts::Admin>, Response> {
    let id: Option<Uuid> = session.get(SESSION_ADMIN_KEY).await.map_err(|e| {
        tracing::error!(error = %e, "session load failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })?;
    let Some(id) = id else { return Ok(None) };
    // The account may have been removed since the session began.
    accounts::find_admin(&state.pool, id).await.map_err(|e| {
        tracing::error!(error = %e, "admin lookup failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

fn unauthorized() -> Response {
    let body = serde_json::to_string(&AppError::Unauthorized).unwrap_or_default();
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

fn encode_query_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths_are_few() {
        assert!(is_public("/login"));
        assert!(is_public("/api/login"));
        assert!(is_public("/pkg/gatehouse.js"));
        assert!(!is_public("/"));
        assert!(!is_public("/settings"));
        assert!(!is_public("/api/list_admins"));
        assert!(!is_public("/api/login2"));
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:3000".parse().expect("header"));
        h.insert(
            header::ORIGIN,
            "http://127.0.0.1:3000".parse().expect("header"),
        );
        assert!(origin_matches(&h));
        h.insert(
            header::ORIGIN,
            "http://evil.example".parse().expect("header"),
        );
        assert!(!origin_matches(&h));
        h.remove(header::ORIGIN);
        assert!(origin_matches(&h));
        h.insert("sec-fetch-site", "cross-site".parse().expect("header"));
        assert!(!origin_matches(&h));
    }

    #[test]
    fn next_is_percent_encoded() {
        assert_eq!(
            encode_query_value("/settings?a=b&c"),
            "/settings%3Fa%3Db%26c"
        );
    }
}
