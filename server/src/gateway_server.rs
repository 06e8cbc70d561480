//! The data plane: serves deployed stages on `GATEHOUSE_GATEWAY_LISTEN` with the `gateway`
//! crate. All stages are compiled into one snapshot; a watcher polls a fingerprint of the
//! stage table and swaps in a rebuilt snapshot when any node deploys, so several nodes on one
//! PostgreSQL converge within a second.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use apis::keys::{EmbeddedFuture, EmbeddedKeys, EmbeddedPool, KeyResolver};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tokio::net::TcpListener;

/// Larger bodies are refused, as API Gateway's 10 MB payload limit.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;
const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// The local identity provider as the key resolver sees it.
#[derive(Clone)]
pub struct IdentityKeys(pub identity::Identity);

impl EmbeddedKeys for IdentityKeys {
    fn pool_keys<'a>(&'a self, pool_id: &'a str) -> EmbeddedFuture<'a> {
        Box::pin(async move {
            match self.0.public_jwks(pool_id).await {
                Ok(keys) => Ok(Some(EmbeddedPool {
                    issuer: self.0.issuer(pool_id),
                    keys: keys
                        .into_iter()
                        .map(|k| apis::authorizer::PublicKey {
                            kid: k.kid,
                            n: k.n,
                            e: k.e,
                        })
                        .collect(),
                })),
                Err(e) if e.type_name() == "ResourceNotFoundException" => Ok(None),
                Err(e) => Err(e.message),
            }
        })
    }
}

/// Keys for the gateway's authorizers: embedded pools from the identity provider, external
/// ones fetched (and cached) by the shared resolver.
struct Keys {
    identity: IdentityKeys,
    resolver: KeyResolver,
}

impl gateway::KeySource for Keys {
    async fn pools_for(
        &self,
        authorizer: &apis::model::Authorizer,
    ) -> Vec<apis::authorizer::PoolKeys> {
        let resolved = self
            .resolver
            .resolve(&self.identity, &authorizer.provider_arns, None)
            .await;
        for warning in &resolved.warnings {
            tracing::warn!(authorizer.id = %authorizer.id, "{warning}");
        }
        resolved.pools
    }
}

#[derive(Clone)]
struct GatewayState {
    runtime: Arc<gateway::Runtime>,
    keys: Arc<Keys>,
}

/// Every stage's current deployment, compiled.
pub async fn load(pool: &PgPool) -> Result<gateway::Gateway, apis::ApisError> {
    let stages: Vec<(String, String)> =
        sqlx::query_as("SELECT api_id, stage_name FROM api_stages ORDER BY api_id, stage_name")
            .fetch_all(pool)
            .await?;
    let mut inputs = Vec::with_capacity(stages.len());
    for (api_id, stage_name) in stages {
        match apis::store::stage_snapshot(pool, &api_id, &stage_name).await {
            Ok((stage, snapshot)) => inputs.push(gateway::StageInput {
                rest_api_id: api_id,
                stage_name,
                variables: stage.variables,
                snapshot,
            }),
            // Deleted between the two queries: the next reload settles it.
            Err(e) if matches!(e.kind(), apis::ErrorKind::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let compiled = gateway::Gateway::compile(inputs);
    for problem in compiled.errors() {
        tracing::warn!("gateway: {problem}");
    }
    Ok(compiled)
}

async fn fingerprint(pool: &PgPool) -> Result<String, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT md5(coalesce(string_agg(api_id || '/' || stage_name || '@' || deployment_id || ':' || variables::text, ','
                 ORDER BY api_id, stage_name), '')) FROM api_stages",
    )
    .fetch_one(pool)
    .await
}

pub struct GatewayServer {
    listener: TcpListener,
    router: Router,
    runtime: Arc<gateway::Runtime>,
    pool: PgPool,
}

impl GatewayServer {
    pub async fn build(
        listen: SocketAddr,
        pool: PgPool,
        identity: identity::Identity,
        issuer_base: &str,
    ) -> std::io::Result<GatewayServer> {
        let listener = TcpListener::bind(listen).await?;
        let initial = load(&pool).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "gateway: could not load the deployed stages; serving none until the next reload");
            gateway::Gateway::compile(Vec::new())
        });
        let runtime = Arc::new(gateway::Runtime::new(initial));
        let keys = Arc::new(Keys {
            identity: IdentityKeys(identity),
            resolver: KeyResolver::new(issuer_base),
        });
        let state = GatewayState {
            runtime: Arc::clone(&runtime),
            keys,
        };
        let router = Router::new().fallback(serve).with_state(state);
        Ok(GatewayServer {
            listener,
            router,
            runtime,
            pool,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes; keeps the snapshot in step with the database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let watcher = tokio::spawn(watch(self.pool.clone(), Arc::clone(&self.runtime)));
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        watcher.abort();
        served
    }
}

async fn watch(pool: PgPool, runtime: Arc<gateway::Runtime>) {
    let mut seen = fingerprint(&pool).await.ok();
    loop {
        tokio::time::sleep(RELOAD_EVERY).await;
        let now = match fingerprint(&pool).await {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, "gateway: cannot check for new deployments");
                continue;
            }
        };
        if seen.as_deref() == Some(now.as_str()) {
            continue;
        }
        match load(&pool).await {
            Ok(compiled) => {
                runtime.swap(compiled);
                tracing::info!("gateway: deployed stages reloaded");
                seen = Some(now);
            }
            Err(e) => {
                tracing::warn!(error = %e, "gateway: reload failed; keeping the current snapshot")
            }
        }
    }
}

async fn serve(State(state): State<GatewayState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = match axum::body::to_bytes(body, MAX_PAYLOAD).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                [("content-type", "application/json")],
                r#"{"message":"Request Too Long"}"#,
            )
                .into_response();
        }
    };
    let request = axum::http::Request::from_parts(parts, body);
    let response = state.runtime.handle(request, state.keys.as_ref()).await;
    response.map(Body::from)
}
