//! The runtime the server holds: the [`Gateway`] table in force (swapped whole on redeploy)
//! and the services every request shares (authorizer cache, backend connection pool). Its
//! entry points run the [`crate::pipeline`].

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response};

use crate::authorizer_cache::AuthorizerCache;
use crate::keys::KeySource;
use crate::pipeline::{Services, serve};
use crate::snapshot::Gateway;
use crate::trace::{ExecutionLog, RequestSummary};
use crate::upstream::Upstream;

/// What the server holds: the current table, replaced whole on redeploy.
#[derive(Debug, Default)]
pub struct Runtime {
    current: RwLock<Arc<Gateway>>,
    cache: AuthorizerCache,
    /// Shared connection pool of the HTTP and HTTP_PROXY integrations.
    client: Upstream,
}

impl Runtime {
    pub fn new(gateway: Gateway) -> Runtime {
        Runtime {
            current: RwLock::new(Arc::new(gateway)),
            cache: Default::default(),
            client: Default::default(),
        }
    }

    /// The authorizer cache (its bounds and what it holds).
    pub fn authorizer_cache(&self) -> &AuthorizerCache {
        &self.cache
    }

    /// The table in force (requests in flight keep the one they started with).
    #[inline]
    pub fn current(&self) -> Arc<Gateway> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the table in one pointer swap; returns the old one.
    pub fn swap(&self, gateway: Gateway) -> Arc<Gateway> {
        let new = Arc::new(gateway);
        let mut guard = match self.current.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        std::mem::replace(&mut *guard, new)
    }

    /// Serves one invoke request. The request path is `/{restApiId}/{stage}/{resource path}`
    /// (the server strips its own mount prefix first). Every response carries
    /// `x-amzn-RequestId`.
    pub fn handle<'a, K: KeySource>(
        &'a self,
        req: Request<Bytes>,
        keys: &'a K,
    ) -> impl Future<Output = Response<Bytes>> + Send + 'a {
        self.handle_at(req, keys, now_epoch())
    }

    /// [`Runtime::handle`], also saying where the request went and how the authorizer
    /// decided (for the access log and the Stage → Logs page).
    pub fn serve<'a, K: KeySource>(
        &'a self,
        req: Request<Bytes>,
        keys: &'a K,
    ) -> impl Future<Output = (Response<Bytes>, RequestSummary)> + Send + 'a {
        self.serve_at(req, keys, now_epoch(), None)
    }

    /// Runs one request with an execution log (the console's Test), at a given time (epoch
    /// seconds).
    pub async fn trace_at<K: KeySource>(
        &self,
        req: Request<Bytes>,
        keys: &K,
        now: i64,
    ) -> (Response<Bytes>, RequestSummary, ExecutionLog) {
        let mut log = ExecutionLog::default();
        let (resp, summary) = self.serve_at(req, keys, now, Some(&mut log)).await;
        (resp, summary, log)
    }

    /// [`Runtime::handle`] at a given time (epoch seconds), for tests.
    pub async fn handle_at<K: KeySource>(
        &self,
        req: Request<Bytes>,
        keys: &K,
        now: i64,
    ) -> Response<Bytes> {
        self.serve_at(req, keys, now, None).await.0
    }

    /// The pipeline's future for one request, against the table in force when called. The
    /// entry points are plain functions where they can be: every `async fn` layer copies the
    /// future below it once more on the hot path.
    #[inline]
    fn serve_at<'a, K: KeySource>(
        &'a self,
        req: Request<Bytes>,
        keys: &'a K,
        now: i64,
        log: Option<&'a mut ExecutionLog>,
    ) -> impl Future<Output = (Response<Bytes>, RequestSummary)> + Send + 'a {
        let services = Services {
            cache: &self.cache,
            client: &self.client,
            keys,
        };
        serve(self.current(), services, req, now, log)
    }
}

fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
