//! Server-side state handed to every server function and SSR render through context.

use leptos::prelude::LeptosOptions;

/// Shared by the axum router (as state) and Leptos (as context).
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: sqlx::PgPool,
    pub throttle: accounts::ThrottlePolicy,
    /// Seals secrets at rest (signing keys, access-key secrets).
    pub master_key: master_key::MasterKey,
    /// User pools (the embedded Cognito-compatible identity provider).
    pub identity: identity::Identity,
    /// The authorizers' public keys: the process's one key source, shared with the gateway
    /// and the management API (its caches with them).
    #[from_ref(skip)]
    pub keys: std::sync::Arc<apis::AuthorizerKeys>,
    /// The gateway's last requests per stage (this node's; shown on Stage → Logs).
    #[from_ref(skip)]
    pub recent_requests: std::sync::Arc<gateway::RecentRequests>,
    /// Asks this node's gateway to serve what was just written to the stages (read-your-writes).
    #[from_ref(skip)]
    pub gateway_reloads: gateway::ReloadHandle,
    /// Where deployed stages are served: `{gateway_base_url}/{restApiId}/{stage}/…`.
    #[from_ref(skip)]
    pub gateway_base_url: String,
    /// A one-line, human description of where data lives (shown on the dashboard).
    #[from_ref(skip)]
    pub database_label: String,
}

/// How long a deploy (or stage change) waits for this node's gateway to serve it.
pub const GATEWAY_RELOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl AppState {
    /// Call after a change to the stages committed: returns once this node's gateway serves it
    /// (at most [`GATEWAY_RELOAD_WAIT`]), so a caller that deploys and then calls the stage sees
    /// the new deployment. On timeout the change still stands; it is served by the next reload.
    pub async fn gateway_caught_up(&self) {
        if self
            .gateway_reloads
            .reload_and_wait(GATEWAY_RELOAD_WAIT)
            .await
            == gateway::Reloaded::TimedOut
        {
            tracing::warn!(
                waited_ms = GATEWAY_RELOAD_WAIT.as_millis() as u64,
                "the gateway has not reloaded the changed stages yet; answering anyway"
            );
        }
    }
}

/// The administrator a request was authenticated as; put in request extensions by the
/// server's session guard before any page or server function runs.
#[derive(Clone, Debug)]
pub struct SignedInAdmin(pub accounts::Admin);

/// The console's Content-Security-Policy. `nonce` is the response's script nonce (pages: every
/// inline script Leptos renders carries it); without one, no inline script runs at all.
///
/// * Scripts: the console's own files (`/pkg/gatehouse.js`) and nonced inline scripts (the
///   theme boot script, the hydration script, streamed `<Suspense>` chunks and resources);
///   `'wasm-unsafe-eval'` lets the page compile its WebAssembly; nothing is `eval`ed.
/// * Styles: the stylesheet, plus `'unsafe-inline'` for the `style=` attributes pages set (an
///   attribute cannot carry a nonce); styles cannot run code.
/// * Everything else from this origin only; no plugins, no `<base>`, forms post here, and no
///   site may frame the console (clickjacking).
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}
