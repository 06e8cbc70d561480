//! The authorizer cache: allowed COGNITO_USER_POOLS results, so that a token is verified once
//! per TTL rather than on every request.

use std::sync::{Arc, Mutex};

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
pub(crate) struct CacheKeyRef<'a> {
    pub api: &'a str,
    pub deployment: &'a str,
    pub authorizer: &'a str,
    pub scopes: &'a str,
    pub token: &'a str,
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
pub(crate) struct AllowedClaims {
    /// `$context.authorizer.claims`, stringified.
    pub claims: Arc<[(String, String)]>,
    /// The `sub` claim when it is a string.
    pub principal: Option<Arc<str>>,
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

    pub(crate) fn get(&self, key: CacheKeyRef<'_>, now: i64) -> Option<Arc<AllowedClaims>> {
        let entries = self.entries.lock().ok()?;
        entries
            .map
            .get(&key)
            .filter(|e| e.until > now)
            .map(|e| Arc::clone(&e.allowed))
    }

    pub(crate) fn put(
        &self,
        key: CacheKeyRef<'_>,
        until: i64,
        allowed: Arc<AllowedClaims>,
        now: i64,
    ) {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
