//! The data plane: serves deployed stages on `GATEHOUSE_GATEWAY_LISTEN` with the `gateway`
//! crate. All stages are compiled into one snapshot, loaded from the database on start. A
//! trigger on `api_stages` notifies `gatehouse_stages` on every change; each node LISTENs and
//! swaps in a rebuilt snapshot, so several nodes on one PostgreSQL converge within a second. A
//! full reload every 30 s is the safety net for a missed notification. A deploy through this
//! process (console or management API) does not wait for the notification: it asks the reloader
//! through a [`gateway::ReloadHandle`] and answers once the new snapshot is served. Every
//! request is logged on the `gatehouse::access` target.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apis::keys::{EmbeddedFuture, EmbeddedKeys, EmbeddedPool, KeyResolver};
use axum::body::Bytes;
use axum::http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::listener::{BodyError, Guards, Limits};

/// Larger bodies are refused, as API Gateway's 10 MB payload limit.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;
/// The channel the `api_stages` trigger notifies (migration `20261126000005_stage_notify`).
const CHANNEL: &str = "gatehouse_stages";
/// The safety net: a full reload check this often, notified or not.
const FULL_RELOAD_EVERY: Duration = Duration::from_secs(30);
/// Re-establishing a lost listener backs off from the first to the second, doubling.
const LISTEN_BACKOFF: (Duration, Duration) = (Duration::from_millis(250), Duration::from_secs(30));

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
/// ones fetched (and cached) by the shared resolver; both held in memory per provider list,
/// so an authorizer-cache miss costs a signature check, not database round trips.
struct Keys {
    identity: IdentityKeys,
    resolver: KeyResolver,
    held: std::sync::Mutex<HashMap<Vec<String>, HeldKeys>>,
}

/// Resolved keys of one provider list, and when they were resolved.
struct HeldKeys {
    at: Instant,
    pools: Arc<[apis::authorizer::PoolKeys]>,
}

/// Held keys are resolved again after this long (a deleted pool stops working by then)...
const KEYS_HELD_FOR: Duration = Duration::from_secs(10);
/// ...or, for a token whose kid they lack (a rotation), once they are this old: at most ten
/// lookups a second per provider list, whatever kids a caller invents.
const UNKNOWN_KID_RECHECK: Duration = Duration::from_millis(100);
/// Provider lists held before the table is cleared.
const HELD_MAX: usize = 1_000;

impl Keys {
    fn held(
        &self,
        providers: &[String],
        kid: Option<&str>,
    ) -> Option<Arc<[apis::authorizer::PoolKeys]>> {
        let held = self.held.lock().ok()?;
        let entry = held.get(providers)?;
        let age = entry.at.elapsed();
        let knows_kid = kid.is_none_or(|kid| {
            entry
                .pools
                .iter()
                .any(|p| p.keys.iter().any(|k| k.kid == kid))
        });
        (age < KEYS_HELD_FOR && (knows_kid || age < UNKNOWN_KID_RECHECK))
            .then(|| Arc::clone(&entry.pools))
    }

    fn hold(&self, providers: &[String], pools: &Arc<[apis::authorizer::PoolKeys]>) {
        if let Ok(mut held) = self.held.lock() {
            if held.len() >= HELD_MAX {
                held.clear();
            }
            held.insert(
                providers.to_vec(),
                HeldKeys {
                    at: Instant::now(),
                    pools: Arc::clone(pools),
                },
            );
        }
    }
}

impl gateway::KeySource for Keys {
    async fn pools_for(
        &self,
        authorizer: &apis::model::Authorizer,
        token: &str,
    ) -> Arc<[apis::authorizer::PoolKeys]> {
        // The kid lets the resolver refetch a JWKS that has rotated since it was cached.
        let kid = apis::keys::token_kid(token);
        if let Some(pools) = self.held(&authorizer.provider_arns, kid.as_deref()) {
            return pools;
        }
        let resolved = self
            .resolver
            .resolve(&self.identity, &authorizer.provider_arns, kid.as_deref())
            .await;
        for warning in &resolved.warnings {
            tracing::warn!(authorizer.id = %authorizer.id, "{warning}");
        }
        let pools: Arc<[_]> = resolved.pools.into();
        self.hold(&authorizer.provider_arns, &pools);
        pools
    }
}

/// What every request of the listener shares.
struct Node {
    state: GatewayState,
    guards: Guards,
}

#[derive(Clone)]
struct GatewayState {
    runtime: Arc<gateway::Runtime>,
    keys: Arc<Keys>,
    /// The last requests per stage (shared with the console's Stage → Logs page).
    recent: Arc<gateway::RecentRequests>,
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

/// A digest of what the snapshot is built from; an unchanged digest means a reload would be a
/// no-op. (Deployments are immutable, so the stage rows say everything.)
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
    limits: Limits,
    state: GatewayState,
    runtime: Arc<gateway::Runtime>,
    pool: PgPool,
    seen: Option<String>,
    reloads: gateway::ReloadHandle,
}

impl GatewayServer {
    pub async fn build(
        listen: SocketAddr,
        pool: PgPool,
        identity: identity::Identity,
        issuer_base: &str,
    ) -> std::io::Result<GatewayServer> {
        let listener = TcpListener::bind(listen).await?;
        // Taken before loading: a change made meanwhile shows as a new fingerprint later.
        let seen = fingerprint(&pool).await.ok();
        let initial = load(&pool).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "gateway: could not load the deployed stages; serving none until the next reload");
            gateway::Gateway::compile(Vec::new())
        });
        let runtime = Arc::new(gateway::Runtime::new(initial));
        let keys = Arc::new(Keys {
            identity: IdentityKeys(identity),
            resolver: KeyResolver::new(issuer_base),
            held: Default::default(),
        });
        let state = GatewayState {
            runtime: Arc::clone(&runtime),
            keys,
            recent: Arc::default(),
        };
        Ok(GatewayServer {
            listener,
            limits: Limits::default(),
            state,
            runtime,
            pool,
            seen,
            reloads: gateway::ReloadHandle::default(),
        })
    }

    /// Reloads when asked through `reloads` too (the console's and the management API's, so
    /// their deploys answer once this listener serves them).
    pub fn with_reloads(mut self, reloads: gateway::ReloadHandle) -> GatewayServer {
        self.reloads = reloads;
        self
    }

    /// Serves under `limits` (connections, deadlines, body bytes) instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> GatewayServer {
        self.limits = limits;
        self
    }

    /// Records served requests into `recent` (the console's), instead of a log of its own.
    pub fn with_recent_requests(mut self, recent: Arc<gateway::RecentRequests>) -> GatewayServer {
        self.state.recent = recent;
        self
    }

    /// The last requests per stage this node served.
    pub fn recent_requests(&self) -> Arc<gateway::RecentRequests> {
        Arc::clone(&self.state.recent)
    }

    /// The runtime this server serves with (its authorizer cache, for tests and operators).
    pub fn runtime(&self) -> Arc<gateway::Runtime> {
        Arc::clone(&self.runtime)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then lets open requests finish; keeps the snapshot
    /// in step with the database meanwhile.
    ///
    /// HTTP/1.1 straight on hyper: one task per connection, the request handed to the
    /// runtime as it was parsed (no router, no boxed body), the peer address attached for
    /// `$context.identity.sourceIp`; connections, deadlines and body bytes bounded as
    /// [`crate::listener`] describes.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let watcher = AbortOnDrop(tokio::spawn(watch(
            self.pool.clone(),
            Arc::clone(&self.runtime),
            Arc::clone(&self.state.recent),
            self.seen,
            self.reloads.requests(),
        )));
        let node = Arc::new(Node {
            state: self.state,
            guards: Guards::new(self.limits),
        });
        let shared = Arc::clone(&node);
        crate::listener::serve(
            &self.listener,
            &shared.guards,
            "gateway",
            shutdown,
            move |request: Request<Incoming>, peer| {
                let node = Arc::clone(&node);
                async move { serve(&node.state, &node.guards, peer, request).await }
            },
        )
        .await;
        drop(self.listener);
        drop(watcher);
        Ok(())
    }
}

/// Aborts a spawned task when dropped (the listener dies with the watcher).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Keeps the runtime's snapshot in step with the database: reloads when the listener wakes it
/// (a notification, or a fresh subscription that may have missed some), when a writer in this
/// process asks through `requests`, and every [`FULL_RELOAD_EVERY`] regardless.
async fn watch(
    pool: PgPool,
    runtime: Arc<gateway::Runtime>,
    recent: Arc<gateway::RecentRequests>,
    mut seen: Option<String>,
    mut requests: gateway::ReloadRequests,
) {
    // Capacity 1 and `try_send`: a burst of wake-ups while a reload runs coalesces into one.
    let (wake, mut woken) = mpsc::channel(1);
    let _listener = AbortOnDrop(tokio::spawn(listen(pool.clone(), wake)));
    let mut full = tokio::time::interval(FULL_RELOAD_EVERY);
    full.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    full.tick().await; // the first tick is immediate; the initial load is already done
    loop {
        let reason = tokio::select! {
            w = woken.recv() => match w {
                Some(reason) => reason,
                None => return,
            },
            () = requests.asked() => "deployed here",
            _ = full.tick() => "periodic",
        };
        // Read before the database: this reload serves every request made until now.
        let ticket = requests.begin();
        if reload(&pool, &runtime, &recent, &mut seen, reason).await {
            requests.served(ticket);
        }
    }
}

/// Reloads every stage unless the fingerprint says nothing changed since `seen`. Whether the
/// snapshot served now matches the database as read.
async fn reload(
    pool: &PgPool,
    runtime: &gateway::Runtime,
    recent: &gateway::RecentRequests,
    seen: &mut Option<String>,
    reason: &'static str,
) -> bool {
    let now = match fingerprint(pool).await {
        Ok(f) => Some(f),
        Err(e) => {
            // Reload anyway: better a needless reload than a stale snapshot.
            tracing::warn!(error = %e, "gateway: cannot fingerprint the deployed stages");
            None
        }
    };
    if now.is_some() && now == *seen {
        return true;
    }
    let started = Instant::now();
    match load(pool).await {
        Ok(compiled) => {
            let stages = compiled.len();
            // A deleted stage's requests go with it (a stage made again later starts empty).
            recent.retain(|api, stage| compiled.stage(api, stage).is_some());
            runtime.swap(compiled);
            tracing::info!(
                reason,
                stages,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "gateway: deployed stages reloaded"
            );
            *seen = now;
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, reason, "gateway: reload failed; keeping the current snapshot");
            false
        }
    }
}

/// LISTENs on [`CHANNEL`] and wakes the watcher on each notification (draining those already
/// buffered first, so a burst costs one reload). A lost connection is re-established with
/// backoff, and every new subscription wakes the watcher once, since notifications sent while
/// nobody listened are gone.
async fn listen(pool: PgPool, wake: mpsc::Sender<&'static str>) {
    let mut backoff = LISTEN_BACKOFF.0;
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                backoff = LISTEN_BACKOFF.0;
                let _ = wake.try_send("subscribed");
                loop {
                    match listener.try_recv().await {
                        Ok(Some(_)) => {
                            while listener.next_buffered().is_some() {}
                            if wake.is_closed() {
                                return;
                            }
                            let _ = wake.try_send("notified");
                        }
                        Ok(None) => {
                            tracing::warn!(
                                "gateway: lost the connection listening for deployments; re-subscribing"
                            );
                            break;
                        }
                        Err(sqlx::Error::PoolClosed) => return,
                        Err(e) => {
                            tracing::warn!(error = %e, "gateway: listening for deployments failed; re-subscribing");
                            break;
                        }
                    }
                }
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    retry_in_ms = backoff.as_millis() as u64,
                    "gateway: cannot listen for deployments; relying on the periodic reload until it can"
                );
            }
        }
        if wake.is_closed() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(LISTEN_BACKOFF.1);
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

async fn serve(
    state: &GatewayState,
    guards: &Guards,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    // The permit keeps the body's bytes counted until the request is done.
    let (body, _permit) = match guards.read_body(body, MAX_PAYLOAD).await {
        Ok(read) => read,
        Err(e) => return body_refused(e),
    };
    parts.extensions.insert(gateway::ClientAddr(peer.ip()));
    let method = parts.method.clone();
    // Cheap: a `Uri` shares its buffer.
    let uri = parts.uri.clone();
    let request = Request::from_parts(parts, body);
    let (response, summary) = state.runtime.serve(request, state.keys.as_ref()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    access_log(&response, &summary, &method, uri.path(), latency_ms);
    remember(
        &state.recent,
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

/// Keeps the request for the console's Stage → Logs page (only requests that reached an
/// existing stage, so the table stays bounded).
fn remember(
    recent: &gateway::RecentRequests,
    response: &axum::http::Response<Bytes>,
    summary: gateway::RequestSummary,
    method: axum::http::Method,
    path: &str,
    latency_ms: f64,
) {
    let Some(stage) = summary.stage.as_deref() else {
        return;
    };
    let below_stage = gateway::routes::split_invoke_path(path)
        .map(|(_, _, rest)| rest.to_owned())
        .unwrap_or_default();
    let time_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    recent.record(
        &stage.rest_api_id,
        &stage.stage_name,
        gateway::RecentRequest {
            time_ms,
            request_id: summary.request_id,
            method,
            path: below_stage,
            resource: summary.resource,
            status: response.status().as_u16(),
            latency_ms,
            auth: summary.auth,
        },
    );
}

/// One structured line per request on the `gatehouse::access` target. The principal is the
/// `sub` of the claims the authorizer verified: a token the gateway refused names nobody.
fn access_log(
    response: &axum::http::Response<Bytes>,
    summary: &gateway::RequestSummary,
    method: &axum::http::Method,
    path: &str,
    latency_ms: f64,
) {
    tracing::info!(
        target: "gatehouse::access",
        request_id = %summary.request_id,
        api = summary.api_id().unwrap_or(""),
        stage = summary.stage_name().unwrap_or(""),
        resource = summary.resource.as_deref().unwrap_or(""),
        path,
        method = %method,
        status = response.status().as_u16(),
        latency_ms,
        principal = access_principal(summary).unwrap_or(""),
        "gateway request"
    );
}

/// The access log's `principal` field.
pub fn access_principal(summary: &gateway::RequestSummary) -> Option<&str> {
    summary.auth.principal()
}
