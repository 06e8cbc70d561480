//! The request pipeline (reference §1.11), as explicit phases over a [`RequestCtx`]; every
//! phase can short-circuit with a response:
//!
//! route → authorizer → integration request → integration → integration response →
//! method response → `x-amzn-RequestId`.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use apis::authorizer::{AuthorizerInput, Decision, authorize};
use apis::model::{AuthorizationType, HttpMethod, IntegrationType, PassthroughBehavior};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Request, Response};
use serde_json::{Map, Value};

use crate::integration::{BuildError, DotSegment, build_request, proxy_response, send};
use crate::response::{
    UNAUTHORIZED, append_header, forbidden, gateway_error, internal_error, invalid_path_parameter,
    mime, missing_authentication_token, response, set_header, unsupported_media_type,
};
use crate::routes::{RouteMatch, split_invoke_path};
use crate::snapshot::{
    CompiledIntegrationResponse, CompiledMethod, CompiledResource, CompiledStage, Runtime,
    Templates,
};
use crate::trace::{
    AuthOutcome, ExecutionLog, Recorder, RequestId, RequestSummary, TracedAuthorizer,
    TracedRequest, TracedResponse, header_pairs,
};

/// Where a COGNITO_USER_POOLS authorizer's public keys come from; only asked on an
/// authorizer-cache miss. Declared beside `apis::authorize`.
pub use apis::KeySource;

/// The address of the client's TCP connection, attached to the request by the server
/// (`$context.identity.sourceIp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub std::net::IpAddr);

/// `x-amzn-RequestId`, on every response.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

/// A phase either continues with a value or ends the request with a response.
pub type Phase<T> = Result<T, Box<Response<Bytes>>>;

/// Allowed authorizer results, keyed by (api, deployment, authorizer, method scopes, token): a
/// redeploy that changes the authorizer starts afresh.
///
/// Bounded in entries and in bytes (tokens and claims), since every refresh mints a new valid
/// token. A hit does no bookkeeping; an insert that would pass a bound first drops stale
/// entries, then random ones (the map's hash order) down to three quarters of the bounds, so
/// eviction is rare and costs one pass over at most `max_entries` entries.
#[derive(Debug, Default)]
pub struct AuthorizerCache {
    entries: Mutex<CacheEntries>,
}

/// The cache's map and what it holds.
#[derive(Debug, Default)]
struct CacheEntries {
    map: hashbrown::HashMap<CacheKey, CachedAllow, foldhash::fast::RandomState>,
    /// The sum of the entries' [`CachedAllow::size`].
    bytes: usize,
    bounds: CacheBounds,
}

/// How much the authorizer cache may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBounds {
    pub max_entries: usize,
    /// Tokens, keys and claims, plus a fixed overhead per entry.
    pub max_bytes: usize,
}

impl Default for CacheBounds {
    fn default() -> Self {
        CacheBounds {
            max_entries: 10_000,
            max_bytes: 32 * 1024 * 1024,
        }
    }
}

/// What an entry costs besides its strings (map slot, `Arc`s, lengths), roughly.
const CACHE_ENTRY_OVERHEAD: usize = 160;

/// The owned key. Hashed with foldhash rather than SipHash (the token is ~1 KB and hashed on
/// every request); the map still compares the whole key, and only verified tokens get in.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    api: Box<str>,
    deployment: Box<str>,
    authorizer: Box<str>,
    scopes: Box<str>,
    token: Box<str>,
}

/// [`CacheKey`] borrowed from the request, for a lookup that copies nothing. Field order and
/// types hash exactly as [`CacheKey`] does.
#[derive(Debug, Clone, Copy, Hash)]
struct CacheKeyRef<'a> {
    api: &'a str,
    deployment: &'a str,
    authorizer: &'a str,
    scopes: &'a str,
    token: &'a str,
}

impl hashbrown::Equivalent<CacheKey> for CacheKeyRef<'_> {
    fn equivalent(&self, key: &CacheKey) -> bool {
        *self.api == *key.api
            && *self.deployment == *key.deployment
            && *self.authorizer == *key.authorizer
            && *self.scopes == *key.scopes
            && *self.token == *key.token
    }
}

impl CacheKeyRef<'_> {
    fn to_owned_key(self) -> CacheKey {
        CacheKey {
            api: self.api.into(),
            deployment: self.deployment.into(),
            authorizer: self.authorizer.into(),
            scopes: self.scopes.into(),
            token: self.token.into(),
        }
    }
}

/// Verified claims as the pipeline uses them, shared by every request the entry serves.
#[derive(Debug)]
struct AllowedClaims {
    /// `$context.authorizer.claims`, stringified.
    claims: Arc<[(String, String)]>,
    /// The `sub` claim when it is a string.
    principal: Option<Arc<str>>,
}

#[derive(Debug, Clone)]
struct CachedAllow {
    /// Epoch seconds after which the entry is stale.
    until: i64,
    allowed: Arc<AllowedClaims>,
    /// What the entry counts against [`CacheBounds::max_bytes`].
    size: usize,
}

impl CacheKeyRef<'_> {
    fn len(&self) -> usize {
        self.api.len()
            + self.deployment.len()
            + self.authorizer.len()
            + self.scopes.len()
            + self.token.len()
    }
}

impl AllowedClaims {
    fn len(&self) -> usize {
        self.claims
            .iter()
            .map(|(k, v)| k.len() + v.len() + 48)
            .sum::<usize>()
            + self.principal.as_ref().map_or(0, |p| p.len())
    }
}

impl AuthorizerCache {
    /// An empty cache holding at most `bounds`.
    pub fn with_bounds(bounds: CacheBounds) -> AuthorizerCache {
        let cache = AuthorizerCache::default();
        cache.set_bounds(bounds);
        cache
    }

    /// Changes the bounds (applied from the next insert).
    pub fn set_bounds(&self, bounds: CacheBounds) {
        if let Ok(mut e) = self.entries.lock() {
            e.bounds = bounds;
        }
    }

    /// (entries, bytes) held now.
    pub fn usage(&self) -> (usize, usize) {
        self.entries
            .lock()
            .map_or((0, 0), |e| (e.map.len(), e.bytes))
    }

    fn get(&self, key: CacheKeyRef<'_>, now: i64) -> Option<Arc<AllowedClaims>> {
        let entries = self.entries.lock().ok()?;
        entries
            .map
            .get(&key)
            .filter(|e| e.until > now)
            .map(|e| Arc::clone(&e.allowed))
    }

    fn put(&self, key: CacheKeyRef<'_>, until: i64, allowed: Arc<AllowedClaims>, now: i64) {
        let size = key.len() + allowed.len() + CACHE_ENTRY_OVERHEAD;
        let Ok(mut guard) = self.entries.lock() else {
            return;
        };
        let e = &mut *guard;
        let bounds = e.bounds;
        if size > bounds.max_bytes || bounds.max_entries == 0 {
            return;
        }
        if e.map.len() >= bounds.max_entries || e.bytes + size > bounds.max_bytes {
            e.evict(now, size);
        }
        let entry = CachedAllow {
            until,
            allowed,
            size,
        };
        if let Some(old) = e.map.insert(key.to_owned_key(), entry) {
            e.bytes -= old.size;
        }
        e.bytes += size;
    }
}

impl CacheEntries {
    /// Makes room for an entry of `size` bytes: stale entries go first, then random ones
    /// until the cache is at three quarters of its bounds.
    fn evict(&mut self, now: i64, size: usize) {
        let bytes = &mut self.bytes;
        self.map.retain(|_, e| {
            let keep = e.until > now;
            if !keep {
                *bytes -= e.size;
            }
            keep
        });
        let max_entries = self.bounds.max_entries;
        let max_bytes = self.bounds.max_bytes;
        if self.map.len() < max_entries && *bytes + size <= max_bytes {
            return;
        }
        let target_entries = max_entries - max_entries / 4 - 1;
        let target_bytes = (max_bytes - max_bytes / 4).saturating_sub(size);
        let mut len = self.map.len();
        self.map.retain(|_, e| {
            if len <= target_entries && *bytes <= target_bytes {
                return true;
            }
            len -= 1;
            *bytes -= e.size;
            false
        });
    }
}

/// Everything the phases share about one request.
#[derive(Debug)]
pub struct RequestCtx {
    pub request_id: RequestId,
    /// Epoch seconds.
    pub now: i64,
    pub method: HttpMethod,
    /// The invoke URI (`/{restApiId}/{stage}/rest/of/path?query`).
    pub uri: http::Uri,
    /// The request headers as received (the hot path reads them in place).
    pub headers: http::HeaderMap,
    /// `headers` as text pairs, made on first use (templates that read `$input.params()`,
    /// parameter mappings, HTTP_PROXY).
    header_pairs: OnceLock<Vec<(String, String)>>,
    pub query: Vec<(String, String)>,
    pub body: Bytes,
    pub stage: Arc<CompiledStage>,
    pub route: RouteMatch,
    /// `$context.authorizer.claims`, stringified; empty without an authorizer.
    pub claims: Arc<[(String, String)]>,
    /// The client's TCP address, when the request came over a connection.
    pub peer: Option<std::net::IpAddr>,
    /// `$context.identity.sourceIp`, made on first use.
    source_ip: OnceLock<Option<String>>,
}

impl RequestCtx {
    /// The method serving this request.
    pub fn method(&self) -> Option<&CompiledMethod> {
        self.resource()?.method_for(self.method)
    }

    fn resource(&self) -> Option<&CompiledResource> {
        self.stage.resources.get(self.route.resource)
    }

    /// The headers as `(name, value)` text pairs in arrival order (values that are not UTF-8
    /// are decoded lossily).
    pub fn header_pairs(&self) -> &[(String, String)] {
        self.header_pairs
            .get_or_init(|| header_pairs(&self.headers))
    }

    /// The last value of a request header (any case).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        let value = self.headers.get_all(name).iter().next_back()?;
        match std::str::from_utf8(value.as_bytes()) {
            Ok(text) => Some(text),
            Err(_) => self
                .header_pairs()
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str()),
        }
    }

    /// `/{stage}/rest/of/path` (`$context.path`).
    pub fn context_path(&self) -> String {
        let rest = split_invoke_path(self.uri.path()).map_or("/", |(_, _, rest)| rest);
        let rest = if rest == "/" { "" } else { rest };
        format!("/{}{rest}", self.stage.stage_name)
    }

    /// A top-level `$context` string (`stage`, `requestId`, …); `None` for entries the gateway
    /// does not have. The one place the pipeline's `$context` values come from: templates
    /// (rendered in full or straight-line) and parameter mappings (`context.stage`) alike.
    pub fn context_value(&self, key: &str) -> Option<Cow<'_, str>> {
        Some(match key {
            "apiId" => Cow::Borrowed(self.stage.rest_api_id.as_str()),
            "stage" => Cow::Borrowed(self.stage.stage_name.as_str()),
            "httpMethod" => Cow::Borrowed(self.method.as_str()),
            "path" => Cow::Owned(self.context_path()),
            "requestId" | "extendedRequestId" => Cow::Borrowed(self.request_id.as_str()),
            "requestTime" => Cow::Owned(clf_time(self.now)?),
            "requestTimeEpoch" => Cow::Owned(self.now.saturating_mul(1000).to_string()),
            "resourceId" => Cow::Borrowed(self.resource()?.id.as_str()),
            "resourcePath" => Cow::Borrowed(&*self.resource()?.path),
            "protocol" => Cow::Borrowed("HTTP/1.1"),
            _ => return None,
        })
    }

    /// A `$context.identity` string.
    pub fn identity_value(&self, key: &str) -> Option<&str> {
        match key {
            "userAgent" => self.header_value("user-agent"),
            "sourceIp" => self.source_ip.get_or_init(|| self.source_ip()).as_deref(),
            _ => None,
        }
    }

    /// The TCP peer, as API Gateway reports it. A request that came over no connection (the
    /// console's Test, an in-process call) takes the first X-Forwarded-For entry instead.
    fn source_ip(&self) -> Option<String> {
        match self.peer {
            Some(ip) => Some(ip.to_string()),
            None => self
                .header_value("x-forwarded-for")
                .map(|v| v.split(',').next().unwrap_or("").trim().to_owned()),
        }
    }

    /// A verified claim, stringified (`$context.authorizer.claims.<name>`).
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// What a straight-line template's `source` reads: the same values
    /// [`RequestCtx::vtl_context`] gives a full render.
    fn source_value(&self, source: &vtl::Source) -> Option<Cow<'_, str>> {
        match source {
            vtl::Source::Context(key) => self.context_value(key),
            vtl::Source::Identity(key) => self.identity_value(key).map(Cow::Borrowed),
            vtl::Source::Claim(name) => self.claim(name).map(Cow::Borrowed),
            vtl::Source::PrincipalId => self.claim("sub").map(Cow::Borrowed),
            vtl::Source::StageVariable(name) => self
                .stage
                .variables
                .get(&**name)
                .map(|v| Cow::Borrowed(v.as_str())),
        }
    }

    /// Renders `template` with `body` as `$input.body`: by substitution when it is
    /// straight-line (no `$context` map is built), else in full ([`render_full`]).
    pub async fn render(
        &self,
        template: &Arc<vtl::Template>,
        body: &str,
        overrides: vtl::Overrides,
    ) -> Result<vtl::Rendered, vtl::RenderError> {
        let Some(pieces) = template.straight() else {
            let vctx = self.vtl_context(template, body.to_owned(), overrides);
            return render_full(template, vctx).await;
        };
        let mut out = String::with_capacity(template.source().len() + 64);
        for piece in pieces {
            match piece {
                vtl::Piece::Text(text) => out.push_str(text),
                vtl::Piece::Value(source) => {
                    if let Some(value) = self.source_value(source) {
                        out.push_str(&value);
                    }
                }
            }
        }
        let limit = template.limits().max_output_bytes;
        if out.len() > limit {
            return Err(vtl::RenderError::OutputLimit { limit });
        }
        Ok(vtl::Rendered {
            body: out,
            overrides,
        })
    }

    /// `api/stage VERB /resource (request id)`, for log lines.
    pub fn describe(&self) -> String {
        let path = self.resource().map_or("?", |r| &*r.path);
        format!(
            "{}/{} {} {path} (request {})",
            self.stage.rest_api_id, self.stage.stage_name, self.method, self.request_id
        )
    }

    /// The context `template` renders against: `$input`, `$context`, `$stageVariables`.
    fn vtl_context(
        &self,
        template: &vtl::Template,
        body: String,
        overrides: vtl::Overrides,
    ) -> vtl::Context {
        let mut c = vtl::Context::default();
        c.input.body = body;
        c.input.path = self.route.params.clone();
        c.input.querystring = self.query.clone();
        c.input.header = self.header_pairs().to_vec();
        // Only the entries the template can read are copied (it builds no others either).
        let entry = |key: &str| {
            template
                .reads_context(key)
                .then(|| self.context_value(key).map(Cow::into_owned))
                .flatten()
        };
        let r = &mut c.request;
        r.api_id = entry("apiId");
        r.stage = entry("stage");
        r.http_method = entry("httpMethod");
        r.path = entry("path");
        r.request_id = entry("requestId");
        r.extended_request_id = entry("extendedRequestId");
        r.request_time = entry("requestTime");
        r.request_time_epoch = Some(self.now.saturating_mul(1000));
        r.resource_id = entry("resourceId");
        r.resource_path = entry("resourcePath");
        r.protocol = entry("protocol");
        if template.reads_context("identity") {
            r.identity.user_agent = self.identity_value("userAgent").map(str::to_owned);
            r.identity.source_ip = self.identity_value("sourceIp").map(str::to_owned);
        }
        r.authorizer.claims = self
            .claims
            .iter()
            .filter(|(k, _)| template.reads_claim(k))
            .cloned()
            .collect();
        r.authorizer.principal_id = self.claim("sub").map(str::to_owned);
        c.stage_variables = self
            .stage
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        c.overrides = overrides;
        c
    }
}

/// Steps a full render may take on the async worker that runs the request. Nearly every
/// template needs far fewer; one that needs more is started again on the blocking pool, so a
/// slow template never holds a worker (and the requests queued on it) for long.
pub const INLINE_RENDER_STEPS: u64 = 10_000;

/// At most this many long renders run at once (one per core): the rest wait for a slot, for
/// at most their template's time budget.
fn long_render_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores)
    })
}

/// Renders `template` in full: on this worker within [`INLINE_RENDER_STEPS`], else again from
/// the start on the blocking pool under the template's own limits (rendering has no side
/// effects, so the rerun gives what one uninterrupted render would).
pub async fn render_full(
    template: &Arc<vtl::Template>,
    vctx: vtl::Context,
) -> Result<vtl::Rendered, vtl::RenderError> {
    let limits = template.limits();
    if limits.max_steps <= INLINE_RENDER_STEPS {
        return template.render(&vctx);
    }
    let inline = vtl::Limits {
        max_steps: INLINE_RENDER_STEPS,
        ..limits.clone()
    };
    match template.render_with(&vctx, &inline) {
        Err(vtl::RenderError::StepLimit { .. }) => {}
        done => return done,
    }
    // Waiting for a slot counts against the render's time budget.
    let budget = limits.max_duration.unwrap_or(LONG_RENDER_WAIT);
    let slot = match tokio::time::timeout(budget, long_render_slots().acquire()).await {
        Ok(Ok(slot)) => slot,
        _ => return Err(vtl::RenderError::TimeLimit { limit: budget }),
    };
    let template = Arc::clone(template);
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        template.render(&vctx)
    })
    .await
    .unwrap_or_else(|e| {
        Err(vtl::RenderError::Runtime {
            line: 0,
            column: 0,
            message: format!("the render stopped: {e}"),
        })
    })
}

/// How long a long render waits for a slot when its template has no time budget.
const LONG_RENDER_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The console's session cookie. The gateway and the console share a host by default, so a
/// browser signed in to the console sends it with every gateway request too.
pub const CONSOLE_SESSION_COOKIE: &str = "gatehouse_session";

/// Takes the console's session cookie out of the request's `Cookie` headers, so that no
/// template, parameter mapping, log or backend ever sees it. The caller's other cookies stay;
/// a `Cookie` header with nothing left goes. Without that cookie, this costs one header lookup.
pub fn strip_console_session(headers: &mut http::HeaderMap) {
    let cookie = http::header::COOKIE;
    if !headers
        .get_all(&cookie)
        .iter()
        .any(|v| cookie_pairs(v.as_bytes()).any(is_console_session))
    {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(&cookie)
        .iter()
        .filter_map(|v| {
            let pairs: Vec<&[u8]> = cookie_pairs(v.as_bytes())
                .filter(|p| !p.is_empty() && !is_console_session(p))
                .collect();
            HeaderValue::from_bytes(&pairs.join(&b"; "[..])).ok()
        })
        .filter(|v| !v.is_empty())
        .collect();
    headers.remove(&cookie);
    for v in kept {
        headers.append(&cookie, v);
    }
}

/// The `name=value` pairs of a `Cookie` header value, trimmed.
fn cookie_pairs(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|b| *b == b';').map(<[u8]>::trim_ascii)
}

fn is_console_session(pair: &[u8]) -> bool {
    let name = pair.split(|b| *b == b'=').next().unwrap_or(pair);
    name.trim_ascii() == CONSOLE_SESSION_COOKIE.as_bytes()
}

/// `26/Nov/2026:12:00:00 +0000`: `$context.requestTime` (Common Log Format, UTC).
fn clf_time(epoch: i64) -> Option<String> {
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .ok()?
        .format(time::macros::format_description!(
            "[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000"
        ))
        .ok()
}

/// `String::from_utf8_lossy(bytes)`, checking valid UTF-8 (nearly always) with the faster
/// `str::from_utf8` first: the lossy scan showed in profiles.
fn utf8_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

fn now_epoch() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Runtime {
    /// Serves one invoke request. The request path is `/{restApiId}/{stage}/{resource path}`
    /// (the server strips its own mount prefix first). Every response carries
    /// `x-amzn-RequestId`.
    pub async fn handle<K: KeySource>(&self, req: Request<Bytes>, keys: &K) -> Response<Bytes> {
        self.handle_at(req, keys, now_epoch()).await
    }

    /// [`Runtime::handle`], also saying where the request went and how the authorizer
    /// decided (for the access log and the Stage → Logs page).
    pub async fn serve<K: KeySource>(
        &self,
        req: Request<Bytes>,
        keys: &K,
    ) -> (Response<Bytes>, RequestSummary) {
        self.serve_at(req, keys, now_epoch(), None).await
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

    async fn serve_at<K: KeySource>(
        &self,
        req: Request<Bytes>,
        keys: &K,
        now: i64,
        log: Option<&mut ExecutionLog>,
    ) -> (Response<Bytes>, RequestSummary) {
        let request_id = RequestId::random();
        let mut rec = Recorder::new(log);
        rec.line(|| format!("Starting execution for request: {request_id}"));
        let mut resp = match self.run(req, keys, now, request_id, &mut rec).await {
            Ok(r) => r,
            Err(r) => *r,
        };
        if let Ok(value) = http::HeaderValue::from_str(request_id.as_str()) {
            resp.headers_mut().insert(REQUEST_ID, value);
        }
        if rec.tracing() {
            let traced = TracedResponse {
                status: resp.status().as_u16(),
                headers: header_pairs(resp.headers()),
                body: String::from_utf8_lossy(resp.body()).into_owned(),
            };
            rec.line(|| format!("Method completed with status: {}", traced.status));
            rec.log(|l| l.response = Some(traced));
        }
        rec.finish();
        rec.summary.request_id = request_id;
        (resp, rec.summary)
    }

    async fn run<K: KeySource>(
        &self,
        req: Request<Bytes>,
        keys: &K,
        now: i64,
        request_id: RequestId,
        rec: &mut Recorder<'_>,
    ) -> Phase<Response<Bytes>> {
        let mut ctx = match self.route(req, now, request_id, rec) {
            Ok(ctx) => ctx,
            Err(resp) => {
                rec.line(|| {
                    "No deployed API, stage, resource or method matches the request: 403 Missing Authentication Token".to_owned()
                });
                return Err(resp);
            }
        };
        if rec.tracing() {
            let resource = ctx
                .resource()
                .map(|r| r.path.to_string())
                .unwrap_or_default();
            let method = ctx.method;
            rec.line(|| format!("HTTP Method: {method}, Resource Path: {resource}"));
            let params = aws_map(&ctx.route.params);
            let query = aws_map(&ctx.query);
            let headers = aws_map(ctx.header_pairs());
            let body = String::from_utf8_lossy(&ctx.body).into_owned();
            rec.line(|| format!("Method request path: {params}"));
            rec.line(|| format!("Method request query string: {query}"));
            rec.line(|| format!("Method request headers: {headers}"));
            rec.line(|| format!("Method request body before transformations: {body}"));
        }
        self.authorize(&mut ctx, keys, rec).await?;
        let ireq = integration_request(&ctx, rec).await?;
        match self.integrate(&ctx, &ireq, rec).await? {
            Integrated::Mapped(result) => integration_response(&ctx, &ireq, result, rec).await,
            Integrated::Proxied(resp) => Ok(resp),
        }
    }

    /// Phase 1: find the stage, resource and method; 403 Missing Authentication Token otherwise.
    fn route(
        &self,
        req: Request<Bytes>,
        now: i64,
        request_id: RequestId,
        rec: &mut Recorder<'_>,
    ) -> Phase<RequestCtx> {
        let (parts, body) = req.into_parts();
        let method = HttpMethod::parse(parts.method.as_str())
            .ok()
            .filter(|m| *m != HttpMethod::Any)
            .ok_or_else(|| Box::new(missing_authentication_token()))?;
        let (api, stage_name, rest) = split_invoke_path(parts.uri.path())
            .ok_or_else(|| Box::new(missing_authentication_token()))?;
        let gateway = self.current();
        let stage = gateway
            .stage(api, stage_name)
            .cloned()
            .ok_or_else(|| Box::new(missing_authentication_token()))?;
        rec.summary.stage = Some(Arc::clone(&stage));
        let route = stage
            .routes
            .find(rest, method)
            .ok_or_else(|| Box::new(missing_authentication_token()))?;
        rec.summary.resource = stage
            .resources
            .get(route.resource)
            .map(|r| Arc::clone(&r.path));
        let query = parts
            .uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let mut headers = parts.headers;
        strip_console_session(&mut headers);
        Ok(RequestCtx {
            request_id,
            now,
            method,
            peer: parts.extensions.get::<ClientAddr>().map(|a| a.0),
            source_ip: OnceLock::new(),
            uri: parts.uri,
            headers,
            header_pairs: OnceLock::new(),
            query,
            body,
            stage,
            route,
            claims: Arc::default(),
        })
    }

    /// Phase 2: the method's COGNITO_USER_POOLS authorizer, through the cache.
    async fn authorize<K: KeySource>(
        &self,
        ctx: &mut RequestCtx,
        keys: &K,
        rec: &mut Recorder<'_>,
    ) -> Phase<()> {
        let Some(method) = ctx.method() else {
            return Err(Box::new(missing_authentication_token()));
        };
        // API keys and usage plans do not exist yet, so no request can carry a valid key: fail
        // closed with API Gateway's answer to a missing key, before any authorizer work.
        if method.method.api_key_required {
            tracing::warn!(
                "{}: refused: the method requires an API key, which Gatehouse does not support \
                 yet (turn off \"API key required\")",
                ctx.describe()
            );
            rec.line(|| {
                "API key required: Gatehouse has no API keys yet: refused (403)".to_owned()
            });
            rec.summary.auth = AuthOutcome::Denied {
                reason: "API key required, and Gatehouse has no API keys".to_owned(),
            };
            return Err(Box::new(forbidden()));
        }
        // AWS_IAM and CUSTOM are stored (imported) but cannot be enforced here: fail closed,
        // answering as AWS does to a request without a signature / that its authorizer refuses.
        if !method.method.authorization_type.is_enforceable() {
            let kind = method.method.authorization_type;
            tracing::warn!(
                "{}: refused: the method's authorization type {kind} is not supported by \
                 Gatehouse (change it to NONE or COGNITO_USER_POOLS)",
                ctx.describe()
            );
            rec.line(|| format!("Authorization: {kind} is not supported by Gatehouse: refused"));
            rec.summary.auth = AuthOutcome::Denied {
                reason: format!("authorization type {kind} is not supported by Gatehouse"),
            };
            return Err(Box::new(if kind == AuthorizationType::AwsIam {
                missing_authentication_token()
            } else {
                gateway_error(401, "Unauthorized", UNAUTHORIZED)
            }));
        }
        if method.method.authorization_type != AuthorizationType::CognitoUserPools {
            let kind = method.method.authorization_type;
            rec.line(|| format!("Authorization: {kind} (no authorizer runs)"));
            return Ok(());
        }
        // The stage is shared: borrow the method and authorizer from it instead of cloning them.
        let stage = Arc::clone(&ctx.stage);
        let Some(method) = stage
            .resources
            .get(ctx.route.resource)
            .and_then(|r| r.method_for(ctx.method))
        else {
            return Err(Box::new(missing_authentication_token()));
        };
        let scopes = &method.method.authorization_scopes;
        let authorizer = method
            .method
            .authorizer_id
            .as_deref()
            .and_then(|id| stage.snapshot.authorizer(id));
        let Some(authorizer) = authorizer else {
            tracing::error!(
                "{}: method uses COGNITO_USER_POOLS but its authorizer is not in the deployment",
                ctx.describe()
            );
            rec.line(|| {
                "Execution failed: the method's authorizer is not in the deployment".to_owned()
            });
            return Err(Box::new(internal_error()));
        };
        // The first value, as `authorize` reads it: the cache key is the token it verified.
        let token = authorizer
            .identity_header()
            .and_then(|name| ctx.headers.get(name))
            .and_then(|v| std::str::from_utf8(v.as_bytes()).ok());
        let joined_scopes = scopes.join(" ");
        let key = token.map(|token| CacheKeyRef {
            api: &stage.rest_api_id,
            deployment: &stage.snapshot.deployment_id,
            authorizer: &authorizer.id,
            scopes: &joined_scopes,
            token,
        });
        let allowed = match key.and_then(|k| self.cache.get(k, ctx.now)) {
            Some(allowed) => {
                rec.summary.auth = AuthOutcome::Allowed {
                    principal: allowed.principal.clone(),
                    cached: true,
                };
                if rec.tracing() {
                    let name = authorizer.name.clone();
                    rec.line(|| format!("Authorizer {name}: allowed (cached result)"));
                    rec.log(|l| {
                        l.authorizer = Some(TracedAuthorizer {
                            authorizer_id: authorizer.id.clone(),
                            authorizer_name: authorizer.name.clone(),
                            outcome: None,
                            claims: Vec::new(),
                        })
                    });
                }
                allowed
            }
            None => {
                let pools = match token {
                    Some(token) => keys.pools_for(authorizer, token).await,
                    None => Arc::default(),
                };
                let outcome = authorize(&AuthorizerInput {
                    authorizer,
                    method_scopes: scopes,
                    headers: ctx.header_pairs(),
                    pools: &pools,
                    now: ctx.now,
                });
                let seconds =
                    outcome.cache_seconds(authorizer.authorizer_result_ttl_in_seconds, ctx.now);
                if rec.tracing() {
                    let name = authorizer.name.clone();
                    let verdict = match outcome.failed_step() {
                        None => format!("allowed, {} checks passed", outcome.trace.len()),
                        Some(step) => {
                            format!("denied at “{}”: {}", step.check.title(), step.detail)
                        }
                    };
                    rec.line(|| format!("Authorizer {name}: {verdict}"));
                    rec.log(|l| {
                        l.authorizer = Some(TracedAuthorizer {
                            authorizer_id: authorizer.id.clone(),
                            authorizer_name: authorizer.name.clone(),
                            outcome: Some(outcome.clone()),
                            claims: Vec::new(),
                        })
                    });
                }
                match outcome.decision {
                    Decision::Allow { claims } => {
                        let allowed = Arc::new(AllowedClaims {
                            principal: claims_sub(&claims),
                            claims: stringified(claims),
                        });
                        if let Some(key) = key
                            && seconds > 0
                        {
                            self.cache
                                .put(key, ctx.now + seconds, Arc::clone(&allowed), ctx.now);
                        }
                        rec.summary.auth = AuthOutcome::Allowed {
                            principal: allowed.principal.clone(),
                            cached: false,
                        };
                        allowed
                    }
                    Decision::Deny { status, message } => {
                        let detail = outcome
                            .trace
                            .last()
                            .map(|s| format!("{}: {}", s.check.code(), s.detail))
                            .unwrap_or_default();
                        tracing::info!("{}: authorizer denied: {detail}", ctx.describe());
                        rec.summary.auth = AuthOutcome::Denied { reason: detail };
                        return Err(Box::new(gateway_error(status, &message, UNAUTHORIZED)));
                    }
                }
            }
        };
        ctx.claims = Arc::clone(&allowed.claims);
        if rec.tracing() {
            let claims = ctx.claims.to_vec();
            rec.log(|l| {
                if let Some(a) = l.authorizer.as_mut() {
                    a.claims = claims;
                }
            });
        }
        Ok(())
    }
}

/// Claims as `$context.authorizer.claims` shows them: strings as they are, anything else as
/// JSON.
fn stringified(claims: Map<String, Value>) -> Arc<[(String, String)]> {
    claims
        .into_iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, s)
        })
        .collect()
}

/// Pairs as API Gateway's execution log prints them: `{name=value, other=value}`.
fn aws_map(pairs: &[(String, String)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// The `sub` claim: the principal of the access log and the Logs page, only ever taken from
/// claims the authorizer verified.
fn claims_sub(claims: &Map<String, Value>) -> Option<Arc<str>> {
    claims.get("sub").and_then(Value::as_str).map(Arc::from)
}

/// What the integration receives after the integration-request phase.
#[derive(Debug)]
pub struct IntegrationRequest {
    /// The rendered (or passed-through) body.
    pub body: String,
    /// Overrides assigned by the request template.
    pub overrides: vtl::Overrides,
}

/// What to do with a request body (reference §1.4, passthrough truth table).
#[derive(Debug)]
pub enum TemplateChoice<'t> {
    Transform(&'t Arc<vtl::Template>),
    Passthrough,
    /// 415 Unsupported Media Type.
    Refuse,
}

/// Picks the request template for a content type (only the MIME type counts; none means
/// `application/json`), applying the passthrough behavior when none matches.
pub fn select_request_template<'t>(
    templates: &'t Templates,
    content_type: Option<&str>,
    behavior: PassthroughBehavior,
) -> TemplateChoice<'t> {
    let wanted = content_type
        .map(mime)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "application/json".to_owned());
    if let Some((_, t)) = templates.iter().find(|(ct, _)| *ct == wanted) {
        return TemplateChoice::Transform(t);
    }
    match behavior {
        PassthroughBehavior::WhenNoMatch => TemplateChoice::Passthrough,
        PassthroughBehavior::WhenNoTemplates if templates.is_empty() => TemplateChoice::Passthrough,
        _ => TemplateChoice::Refuse,
    }
}

/// Phase 3: template selection, passthrough (415) and rendering.
async fn integration_request(
    ctx: &RequestCtx,
    rec: &mut Recorder<'_>,
) -> Phase<IntegrationRequest> {
    let Some(method) = ctx.method() else {
        return Err(Box::new(missing_authentication_token()));
    };
    if !method.errors.is_empty() {
        tracing::error!(
            "{}: method configuration errors: {}",
            ctx.describe(),
            method.errors.join("; ")
        );
        rec.line(|| {
            format!(
                "Execution failed due to configuration errors: {}",
                method.errors.join("; ")
            )
        });
        return Err(Box::new(internal_error()));
    }
    let Some(integration) = method.integration() else {
        tracing::error!("{}: no integration defined for method", ctx.describe());
        rec.line(|| "Execution failed: the method has no integration".to_owned());
        return Err(Box::new(internal_error()));
    };
    if integration.kind.is_proxy() {
        // The body goes to the backend as received (`ctx.body`), bytes and all.
        return Ok(IntegrationRequest {
            body: String::new(),
            overrides: vtl::Overrides::default(),
        });
    }
    let raw = utf8_lossy(&ctx.body);
    let template = match select_request_template(
        &method.request_templates,
        ctx.header_value("content-type"),
        integration.passthrough_behavior,
    ) {
        TemplateChoice::Transform(t) => t,
        TemplateChoice::Passthrough => {
            rec.line(|| "No request template matches: the body passes through".to_owned());
            return Ok(IntegrationRequest {
                body: raw.into_owned(),
                overrides: vtl::Overrides::default(),
            });
        }
        TemplateChoice::Refuse => {
            let behavior = integration.passthrough_behavior;
            rec.line(|| {
                format!(
                    "No request template matches the content type and passthrough is {behavior}: 415 Unsupported Media Type"
                )
            });
            return Err(Box::new(unsupported_media_type()));
        }
    };
    if let Some(text) = plain_text(template) {
        return Ok(IntegrationRequest {
            body: text.to_owned(),
            overrides: vtl::Overrides::default(),
        });
    }
    match ctx.render(template, &raw, vtl::Overrides::default()).await {
        Ok(rendered) => Ok(IntegrationRequest {
            body: rendered.body,
            overrides: rendered.overrides,
        }),
        Err(e) => {
            tracing::error!("{}: request template failed: {e}", ctx.describe());
            rec.line(|| format!("Execution failed: the request template failed: {e}"));
            Err(Box::new(internal_error()))
        }
    }
}

/// What the integration returned.
#[derive(Debug, Clone, Default)]
pub struct IntegrationResult {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the integration phase produced.
#[derive(Debug)]
pub enum Integrated {
    /// Goes through the integration-response phase (MOCK, HTTP).
    Mapped(IntegrationResult),
    /// Returned as it is (HTTP_PROXY).
    Proxied(Response<Bytes>),
}

impl Runtime {
    /// Phase 4: call the integration.
    async fn integrate(
        &self,
        ctx: &RequestCtx,
        ireq: &IntegrationRequest,
        rec: &mut Recorder<'_>,
    ) -> Phase<Integrated> {
        let Some(integration) = ctx.method().and_then(CompiledMethod::integration) else {
            return Err(Box::new(internal_error()));
        };
        match integration.kind {
            IntegrationType::Mock => match mock_status(&ireq.body) {
                Some(status) => {
                    if rec.tracing() {
                        let body = ireq.body.clone();
                        rec.line(|| format!("Endpoint request body after transformations: {body}"));
                        rec.line(|| format!("MOCK integration: status {status}"));
                        rec.log(|l| {
                            l.integration_request = Some(TracedRequest {
                                integration: "MOCK".to_owned(),
                                body,
                                ..TracedRequest::default()
                            });
                            l.integration_response = Some(TracedResponse {
                                status,
                                ..TracedResponse::default()
                            });
                        });
                    }
                    Ok(Integrated::Mapped(IntegrationResult {
                        status,
                        headers: Vec::new(),
                        body: String::new(),
                    }))
                }
                None => {
                    let body = ireq.body.clone();
                    rec.line(|| {
                        format!(
                            "Execution failed: MOCK integration: Unable to parse statusCode from the request template output: {body}"
                        )
                    });
                    tracing::error!(
                        "{}: MOCK integration: Unable to parse statusCode from the request template output",
                        ctx.describe()
                    );
                    Err(Box::new(internal_error()))
                }
            },
            IntegrationType::Http | IntegrationType::HttpProxy => {
                let outbound = match build_request(ctx, integration, ireq) {
                    Ok(o) => o,
                    Err(BuildError::Config(e)) => {
                        tracing::error!("{}: {e}", ctx.describe());
                        rec.line(|| format!("Execution failed due to configuration error: {e}"));
                        return Err(Box::new(internal_error()));
                    }
                    Err(BuildError::DotSegment(DotSegment { name })) => {
                        tracing::info!(
                            "{}: refused: path value {{{name}}} has a . or .. segment",
                            ctx.describe()
                        );
                        rec.line(|| {
                            format!(
                                "Refused: the value of path placeholder {{{name}}} has a . or .. segment (400)"
                            )
                        });
                        return Err(Box::new(invalid_path_parameter()));
                    }
                };
                if rec.tracing() {
                    let traced = TracedRequest {
                        integration: integration.kind.to_string(),
                        method: outbound.method.to_string(),
                        uri: outbound.uri.to_string(),
                        headers: header_pairs(&outbound.headers),
                        body: String::from_utf8_lossy(&outbound.body).into_owned(),
                    };
                    rec.line(|| format!("Endpoint request URI: {} {}", traced.method, traced.uri));
                    rec.line(|| format!("Endpoint request headers: {}", aws_map(&traced.headers)));
                    rec.line(|| {
                        format!(
                            "Endpoint request body after transformations: {}",
                            traced.body
                        )
                    });
                    rec.log(|l| l.integration_request = Some(traced));
                }
                let sent = rec.tracing().then(std::time::Instant::now);
                let inbound = match send(
                    &self.client,
                    ctx,
                    &outbound,
                    integration.timeout_in_millis,
                )
                .await
                {
                    Ok(i) => i,
                    Err(resp) => {
                        let status = resp.status().as_u16();
                        rec.line(|| {
                                format!(
                                    "Execution failed: the endpoint request failed or timed out ({status})"
                                )
                            });
                        return Err(resp);
                    }
                };
                if rec.tracing() {
                    let traced = TracedResponse {
                        status: inbound.status,
                        headers: header_pairs(&inbound.headers),
                        body: String::from_utf8_lossy(&inbound.body).into_owned(),
                    };
                    let ms = sent.map_or(0.0, |s| s.elapsed().as_secs_f64() * 1000.0);
                    rec.line(|| {
                        format!(
                            "Received response. Status: {}, Integration latency: {ms:.1} ms",
                            traced.status
                        )
                    });
                    rec.line(|| {
                        format!(
                            "Endpoint response body before transformations: {}",
                            traced.body
                        )
                    });
                    rec.log(|l| l.integration_response = Some(traced));
                }
                if integration.kind == IntegrationType::Http {
                    return Ok(Integrated::Mapped(IntegrationResult {
                        status: inbound.status,
                        headers: header_pairs(&inbound.headers),
                        body: utf8_lossy(&inbound.body).into_owned(),
                    }));
                }
                Ok(Integrated::Proxied(proxy_response(inbound)))
            }
            other => {
                tracing::error!(
                    "{}: {other} integrations cannot run on this gateway",
                    ctx.describe()
                );
                Err(Box::new(internal_error()))
            }
        }
    }
}

/// The template's text when it has no references or directives (no `$`, no `#`): its own
/// output, so no template context is built for it (MOCK's `{"statusCode": 200}`).
fn plain_text(template: &vtl::Template) -> Option<&str> {
    let source = template.source();
    (!source.contains(['$', '#'])).then_some(source)
}

/// The `statusCode` of a MOCK request template's output, read leniently (`{statusCode: 200}`,
/// `{"statusCode": "200"}` and `{'statusCode': 200}` all work).
pub fn mock_status(body: &str) -> Option<u16> {
    let at = body.find("statusCode")?;
    let rest = body[at + "statusCode".len()..].trim_start_matches(['"', '\'']);
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Chooses the integration response for a selection value (reference §1.5): the first whose
/// pattern matches the whole value, else the default.
pub fn select_integration_response<'r>(
    responses: &'r [CompiledIntegrationResponse],
    selection_value: &str,
) -> Option<&'r CompiledIntegrationResponse> {
    responses
        .iter()
        .find(|r| {
            r.pattern
                .as_ref()
                .is_some_and(|p| p.is_match(selection_value))
        })
        .or_else(|| {
            responses.iter().find(|r| {
                r.response
                    .selection_pattern
                    .as_deref()
                    .is_none_or(str::is_empty)
            })
        })
}

/// Picks the response template for an `Accept` header: exact match on the first type, then
/// `application/json`, then the first template.
pub fn select_response_template<'t>(
    templates: &'t Templates,
    accept: Option<&str>,
) -> Option<&'t (String, Arc<vtl::Template>)> {
    let wanted = accept
        .and_then(|a| a.split(',').next())
        .map(mime)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "application/json".to_owned());
    templates
        .iter()
        .find(|(ct, _)| *ct == wanted)
        .or_else(|| templates.iter().find(|(ct, _)| ct == "application/json"))
        .or_else(|| templates.first())
}

/// Phases 5 and 6: integration response (selection, template, parameters, overrides) and
/// method response headers.
async fn integration_response(
    ctx: &RequestCtx,
    ireq: &IntegrationRequest,
    result: IntegrationResult,
    rec: &mut Recorder<'_>,
) -> Phase<Response<Bytes>> {
    let Some(method) = ctx.method() else {
        return Err(Box::new(internal_error()));
    };
    let selection = result.status.to_string();
    let Some(chosen) = select_integration_response(&method.responses, &selection) else {
        tracing::error!(
            "{}: No match for output mapping and no default output mapping configured (integration status {selection})",
            ctx.describe()
        );
        rec.line(|| {
            format!(
                "Execution failed: no integration response matches status {selection} and there is no default"
            )
        });
        return Err(Box::new(internal_error()));
    };
    rec.line(|| {
        format!(
            "Integration response selected: {} (selection value {selection})",
            chosen.response.status_code
        )
    });
    let status_code = &chosen.response.status_code;
    let Some(method_response) = method.method.method_responses.get(status_code) else {
        tracing::error!(
            "{}: integration response {status_code} has no method response",
            ctx.describe()
        );
        rec.line(|| {
            format!("Execution failed: integration response {status_code} has no method response")
        });
        return Err(Box::new(internal_error()));
    };
    let mut status: u16 = status_code.parse().unwrap_or(500);
    let mut content_type = "application/json";
    let mut overrides = ireq.overrides.clone();
    let body = match select_response_template(&chosen.templates, ctx.header_value("accept")) {
        Some((ct, template)) if plain_text(template).is_some() => {
            content_type = ct;
            template.source().to_owned()
        }
        Some((ct, template)) => {
            content_type = ct;
            match ctx.render(template, &result.body, overrides).await {
                Ok(rendered) => {
                    overrides = rendered.overrides;
                    rendered.body
                }
                Err(e) => {
                    tracing::error!("{}: response template failed: {e}", ctx.describe());
                    rec.line(|| format!("Execution failed: the response template failed: {e}"));
                    return Err(Box::new(internal_error()));
                }
            }
        }
        None => result.body.clone(),
    };
    if rec.tracing() {
        let body = body.clone();
        rec.line(|| format!("Method response body after transformations: {body}"));
    }
    let mut resp = response(status, body);
    let content_type = if content_type == "application/json" {
        Ok(HeaderValue::from_static("application/json"))
    } else {
        HeaderValue::from_str(content_type)
    };
    if let Ok(value) = content_type {
        resp.headers_mut().insert(CONTENT_TYPE, value);
    }

    // Response parameters, limited to the headers the method response declares.
    for (target, source) in &chosen.response.response_parameters {
        let Some(name) = target.strip_prefix("method.response.header.") else {
            continue;
        };
        let declared = method_response
            .response_parameters
            .keys()
            .any(|k| k.eq_ignore_ascii_case(target));
        if !declared {
            tracing::warn!(
                "{}: response parameter {target} is not declared by method response {status_code}",
                ctx.describe()
            );
            continue;
        }
        if let Some(value) = response_parameter_value(ctx, &result, source) {
            set_header(&mut resp, name, &value);
        }
    }

    // Overrides are final.
    let response_override = &overrides.response;
    if let Some(s) = response_override.status {
        status = s;
        *resp.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    }
    for (name, values) in &response_override.header {
        if let Ok(n) = http::HeaderName::from_bytes(name.as_bytes()) {
            resp.headers_mut().remove(n);
        }
        for v in values {
            append_header(&mut resp, name, v);
        }
    }
    Ok(resp)
}

/// The value of a `responseParameters` source expression.
fn response_parameter_value(
    ctx: &RequestCtx,
    result: &IntegrationResult,
    source: &str,
) -> Option<String> {
    if let Some(s) = source.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(s.to_owned());
    }
    if let Some(name) = source.strip_prefix("integration.response.header.") {
        return result
            .headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone());
    }
    if let Some(name) = source.strip_prefix("integration.response.multivalueheader.") {
        let values: Vec<&str> = result
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        return (!values.is_empty()).then(|| values.join(","));
    }
    if source == "integration.response.body" {
        return Some(result.body.clone());
    }
    if let Some(path) = source.strip_prefix("integration.response.body.") {
        let json: Value = serde_json::from_str(&result.body).ok()?;
        let mut at = &json;
        for part in path.split('.') {
            at = at.get(part)?;
        }
        return Some(match at {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    }
    if let Some(name) = source.strip_prefix("stageVariables.") {
        return ctx.stage.variables.get(name).cloned();
    }
    if let Some(claim) = source.strip_prefix("context.authorizer.claims.") {
        return ctx.claim(claim).map(str::to_owned);
    }
    ctx.context_value(source.strip_prefix("context.")?)
        .map(Cow::into_owned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use apis::model::IntegrationResponse;

    use super::*;
    use crate::snapshot::compile_method;

    fn templates(types: &[&str]) -> Templates {
        types
            .iter()
            .map(|t| ((*t).to_owned(), Arc::new(vtl::Template::parse(t).unwrap())))
            .collect()
    }

    fn responses(specs: &[(&str, Option<&str>)]) -> Vec<CompiledIntegrationResponse> {
        let integration = apis::model::Integration {
            kind: IntegrationType::Mock,
            http_method: None,
            uri: None,
            request_parameters: BTreeMap::new(),
            request_templates: BTreeMap::new(),
            passthrough_behavior: PassthroughBehavior::WhenNoMatch,
            timeout_in_millis: 29_000,
            integration_responses: specs
                .iter()
                .map(|(status, pattern)| {
                    (
                        (*status).to_owned(),
                        IntegrationResponse {
                            status_code: (*status).to_owned(),
                            selection_pattern: pattern.map(str::to_owned),
                            response_parameters: BTreeMap::new(),
                            response_templates: BTreeMap::new(),
                        },
                    )
                })
                .collect(),
            version: 1,
        };
        let method = apis::model::Method {
            http_method: HttpMethod::Get,
            authorization_type: AuthorizationType::None,
            authorizer_id: None,
            authorization_scopes: Vec::new(),
            api_key_required: false,
            request_parameters: BTreeMap::new(),
            method_responses: BTreeMap::new(),
            method_integration: Some(integration),
            version: 1,
        };
        compile_method(&method).responses
    }

    fn chosen(rs: &[CompiledIntegrationResponse], value: &str) -> Option<String> {
        select_integration_response(rs, value).map(|r| r.response.status_code.clone())
    }

    #[test]
    fn selection_pattern_full_match_and_default() {
        let rs = responses(&[("200", None), ("400", Some(r"4\d{2}"))]);
        assert_eq!(chosen(&rs, "404").as_deref(), Some("400"));
        assert_eq!(chosen(&rs, "201").as_deref(), Some("200"));
        assert_eq!(chosen(&rs, "4041").as_deref(), Some("200"));
    }

    #[test]
    fn selection_pattern_is_a_whole_string_match() {
        let rs = responses(&[("500", Some("Invalid*")), ("200", Some(""))]);
        assert_eq!(chosen(&rs, "Invalid input").as_deref(), Some("200"));
        assert_eq!(chosen(&rs, "Invaliddd").as_deref(), Some("500"));
    }

    #[test]
    fn no_match_and_no_default_is_none() {
        let rs = responses(&[("400", Some(r"4\d{2}"))]);
        assert_eq!(chosen(&rs, "200"), None);
    }

    #[test]
    fn dot_star_acts_as_default() {
        let rs = responses(&[("202", Some(".*"))]);
        assert_eq!(chosen(&rs, "200").as_deref(), Some("202"));
    }

    #[test]
    fn passthrough_truth_table() {
        use PassthroughBehavior::*;
        let json = templates(&["application/json"]);
        let xml = templates(&["application/xml"]);
        let none = templates(&[]);
        let transform = |t: &Templates, ct: Option<&str>, b| {
            matches!(
                select_request_template(t, ct, b),
                TemplateChoice::Transform(_)
            )
        };
        let pass = |t: &Templates, ct: Option<&str>, b| {
            matches!(
                select_request_template(t, ct, b),
                TemplateChoice::Passthrough
            )
        };
        let refuse = |t: &Templates, ct: Option<&str>, b| {
            matches!(select_request_template(t, ct, b), TemplateChoice::Refuse)
        };
        for b in [WhenNoMatch, WhenNoTemplates, Never] {
            assert!(transform(&json, None, b));
            assert!(transform(&json, Some("application/json; charset=UTF-8"), b));
            assert!(transform(&xml, Some("application/xml"), b));
        }
        assert!(pass(&json, Some("application/xml"), WhenNoMatch));
        assert!(refuse(&json, Some("application/xml"), WhenNoTemplates));
        assert!(refuse(&json, Some("application/xml"), Never));
        assert!(pass(&xml, None, WhenNoMatch));
        assert!(refuse(&xml, Some("application/json"), WhenNoTemplates));
        assert!(refuse(&xml, None, Never));
        assert!(pass(&none, Some("text/plain"), WhenNoMatch));
        assert!(pass(&none, Some("text/plain"), WhenNoTemplates));
        assert!(refuse(&none, Some("text/plain"), Never));
    }

    #[test]
    fn response_template_by_accept() {
        let t = templates(&["application/xml", "text/html"]);
        let pick = |accept| select_response_template(&t, accept).map(|(ct, _)| ct.as_str());
        assert_eq!(pick(Some("text/html")), Some("text/html"));
        assert_eq!(pick(Some("text/plain")), Some("application/xml"));
        assert_eq!(pick(Some("text/html, application/xml")), Some("text/html"));
        let t = templates(&["application/json", "application/xml"]);
        let pick = |accept| select_response_template(&t, accept).map(|(ct, _)| ct.as_str());
        assert_eq!(pick(None), Some("application/json"));
        assert_eq!(pick(Some("image/png")), Some("application/json"));
        assert_eq!(pick(Some("application/xml;q=0.9")), Some("application/xml"));
        assert!(select_response_template(&templates(&[]), None).is_none());
    }

    fn key(token: &str) -> CacheKeyRef<'_> {
        CacheKeyRef {
            api: "api",
            deployment: "dep",
            authorizer: "auth",
            scopes: "",
            token,
        }
    }

    fn allowed(sub: &str) -> Arc<AllowedClaims> {
        Arc::new(AllowedClaims {
            claims: vec![("sub".to_owned(), sub.to_owned())].into(),
            principal: Some(sub.into()),
        })
    }

    fn held_bytes(cache: &AuthorizerCache) -> usize {
        let e = cache.entries.lock().unwrap();
        e.map.values().map(|v| v.size).sum()
    }

    #[test]
    fn authorizer_cache_stays_within_its_entry_bound() {
        let cache = AuthorizerCache::with_bounds(CacheBounds {
            max_entries: 8,
            max_bytes: 1 << 20,
        });
        for i in 0..1000 {
            let token = format!("token-{i}");
            cache.put(key(&token), 100, allowed(&token), 0);
            let (entries, bytes) = cache.usage();
            assert!(entries <= 8, "{entries} entries after {i}");
            assert_eq!(bytes, held_bytes(&cache));
            // The entry just verified is always there.
            assert!(cache.get(key(&token), 0).is_some());
        }
    }

    #[test]
    fn authorizer_cache_stays_within_its_byte_bound() {
        let max_bytes = 20_000;
        let cache = AuthorizerCache::with_bounds(CacheBounds {
            max_entries: 10_000,
            max_bytes,
        });
        for i in 0..500 {
            let token = format!("{i:04}{}", "t".repeat(1000));
            cache.put(key(&token), 100, allowed("someone"), 0);
            let (entries, bytes) = cache.usage();
            assert!(bytes <= max_bytes, "{bytes} bytes in {entries} entries");
            assert_eq!(bytes, held_bytes(&cache));
            assert!(cache.get(key(&token), 0).is_some());
        }
        // An entry larger than the whole budget is not kept at all.
        let huge = "t".repeat(max_bytes);
        cache.put(key(&huge), 100, allowed("someone"), 0);
        assert!(cache.get(key(&huge), 0).is_none());
        assert!(cache.usage().1 <= max_bytes);
    }

    #[test]
    fn authorizer_cache_drops_stale_entries_before_live_ones() {
        let cache = AuthorizerCache::with_bounds(CacheBounds {
            max_entries: 4,
            max_bytes: 1 << 20,
        });
        cache.put(key("stale-1"), 5, allowed("a"), 0);
        cache.put(key("stale-2"), 5, allowed("a"), 0);
        cache.put(key("live-1"), 100, allowed("a"), 0);
        cache.put(key("live-2"), 100, allowed("a"), 0);
        // Full: the next insert (at t = 10) only needs the stale ones' room.
        cache.put(key("live-3"), 100, allowed("a"), 10);
        assert_eq!(cache.usage().0, 3);
        for live in ["live-1", "live-2", "live-3"] {
            assert!(cache.get(key(live), 10).is_some(), "{live}");
        }
        // The same key again replaces its entry and its byte count.
        let before = cache.usage();
        cache.put(key("live-3"), 200, allowed("a"), 10);
        assert_eq!(cache.usage(), before);
    }

    #[test]
    fn the_console_session_cookie_is_taken_out_and_nothing_else() {
        let strip = |values: &[&str]| {
            let mut h = http::HeaderMap::new();
            for v in values {
                h.append(http::header::COOKIE, HeaderValue::from_str(v).unwrap());
            }
            strip_console_session(&mut h);
            h.get_all(http::header::COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&["a=1; gatehouse_session=s3cr3t; b=2"]), ["a=1; b=2"]);
        assert_eq!(strip(&["gatehouse_session=s3cr3t"]), Vec::<String>::new());
        assert_eq!(
            strip(&["gatehouse_session=x", "theirs=1;gatehouse_session =y"]),
            ["theirs=1"]
        );
        // Look-alikes are the caller's own cookies.
        assert_eq!(
            strip(&["gatehouse_session2=1; my_gatehouse_session=2"]),
            ["gatehouse_session2=1; my_gatehouse_session=2"]
        );
        assert_eq!(strip(&[]), Vec::<String>::new());
    }

    #[test]
    fn mock_status_is_lenient() {
        assert_eq!(mock_status(r#"{"statusCode": 200}"#), Some(200));
        assert_eq!(mock_status("{statusCode: 404}"), Some(404));
        assert_eq!(mock_status(r#"{"statusCode": "201"}"#), Some(201));
        assert_eq!(mock_status("{'statusCode':500}"), Some(500));
        assert_eq!(mock_status(r#"{"statusCode": }"#), None);
        assert_eq!(mock_status("{}"), None);
        assert_eq!(mock_status(""), None);
    }
}
