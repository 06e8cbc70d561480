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
    /// The gateway's last requests per stage (this node's; shown on Stage → Logs).
    #[from_ref(skip)]
    pub recent_requests: std::sync::Arc<gateway::RecentRequests>,
    /// Where deployed stages are served: `{gateway_base_url}/{restApiId}/{stage}/…`.
    #[from_ref(skip)]
    pub gateway_base_url: String,
    /// A one-line, human description of where data lives (shown on the dashboard).
    #[from_ref(skip)]
    pub database_label: String,
}

/// The administrator a request was authenticated as; put in request extensions by the
/// server's session guard before any page or server function runs.
#[derive(Clone, Debug)]
pub struct SignedInAdmin(pub accounts::Admin);
