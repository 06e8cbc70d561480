//! Console sign-in, sign-out and the signed-in administrator.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub username: String,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use leptos::prelude::*;
    use tower_sessions::Session;

    use crate::error::AppError;
    use crate::state::{AppState, SignedInAdmin};

    pub fn state() -> AppState {
        expect_context::<AppState>()
    }

    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>()
            .await
            .map_err(|e| AppError::internal("session layer missing", e))
    }

    /// The signed-in administrator. The server's guard has already refused requests without
    /// one; this is the second line for code paths that reach a function some other way.
    pub async fn require_admin() -> Result<accounts::Admin, AppError> {
        match leptos_axum::extract::<axum::Extension<SignedInAdmin>>().await {
            Ok(axum::Extension(SignedInAdmin(admin))) => Ok(admin),
            Err(_) => Err(AppError::Unauthorized.with_status()),
        }
    }

    /// Only a path on this site is accepted as a post-sign-in destination (no open redirect):
    /// one leading `/`, then no `/` or `\` right after it, and no `\`, control character or
    /// white space anywhere, as sent or once percent-decoded. (Browsers drop tabs and newlines
    /// from URLs and read `\` as `/`, so `/\t/evil.example` would be `//evil.example`.)
    pub fn safe_next(next: Option<&str>) -> String {
        match next {
            Some(p) if is_local_path(p) && is_local_path(&percent_decoded(p)) => p.to_string(),
            _ => "/".to_string(),
        }
    }

    fn is_local_path(p: &str) -> bool {
        p.starts_with('/')
            && !p[1..].starts_with(['/', '\\'])
            && !p
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    }

    /// `%XX` decoded (invalid escapes kept as they are; invalid UTF-8 replaced).
    fn percent_decoded(p: &str) -> String {
        let bytes = p.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if bytes[i] == b'%'
                && let (Some(h), Some(l)) = (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                )
            {
                out.push((h * 16 + l) as u8);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[server(endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use self::ssr::*;
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let state = state();
    let client = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        .map_err(|e| AppError::internal("client address unavailable", e))?;
    if username.trim().is_empty() {
        return Err(AppError::invalid("username", "Enter your username.").with_status());
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password.").with_status());
    }
    let admin =
        accounts::sign_in(&state.pool, &state.throttle, &username, &password, client).await?;
    let session = session().await?;
    // A fresh id on every sign-in defeats session fixation.
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("session cycle failed", e))?;
    session
        .insert(crate::ids::SESSION_ADMIN_KEY, admin.id)
        .await
        .map_err(|e| AppError::internal("session insert failed", e))?;
    tracing::info!(admin.username = %admin.username, client = %client, "console sign-in");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use self::ssr::*;
    let session = session().await?;
    session
        .flush()
        .await
        .map_err(|e| AppError::internal("session flush failed", e))?;
    leptos_axum::redirect(crate::ids::LOGIN_PATH);
    Ok(())
}

#[server(endpoint = "current_admin")]
pub async fn current_admin() -> Result<AdminView, AppError> {
    let admin = self::ssr::require_admin().await?;
    Ok(AdminView {
        username: admin.username,
    })
}
