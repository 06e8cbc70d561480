//! Where an authorizer's public keys come from: [`KeyResolver::resolve`] turns its
//! `providerARNs` into the [`PoolKeys`] that [`crate::authorize`] takes.
//!
//! * A pool that exists in the embedded identity provider (its ARN, or its issuer URL under the
//!   embedded issuer base) gets its keys from the caller, through [`EmbeddedPools`] (this
//!   crate does not know the identity provider).
//! * Any other pool (an ARN of a pool that does not exist here, i.e. an AWS pool, or another
//!   issuer URL) has its JWKS fetched over HTTP(S) from `{issuer}/.well-known/jwks.json`. The
//!   keys are cached in memory per JWKS URL and fetched again when a token names a key id none
//!   of the pools has (a rotation), at most once per [`REFETCH_INTERVAL`] per URL, and when
//!   they are older than [`MAX_KEY_AGE`]. Concurrent callers wait for one fetch.
//!
//! Nothing here fails: a provider that cannot be read (bad entry, unreachable JWKS, a pool that
//! no longer exists) is left out of the result and explained in [`ResolvedKeys::warnings`],
//! for the console's test tool and the gateway's log. The authorizer then denies tokens of
//! that pool ("no keys are available" / "not in pool ...").

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::authorizer::{PoolKeys, PublicKey};
use crate::provider::{ProviderKind, provider_to_pool};

/// The least time between two fetches of one JWKS (after the first).
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(60);
/// Fetched keys are fetched again once they are this old, so a key a provider removed stops
/// verifying tokens (if the fetch fails, the old keys stay in use, with a warning).
pub const MAX_KEY_AGE: Duration = Duration::from_secs(3600);
/// How long one JWKS fetch may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest JWKS document accepted.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

/// A pool of the embedded identity provider: its `iss` and published keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedPool {
    pub issuer: String,
    pub keys: Vec<PublicKey>,
}

/// What the embedded identity provider says of one pool id: its issuer and published keys;
/// `Ok(None)` when no pool with this id exists here; `Err` (a sentence) when its keys could not
/// be read.
pub type EmbeddedFuture =
    Pin<Box<dyn Future<Output = Result<Option<EmbeddedPool>, String>> + Send>>;

type EmbeddedLookup = dyn Fn(&str) -> EmbeddedFuture + Send + Sync;

/// The embedded identity provider, as the resolver sees it: a lookup from pool id to
/// [`EmbeddedFuture`], handed in by the binary that knows the identity provider (this crate
/// does not).
#[derive(Clone)]
pub struct EmbeddedPools(Option<Arc<EmbeddedLookup>>);

impl EmbeddedPools {
    pub fn new(lookup: impl Fn(&str) -> EmbeddedFuture + Send + Sync + 'static) -> EmbeddedPools {
        EmbeddedPools(Some(Arc::new(lookup)))
    }

    /// No embedded identity provider: every pool ARN names an AWS pool.
    pub fn none() -> EmbeddedPools {
        EmbeddedPools(None)
    }

    async fn pool_keys(&self, pool_id: &str) -> Result<Option<EmbeddedPool>, String> {
        match &self.0 {
            Some(lookup) => lookup(pool_id).await,
            None => Ok(None),
        }
    }
}

impl fmt::Debug for EmbeddedPools {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "EmbeddedPools(..)"
        } else {
            "EmbeddedPools::none()"
        })
    }
}

/// Where a provider's keys came from this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    /// A pool of the embedded identity provider.
    Embedded,
    /// Fetched from the JWKS URL during this call.
    Fetched,
    /// From the in-memory cache of an earlier fetch.
    Cached,
    /// None: see the warnings.
    Unavailable,
}

/// How one `providerARNs` entry was resolved (for showing in the console).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSource {
    /// The entry as configured.
    pub provider: String,
    /// Empty when the entry could not be parsed.
    pub pool_id: String,
    pub origin: KeyOrigin,
    /// Where fetched keys come from (empty for embedded pools and bad entries).
    pub jwks_url: String,
    pub kids: Vec<String>,
    /// How long ago the keys in use were fetched (fetched and cached keys).
    pub age_seconds: Option<u64>,
}

/// The keys of an authorizer's pools, and what went wrong on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedKeys {
    /// For [`crate::AuthorizerInput::pools`]: the pools that have keys, in `providerARNs` order.
    pub pools: Vec<PoolKeys>,
    /// One per provider, in `providerARNs` order.
    pub sources: Vec<ProviderSource>,
    /// Plain sentences, e.g. `could not fetch the JWKS of pool eu-west-1_Abc
    /// (https://…/.well-known/jwks.json): HTTP 404 Not Found`.
    pub warnings: Vec<String>,
}

/// The `kid` in the header of the token in an identity-source value (with or without a
/// `Bearer ` prefix); `None` when it is not a JWT with a kid. Not verified: only used to decide
/// whether the cached keys might be out of date.
pub fn token_kid(value: &str) -> Option<String> {
    let value = value.trim();
    let token = match value.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => value[7..].trim_start(),
        _ => value,
    };
    let header = token.split('.').next()?;
    let bytes = URL_SAFE_NO_PAD.decode(header.trim_end_matches('=')).ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()? {
        Value::Object(map) => map.get("kid")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Reads a JWKS document (`{"keys": [...]}`): its RSA signing keys.
pub fn parse_jwks(body: &[u8]) -> Result<Vec<PublicKey>, String> {
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| format!("the response is not JSON ({e}), so not a JWKS"))?;
    let Some(keys) = doc.get("keys").and_then(Value::as_array) else {
        return Err("the response is JSON but not a JWKS (no \"keys\" array)".to_owned());
    };
    let text = |k: &Value, name: &str| k.get(name).and_then(Value::as_str).map(str::to_owned);
    let keys: Vec<PublicKey> = keys
        .iter()
        .filter(|k| text(k, "kty").as_deref() == Some("RSA"))
        .filter(|k| text(k, "use").is_none_or(|u| u == "sig"))
        .filter_map(|k| {
            Some(PublicKey {
                kid: text(k, "kid")?,
                n: text(k, "n")?,
                e: text(k, "e")?,
            })
        })
        .collect();
    if keys.is_empty() {
        return Err("the JWKS has no RSA signing keys with a kid".to_owned());
    }
    Ok(keys)
}

/// An error and its causes on one line (reqwest's own message omits "connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The cache entry of one JWKS URL.
#[derive(Default)]
struct JwksEntry {
    /// The keys of the last successful fetch, and when it was.
    keys: Option<(Vec<PublicKey>, Instant)>,
    /// When the last fetch (successful or not) started.
    last_attempt: Option<Instant>,
    /// Why the last fetch failed (cleared by a success).
    last_error: Option<String>,
}

/// Resolves authorizers' keys; holds the JWKS cache. One per process, inside the process's
/// [`crate::AuthorizerKeys`].
pub struct KeyResolver {
    embedded_issuer_base: String,
    client: reqwest::Client,
    refetch_interval: Duration,
    max_age: Duration,
    cache: Mutex<HashMap<String, Arc<tokio::sync::Mutex<JwksEntry>>>>,
}

impl fmt::Debug for KeyResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyResolver")
            .field("embedded_issuer_base", &self.embedded_issuer_base)
            .field("refetch_interval", &self.refetch_interval)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

impl KeyResolver {
    /// `embedded_issuer_base` is the embedded identity provider's public base URL (its issuers
    /// are `{base}/cognito-idp/{poolId}`).
    pub fn new(embedded_issuer_base: &str) -> KeyResolver {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            // A redirect is an answer, not an instruction: following one would let whoever
            // controls the issuer's host (or an open redirect on it) point the key fetch
            // anywhere, from https to plain http or to an internal address.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("gatehouse/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        KeyResolver {
            embedded_issuer_base: embedded_issuer_base.trim_end_matches('/').to_owned(),
            client,
            refetch_interval: REFETCH_INTERVAL,
            max_age: MAX_KEY_AGE,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Changes the least time between two fetches of one JWKS (default [`REFETCH_INTERVAL`]).
    pub fn with_refetch_interval(mut self, interval: Duration) -> KeyResolver {
        self.refetch_interval = interval;
        self
    }

    /// Changes how old fetched keys may get (default [`MAX_KEY_AGE`]).
    pub fn with_max_age(mut self, max_age: Duration) -> KeyResolver {
        self.max_age = max_age;
        self
    }

    pub fn embedded_issuer_base(&self) -> &str {
        &self.embedded_issuer_base
    }

    /// The keys of `provider_arns` (an authorizer's `providerARNs`). `wanted_kid` is the `kid`
    /// of the token about to be checked (see [`token_kid`]): when none of the pools has it,
    /// fetched JWKSs are fetched again (at most once per refetch interval each).
    pub async fn resolve(
        &self,
        embedded: &EmbeddedPools,
        provider_arns: &[String],
        wanted_kid: Option<&str>,
    ) -> ResolvedKeys {
        let mut out = ResolvedKeys::default();
        // Per provider: its keys (None: unavailable), and the JWKS URL for fetched ones.
        let mut slots: Vec<Option<PoolKeys>> = Vec::with_capacity(provider_arns.len());
        let mut fetched: Vec<(usize, String)> = Vec::new();
        for provider in provider_arns {
            let parsed = match provider_to_pool(provider, &self.embedded_issuer_base) {
                Ok(p) => p,
                Err(e) => {
                    out.warnings
                        .push(format!("the provider {provider} cannot be used: {e}"));
                    out.sources.push(ProviderSource {
                        provider: provider.clone(),
                        pool_id: String::new(),
                        origin: KeyOrigin::Unavailable,
                        jwks_url: String::new(),
                        kids: Vec::new(),
                        age_seconds: None,
                    });
                    slots.push(None);
                    continue;
                }
            };
            let mut source = ProviderSource {
                provider: parsed.provider.clone(),
                pool_id: parsed.pool_id.clone(),
                origin: KeyOrigin::Unavailable,
                jwks_url: String::new(),
                kids: Vec::new(),
                age_seconds: None,
            };
            let local = match parsed.kind {
                ProviderKind::ExternalIssuer => Ok(None),
                ProviderKind::Arn { .. } | ProviderKind::EmbeddedIssuer => {
                    embedded.pool_keys(&parsed.pool_id).await
                }
            };
            match local {
                Ok(Some(pool)) => {
                    source.origin = KeyOrigin::Embedded;
                    source.kids = pool.keys.iter().map(|k| k.kid.clone()).collect();
                    slots.push(Some(PoolKeys {
                        provider: parsed.provider.clone(),
                        pool_id: parsed.pool_id.clone(),
                        issuer: pool.issuer,
                        keys: pool.keys,
                    }));
                }
                Ok(None) if parsed.kind == ProviderKind::EmbeddedIssuer => {
                    out.warnings.push(format!(
                        "user pool {} does not exist here (the provider {} names this \
                         Gatehouse's identity provider): was it deleted?",
                        parsed.pool_id, parsed.provider
                    ));
                    slots.push(None);
                }
                Ok(None) => {
                    let url = parsed.jwks_url(false);
                    source.jwks_url = url.clone();
                    fetched.push((slots.len(), url));
                    slots.push(Some(PoolKeys {
                        provider: parsed.provider.clone(),
                        pool_id: parsed.pool_id.clone(),
                        issuer: parsed.issuer(false).to_owned(),
                        keys: Vec::new(),
                    }));
                }
                Err(e) => {
                    out.warnings.push(format!(
                        "could not read the keys of user pool {}: {e}",
                        parsed.pool_id
                    ));
                    slots.push(None);
                }
            }
            out.sources.push(source);
        }

        // Fetched pools: from the cache, fetching when there is nothing (fresh) yet.
        let mut attempts: Vec<Option<Result<(), String>>> = vec![None; fetched.len()];
        for (i, (slot, url)) in fetched.iter().enumerate() {
            let (keys, age, attempt) = self.jwks(url, false).await;
            if let Some(pool) = slots[*slot].as_mut() {
                pool.keys = keys;
            }
            out.sources[*slot].age_seconds = age;
            attempts[i] = attempt;
        }
        // A kid no pool has: maybe a provider rotated its keys since the last fetch.
        let known = |slots: &[Option<PoolKeys>]| {
            wanted_kid.is_none_or(|kid| {
                slots
                    .iter()
                    .flatten()
                    .any(|p| p.keys.iter().any(|k| k.kid == kid))
            })
        };
        if !known(&slots) {
            for (i, (slot, url)) in fetched.iter().enumerate() {
                if attempts[i].is_some() {
                    continue; // fetched just now
                }
                let (keys, age, attempt) = self.jwks(url, true).await;
                if let Some(pool) = slots[*slot].as_mut() {
                    pool.keys = keys;
                }
                out.sources[*slot].age_seconds = age;
                attempts[i] = attempt;
                if known(&slots) {
                    break;
                }
            }
        }
        for (i, (slot, url)) in fetched.iter().enumerate() {
            let pool_id = out.sources[*slot].pool_id.clone();
            let has_keys = slots[*slot].as_ref().is_some_and(|p| !p.keys.is_empty());
            let source = &mut out.sources[*slot];
            source.origin = match (&attempts[i], has_keys) {
                (_, false) => KeyOrigin::Unavailable,
                (Some(Ok(())), true) => KeyOrigin::Fetched,
                (_, true) => KeyOrigin::Cached,
            };
            if let Some(pool) = &slots[*slot] {
                source.kids = pool.keys.iter().map(|k| k.kid.clone()).collect();
            }
            let error = match &attempts[i] {
                Some(Err(e)) => Some(e.clone()),
                // Not tried this time: the last failure still stands if there are no keys.
                _ if !has_keys => self.last_error(url).await,
                _ => None,
            };
            if let Some(e) = error {
                let mut warning =
                    format!("could not fetch the JWKS of pool {pool_id} ({url}): {e}");
                if has_keys {
                    warning.push_str("; using the keys fetched before");
                } else if attempts[i].is_none() {
                    warning.push_str(&format!(
                        " (tried less than {} ago; not retried yet)",
                        crate::authorizer::human_duration(self.refetch_interval.as_secs() as i64)
                    ));
                }
                out.warnings.push(warning);
            }
        }
        out.pools = slots
            .into_iter()
            .flatten()
            .filter(|p| !p.keys.is_empty())
            .collect();
        out
    }

    fn entry(&self, url: &str) -> Arc<tokio::sync::Mutex<JwksEntry>> {
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.entry(url.to_owned()).or_default().clone()
    }

    async fn last_error(&self, url: &str) -> Option<String> {
        self.entry(url).lock().await.last_error.clone()
    }

    /// The keys of a JWKS URL: cached, or fetched when there are none yet, they are older
    /// than the max age, or `refresh` is asked, in each case only if the last attempt is at
    /// least the refetch interval old (or there was none). Returns the keys, their age in
    /// seconds, and the outcome of a fetch made by this call.
    async fn jwks(
        &self,
        url: &str,
        refresh: bool,
    ) -> (Vec<PublicKey>, Option<u64>, Option<Result<(), String>>) {
        let entry = self.entry(url);
        // Held across the fetch: concurrent callers wait and then find the fresh keys.
        let mut entry = entry.lock().await;
        let now = Instant::now();
        let stale = match &entry.keys {
            None => true,
            Some((_, at)) => now.duration_since(*at) >= self.max_age,
        };
        let may_try = entry
            .last_attempt
            .is_none_or(|at| now.duration_since(at) >= self.refetch_interval);
        let mut attempt = None;
        if (stale || refresh) && may_try {
            entry.last_attempt = Some(now);
            match self.fetch(url).await {
                Ok(keys) => {
                    entry.keys = Some((keys, Instant::now()));
                    entry.last_error = None;
                    attempt = Some(Ok(()));
                }
                Err(e) => {
                    entry.last_error = Some(e.clone());
                    attempt = Some(Err(e));
                }
            }
        }
        match &entry.keys {
            Some((keys, at)) => (keys.clone(), Some(at.elapsed().as_secs()), attempt),
            None => (Vec::new(), None, attempt),
        }
    }

    async fn fetch(&self, url: &str) -> Result<Vec<PublicKey>, String> {
        let mut response = self
            .client
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| error_chain(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| error_chain(&e))? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_JWKS_BYTES {
                return Err(format!(
                    "the response is larger than {} KiB",
                    MAX_JWKS_BYTES / 1024
                ));
            }
        }
        parse_jwks(&body)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    const LOCAL_POOL: &str = "us-east-1_Local1";
    const EXTERNAL_POOL: &str = "eu-west-1_Remote1";

    /// A tiny JWKS server: answers every request with the current status and body, counts
    /// requests and records their paths.
    struct JwksServer {
        base: String,
        hits: Arc<AtomicUsize>,
        paths: Arc<Mutex<Vec<String>>>,
        reply: Arc<Mutex<(u16, String)>>,
        /// Extra response header lines (each ending in CRLF).
        extra: Arc<Mutex<String>>,
    }

    impl JwksServer {
        async fn start(delay: Duration) -> JwksServer {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let hits = Arc::new(AtomicUsize::new(0));
            let paths = Arc::new(Mutex::new(Vec::new()));
            let reply = Arc::new(Mutex::new((200, jwks(&["k1"]))));
            let extra = Arc::new(Mutex::new(String::new()));
            let (h, p, r, x) = (hits.clone(), paths.clone(), reply.clone(), extra.clone());
            tokio::spawn(async move {
                loop {
                    let Ok((mut sock, _)) = listener.accept().await else {
                        return;
                    };
                    let (h, p, r, x) = (h.clone(), p.clone(), r.clone(), x.clone());
                    tokio::spawn(async move {
                        let mut request = Vec::new();
                        let mut buf = [0u8; 1024];
                        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                            match sock.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => request.extend_from_slice(&buf[..n]),
                            }
                        }
                        h.fetch_add(1, Ordering::SeqCst);
                        let line = String::from_utf8_lossy(&request)
                            .lines()
                            .next()
                            .unwrap_or_default()
                            .to_owned();
                        p.lock()
                            .unwrap()
                            .push(line.split(' ').nth(1).unwrap_or_default().to_owned());
                        tokio::time::sleep(delay).await;
                        let (status, body) = r.lock().unwrap().clone();
                        let extra = x.lock().unwrap().clone();
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\nConnection: close\r\n{extra}\r\n",
                            body.len()
                        );
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(body.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    });
                }
            });
            JwksServer {
                base,
                hits,
                paths,
                reply,
                extra,
            }
        }

        fn redirect_to(&self, location: &str) {
            *self.extra.lock().unwrap() = format!("Location: {location}\r\n");
            self.set(302, String::new());
        }

        fn issuer(&self) -> String {
            format!("{}/{EXTERNAL_POOL}", self.base)
        }

        fn set(&self, status: u16, body: String) {
            *self.reply.lock().unwrap() = (status, body);
        }

        fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }
    }

    fn jwks(kids: &[&str]) -> String {
        let keys: Vec<Value> = kids
            .iter()
            .map(|kid| {
                serde_json::json!({"kid": kid, "alg": "RS256", "kty": "RSA", "use": "sig", "n": "sXch", "e": "AQAB"})
            })
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    fn kids(resolved: &ResolvedKeys) -> Vec<String> {
        resolved
            .pools
            .iter()
            .flat_map(|p| p.keys.iter().map(|k| k.kid.clone()))
            .collect()
    }

    /// One local pool, `us-east-1_Local1`, with key `local-1`.
    fn local() -> EmbeddedPools {
        EmbeddedPools::new(|pool_id| {
            let pool_id = pool_id.to_owned();
            Box::pin(async move {
                match pool_id.as_str() {
                    LOCAL_POOL => Ok(Some(EmbeddedPool {
                        issuer: format!("http://127.0.0.1:3000/cognito-idp/{pool_id}"),
                        keys: vec![PublicKey {
                            kid: "local-1".into(),
                            n: "sXch".into(),
                            e: "AQAB".into(),
                        }],
                    })),
                    "us-east-1_Broken1" => Err("database unavailable".to_owned()),
                    _ => Ok(None),
                }
            })
        })
    }

    fn resolver() -> KeyResolver {
        KeyResolver::new("http://127.0.0.1:3000/")
    }

    #[tokio::test]
    async fn fetches_once_then_serves_from_the_cache() {
        let server = JwksServer::start(Duration::ZERO).await;
        let resolver = resolver();
        let providers = vec![server.issuer()];
        let first = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert_eq!(first.warnings, Vec::<String>::new());
        assert_eq!(kids(&first), ["k1"]);
        assert_eq!(first.pools[0].issuer, server.issuer());
        assert_eq!(first.pools[0].pool_id, EXTERNAL_POOL);
        assert_eq!(first.sources[0].origin, KeyOrigin::Fetched);
        assert_eq!(
            first.sources[0].jwks_url,
            format!("{}/.well-known/jwks.json", server.issuer())
        );
        assert_eq!(
            *server.paths.lock().unwrap(),
            [format!("/{EXTERNAL_POOL}/.well-known/jwks.json")]
        );
        for kid in [Some("k1"), None] {
            let again = resolver
                .resolve(&EmbeddedPools::none(), &providers, kid)
                .await;
            assert_eq!(kids(&again), ["k1"]);
            assert_eq!(again.sources[0].origin, KeyOrigin::Cached);
        }
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn an_unknown_kid_refetches_at_most_once_per_interval() {
        let server = JwksServer::start(Duration::ZERO).await;
        let interval = Duration::from_millis(300);
        let resolver = resolver().with_refetch_interval(interval);
        let providers = vec![server.issuer()];
        resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert_eq!(server.hits(), 1);

        // The provider rotates: k2 appears. Right after the first fetch, no refetch yet.
        server.set(200, jwks(&["k1", "k2"]));
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k2"))
            .await;
        assert_eq!((server.hits(), kids(&r)), (1, vec!["k1".to_owned()]));

        tokio::time::sleep(interval + Duration::from_millis(50)).await;
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k2"))
            .await;
        assert_eq!(
            (server.hits(), kids(&r)),
            (2, vec!["k1".to_owned(), "k2".to_owned()])
        );
        assert_eq!(r.sources[0].origin, KeyOrigin::Fetched);

        // A kid nobody has (a token of another pool): one refetch per interval, no more.
        for _ in 0..3 {
            resolver
                .resolve(&EmbeddedPools::none(), &providers, Some("k3"))
                .await;
        }
        assert_eq!(server.hits(), 2);
        tokio::time::sleep(interval + Duration::from_millis(50)).await;
        for _ in 0..3 {
            let r = resolver
                .resolve(&EmbeddedPools::none(), &providers, Some("k3"))
                .await;
            assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        }
        assert_eq!(server.hits(), 3);
        // Known kids never refetch.
        resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert_eq!(server.hits(), 3);
    }

    #[tokio::test]
    async fn old_keys_are_fetched_again() {
        let server = JwksServer::start(Duration::ZERO).await;
        let resolver = resolver()
            .with_refetch_interval(Duration::ZERO)
            .with_max_age(Duration::from_millis(200));
        let providers = vec![server.issuer()];
        resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert_eq!(server.hits(), 1);
        tokio::time::sleep(Duration::from_millis(250)).await;
        // k1 was removed by the provider: it must stop verifying.
        server.set(200, jwks(&["k2"]));
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert_eq!(server.hits(), 2);
        assert_eq!(kids(&r), ["k2"]);
    }

    #[tokio::test]
    async fn a_redirecting_jwks_is_not_followed() {
        let elsewhere = JwksServer::start(Duration::ZERO).await;
        let server = JwksServer::start(Duration::ZERO).await;
        server.redirect_to(&format!("{}/.well-known/jwks.json", elsewhere.issuer()));
        let r = resolver()
            .resolve(&EmbeddedPools::none(), &[server.issuer()], Some("k1"))
            .await;
        assert!(r.pools.is_empty(), "{:?}", r.pools);
        assert!(
            r.warnings[0].ends_with("HTTP 302 Found"),
            "{:?}",
            r.warnings
        );
        assert_eq!(server.hits(), 1);
        assert_eq!(elsewhere.hits(), 0);
    }

    #[tokio::test]
    async fn fetch_failures_are_warnings() {
        let server = JwksServer::start(Duration::ZERO).await;
        let resolver = resolver().with_refetch_interval(Duration::from_millis(200));
        let providers = vec![server.issuer()];
        server.set(404, "{}".into());
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert!(r.pools.is_empty());
        assert_eq!(r.sources[0].origin, KeyOrigin::Unavailable);
        assert_eq!(
            r.warnings,
            [format!(
                "could not fetch the JWKS of pool {EXTERNAL_POOL} ({}/.well-known/jwks.json): HTTP 404 Not Found",
                server.issuer()
            )]
        );
        // Within the interval the failure is reported again without a new request.
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert_eq!(server.hits(), 1);
        assert!(
            r.warnings[0].contains("HTTP 404 Not Found (tried less than"),
            "{:?}",
            r.warnings
        );

        tokio::time::sleep(Duration::from_millis(250)).await;
        server.set(200, "<html>".into());
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert!(
            r.warnings[0].contains("the response is not JSON"),
            "{:?}",
            r.warnings
        );

        tokio::time::sleep(Duration::from_millis(250)).await;
        server.set(200, jwks(&["k1"]));
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
            .await;
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        assert_eq!(kids(&r), ["k1"]);

        // A failed refresh keeps the keys fetched before.
        tokio::time::sleep(Duration::from_millis(250)).await;
        server.set(500, "oops".into());
        let r = resolver
            .resolve(&EmbeddedPools::none(), &providers, Some("k9"))
            .await;
        assert_eq!(kids(&r), ["k1"]);
        assert!(
            r.warnings[0]
                .ends_with("HTTP 500 Internal Server Error; using the keys fetched before"),
            "{:?}",
            r.warnings
        );
        assert_eq!(server.hits(), 4);
    }

    #[tokio::test]
    async fn an_unreachable_jwks_is_a_warning() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let providers = vec![format!("http://{addr}/{EXTERNAL_POOL}")];
        let r = resolver()
            .resolve(&EmbeddedPools::none(), &providers, None)
            .await;
        assert!(r.pools.is_empty());
        assert!(
            r.warnings[0].starts_with(&format!(
                "could not fetch the JWKS of pool {EXTERNAL_POOL} (http://{addr}/"
            )),
            "{:?}",
            r.warnings
        );
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let server = JwksServer::start(Duration::from_millis(100)).await;
        let resolver = Arc::new(resolver());
        let providers = Arc::new(vec![server.issuer()]);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (resolver, providers) = (resolver.clone(), providers.clone());
                tokio::spawn(async move {
                    kids(
                        &resolver
                            .resolve(&EmbeddedPools::none(), &providers, Some("k1"))
                            .await,
                    )
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), ["k1"]);
        }
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn embedded_pools_come_from_the_caller() {
        let server = JwksServer::start(Duration::ZERO).await;
        let providers = vec![
            format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{LOCAL_POOL}"),
            server.issuer(),
            "http://127.0.0.1:3000/cognito-idp/us-east-1_Gone1".to_owned(),
            "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Broken1".to_owned(),
            "not a pool".to_owned(),
        ];
        let r = resolver()
            .resolve(&local(), &providers, Some("local-1"))
            .await;
        assert_eq!(kids(&r), ["local-1", "k1"]);
        assert_eq!(
            r.pools[0].issuer,
            format!("http://127.0.0.1:3000/cognito-idp/{LOCAL_POOL}")
        );
        assert_eq!(r.pools[0].provider, providers[0]);
        let origins: Vec<KeyOrigin> = r.sources.iter().map(|s| s.origin).collect();
        assert_eq!(
            origins,
            [
                KeyOrigin::Embedded,
                KeyOrigin::Fetched,
                KeyOrigin::Unavailable,
                KeyOrigin::Unavailable,
                KeyOrigin::Unavailable
            ]
        );
        assert_eq!(r.warnings.len(), 3, "{:?}", r.warnings);
        assert!(r.warnings[0].starts_with("user pool us-east-1_Gone1 does not exist here"));
        assert_eq!(
            r.warnings[1],
            "could not read the keys of user pool us-east-1_Broken1: database unavailable"
        );
        assert!(r.warnings[2].starts_with("the provider not a pool cannot be used: "));
        // The embedded pool's keys never touch HTTP; only the external issuer was fetched.
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn an_arn_of_a_pool_that_is_not_local_names_the_aws_pool() {
        // Nothing listens on the AWS URL in a test, so look at where it would fetch from.
        let resolver = resolver().with_refetch_interval(Duration::from_secs(3600));
        let arn = format!("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{EXTERNAL_POOL}");
        let url = format!(
            "https://cognito-idp.eu-west-1.amazonaws.com/{EXTERNAL_POOL}/.well-known/jwks.json"
        );
        // Pretend it was tried and failed, so no request leaves the machine.
        {
            let entry = resolver.entry(&url);
            let mut entry = entry.lock().await;
            entry.last_attempt = Some(Instant::now());
            entry.last_error = Some("offline".into());
        }
        let r = resolver.resolve(&local(), &[arn], None).await;
        assert_eq!(r.sources[0].jwks_url, url);
        assert!(r.warnings[0].contains("offline"), "{:?}", r.warnings);
    }

    #[test]
    fn kid_of_a_header_value() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"kid":"abc=","alg":"RS256"}"#);
        assert_eq!(
            token_kid(&format!("{header}.e30.c2ln")).as_deref(),
            Some("abc=")
        );
        assert_eq!(
            token_kid(&format!("Bearer {header}.e30.c2ln")).as_deref(),
            Some("abc=")
        );
        assert_eq!(
            token_kid(&format!("bearer   {header}.e30.c2ln")).as_deref(),
            Some("abc=")
        );
        assert_eq!(token_kid("garbage"), None);
        assert_eq!(token_kid(""), None);
    }

    #[test]
    fn jwks_documents() {
        let keys = parse_jwks(
            br#"{"keys":[{"kid":"a","kty":"RSA","n":"n1","e":"AQAB"},
                {"kid":"b","kty":"EC","x":"1","y":"2"},
                {"kid":"c","kty":"RSA","use":"enc","n":"n2","e":"AQAB"},
                {"kty":"RSA","n":"n3","e":"AQAB"}]}"#,
        )
        .unwrap();
        assert_eq!(
            keys,
            [PublicKey {
                kid: "a".into(),
                n: "n1".into(),
                e: "AQAB".into()
            }]
        );
        assert!(
            parse_jwks(br#"{"keys":[]}"#)
                .unwrap_err()
                .contains("no RSA signing keys")
        );
        assert!(
            parse_jwks(br#"{"k":1}"#)
                .unwrap_err()
                .contains("no \"keys\" array")
        );
    }
}
