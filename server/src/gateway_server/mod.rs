//! The data plane: serves deployed stages on `GATEHOUSE_GATEWAY_LISTEN` with the `gateway`
//! crate.
//!
//! * [`serve`]: one request: its body read under the listener's limits, then the runtime.
//! * [`reload`]: keeps the runtime's snapshot in step with the database (all stages compiled
//!   into one snapshot, loaded on start, reloaded on a notification from [`notifications`], on
//!   a deploy through this process, and every 30 s as a safety net), so several nodes on one
//!   PostgreSQL converge within a second.
//! * [`access_log`]: one line per request on the `gatehouse::access` target, and the
//!   console's Stage → Logs.

mod access_log;
mod notifications;
mod reload;
mod serve;

use std::net::SocketAddr;
use std::sync::Arc;

use apis::AuthorizerKeys;
use sqlx::PgPool;
use tokio::net::TcpListener;

pub use access_log::access_principal;

use crate::listener::{Guards, Limits};
use crate::services::Services;

pub struct GatewayServer {
    listener: TcpListener,
    limits: Limits,
    runtime: Arc<gateway::Runtime>,
    keys: Arc<AuthorizerKeys>,
    recent: Arc<gateway::RecentRequests>,
    pool: PgPool,
    seen: Option<String>,
    reloads: gateway::ReloadHandle,
}

impl GatewayServer {
    /// The gateway of `gatehouse serve`, over the services it shares with the console: the
    /// console's Stage → Logs reads what it records, and deploys through the console or the
    /// management API answer once it serves them.
    pub async fn bind(listen: SocketAddr, services: &Services) -> std::io::Result<GatewayServer> {
        GatewayServer::start(
            listen,
            services.pool.clone(),
            Arc::clone(&services.keys),
            Arc::clone(&services.recent_requests),
            services.gateway_reloads.clone(),
        )
        .await
    }

    /// A gateway node of its own over `pool` (tests run several on one database): its own
    /// key source over `identity` (whose issuers are under `issuer_base`), request log and
    /// reload handle.
    pub async fn build(
        listen: SocketAddr,
        pool: PgPool,
        identity: identity::Identity,
        issuer_base: &str,
    ) -> std::io::Result<GatewayServer> {
        let keys = Arc::new(crate::services::authorizer_keys(identity, issuer_base));
        GatewayServer::start(
            listen,
            pool,
            keys,
            Arc::default(),
            gateway::ReloadHandle::default(),
        )
        .await
    }

    async fn start(
        listen: SocketAddr,
        pool: PgPool,
        keys: Arc<AuthorizerKeys>,
        recent: Arc<gateway::RecentRequests>,
        reloads: gateway::ReloadHandle,
    ) -> std::io::Result<GatewayServer> {
        let listener = TcpListener::bind(listen).await?;
        let (initial, seen) = reload::initial(&pool).await;
        Ok(GatewayServer {
            listener,
            limits: Limits::default(),
            runtime: Arc::new(gateway::Runtime::new(initial)),
            keys,
            recent,
            pool,
            seen,
            reloads,
        })
    }

    /// Serves under `limits` (connections, deadlines, body bytes) instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> GatewayServer {
        self.limits = limits;
        self
    }

    /// The last requests per stage this node served.
    pub fn recent_requests(&self) -> Arc<gateway::RecentRequests> {
        Arc::clone(&self.recent)
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
        let watcher = reload::AbortOnDrop(tokio::spawn(reload::watch(
            self.pool.clone(),
            Arc::clone(&self.runtime),
            Arc::clone(&self.recent),
            self.seen,
            self.reloads.requests(),
        )));
        let node = Arc::new(serve::Node {
            runtime: self.runtime,
            keys: self.keys,
            recent: self.recent,
            guards: Guards::new(self.limits),
        });
        let shared = Arc::clone(&node);
        crate::listener::serve(
            &self.listener,
            &shared.guards,
            "gateway",
            shutdown,
            move |request, peer| {
                let node = Arc::clone(&node);
                async move { serve::request(&node, peer, request).await }
            },
        )
        .await;
        drop(self.listener);
        drop(watcher);
        Ok(())
    }
}
