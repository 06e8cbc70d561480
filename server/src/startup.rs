//! Builds the console application (router + listener) from settings and the shared services.

use std::net::SocketAddr;
use std::sync::Arc;

use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::header::CONNECTION;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper::body::Incoming;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::config::Settings;
use crate::guard;
use crate::listener::{BodyError, Guards, Limits};
use crate::routes::{assets, cognito, export, health};
use crate::services::Services;
use crate::session_store::PgSessionStore;

pub struct Application {
    listener: TcpListener,
    limits: Limits,
    sessions: PgSessionStore,
    router: Router,
    services: Services,
}

impl Application {
    /// A console with services of its own: binds `settings.listen` (port 0 picks a free port,
    /// as tests do) and builds the [`Services`] under its URL. `gatehouse serve` builds them
    /// itself instead (main.rs), to share them with the gateway.
    pub async fn build(
        settings: &Settings,
        pool: sqlx::PgPool,
        database_label: String,
        master_key: master_key::MasterKey,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(settings.listen).await?;
        let console_url = settings.console_url(listener.local_addr()?);
        let services = Services::new(settings, pool, master_key, console_url);
        Application::new(settings, listener, &services, database_label)
    }

    /// Wires the console on `listener` over `services`.
    pub fn new(
        settings: &Settings,
        listener: TcpListener,
        services: &Services,
        database_label: String,
    ) -> std::io::Result<Application> {
        let addr = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name("gatehouse")
            .site_root(settings.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let state = AppState {
            leptos_options,
            pool: services.pool.clone(),
            throttle: settings.throttle,
            master_key: services.master_key.clone(),
            identity: services.identity.clone(),
            keys: Arc::clone(&services.keys),
            recent_requests: Arc::clone(&services.recent_requests),
            gateway_reloads: services.gateway_reloads.clone(),
            gateway_base_url: settings.gateway_url(),
            database_label,
        };
        let sessions = PgSessionStore::new(state.pool.clone(), settings.session_max_age);
        let router = router(state, settings, sessions.clone());
        Ok(Application {
            listener,
            limits: settings.limits.clone(),
            sessions,
            router,
            services: services.clone(),
        })
    }

    /// What this console shares with a gateway in the same process.
    pub fn services(&self) -> &Services {
        &self.services
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests. Connections,
    /// deadlines and body bytes are bounded as [`crate::listener`] describes; expired
    /// sessions are swept meanwhile.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let sweeper = tokio::spawn(crate::session_store::sweep(self.sessions));
        let node = Arc::new((self.router, Guards::new(self.limits)));
        let shared = Arc::clone(&node);
        crate::listener::serve(
            &self.listener,
            &shared.1,
            "console",
            shutdown,
            move |request: Request<Incoming>, peer: SocketAddr| {
                let node = Arc::clone(&node);
                async move { console_request(&node.0, &node.1, request, peer).await }
            },
        )
        .await;
        sweeper.abort();
        Ok(())
    }
}

/// The largest body any console route takes (the management API's 6 MB, with room); routes
/// apply their own, smaller limits after this.
const MAX_CONSOLE_BODY: usize = 8 * 1024 * 1024;

/// One request to the console listener: the body read under the deadline and byte budget,
/// then the router, with the client's address as axum's `ConnectInfo`.
async fn console_request(
    router: &Router,
    guards: &Guards,
    request: Request<Incoming>,
    peer: SocketAddr,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let (body, _permit) = match guards.read_body(body, MAX_CONSOLE_BODY).await {
        Ok(read) => read,
        Err(e) => return body_refused(e),
    };
    parts.extensions.insert(ConnectInfo(peer));
    let request = Request::from_parts(parts, Body::from(body));
    match router.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The answer to a body that could not be read; all but 413 close the connection (the rest
/// of the body may still be on its way).
fn body_refused(e: BodyError) -> Response {
    let (status, message) = match e {
        BodyError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large."),
        BodyError::TimedOut => (
            StatusCode::REQUEST_TIMEOUT,
            "Request body not received in time.",
        ),
        BodyError::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many request bodies in flight; try again.",
        ),
        BodyError::Broken => (StatusCode::BAD_REQUEST, "Malformed request body."),
    };
    let mut response = (status, message).into_response();
    if status != StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn router(state: AppState, settings: &Settings, sessions: PgSessionStore) -> Router {
    public_api(state.clone(), settings)
        .merge(crate::routes::apigateway::router(state.clone()))
        .merge(console(state, settings, sessions))
}

/// The machine-facing APIs: called by SDKs (and browsers on other origins), authenticated by
/// their own protocol (Cognito tokens, SigV4), so neither the console session nor its
/// same-origin rule applies.
fn public_api(state: AppState, settings: &Settings) -> Router {
    let limiter = std::sync::Arc::new(crate::address_rate::AddressRateLimiter::new(
        settings.cognito_rate,
    ));
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([
            HeaderName::from_static("x-amzn-requestid"),
            HeaderName::from_static("x-amzn-errortype"),
            HeaderName::from_static("x-amzn-errormessage"),
            HeaderName::from_static("date"),
        ]);
    Router::new()
        .route("/cognito-idp", post(cognito::handle))
        .route("/cognito-idp/", post(cognito::handle))
        .route_layer(middleware::from_fn_with_state(
            limiter,
            cognito::limit_public_calls,
        ))
        .route(
            "/cognito-idp/{pool_id}/.well-known/jwks.json",
            get(cognito::jwks),
        )
        .route(
            "/cognito-idp/{pool_id}/.well-known/openid-configuration",
            get(cognito::openid_configuration),
        )
        .layer(cors)
        .with_state(state)
}

/// The browser console: Leptos pages and server functions behind the session guard.
fn console(state: AppState, settings: &Settings, store: PgSessionStore) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(store)
        .with_name("gatehouse_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(settings.session_ttl).unwrap_or(time::Duration::hours(12)),
        ));

    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/pkg/gatehouse.css", get(assets::stylesheet))
        .route("/apis/{api_id}/export/file", get(export::download))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(
            crate::hostile_input::refuse_in_console_calls,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_admin,
        ))
        .layer(sessions)
        .layer(middleware::from_fn(guard::same_origin))
        .layer(middleware::from_fn(crate::security_headers::add))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
