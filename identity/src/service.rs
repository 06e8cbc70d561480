//! [`Identity`], the service: its shared state and the accessors every operation uses. The
//! operations themselves are `impl Identity` blocks in the modules named for what they do.

use std::sync::Arc;

use master_key::MasterKey;
use passwords::HashingSlots;
use sqlx::PgPool;

use crate::config::{DEFAULT_REGION, IdentityConfig, PUBLIC_HASHING_QUEUE, PUBLIC_HASHING_SLOTS};
use crate::signers::KeyCache;

/// The user-pool service (cheap to clone; clones share the database pool and caches).
#[derive(Clone)]
pub struct Identity {
    inner: Arc<Inner>,
}

struct Inner {
    db: PgPool,
    master_key: MasterKey,
    issuer_base: String,
    account_id: String,
    region: String,
    keys: KeyCache,
    /// Shared by the clones and regions of one service; not with the console's sign-in.
    hashing: Arc<HashingSlots>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("issuer_base", &self.inner.issuer_base)
            .field("account_id", &self.inner.account_id)
            .field("region", &self.inner.region)
            .field("master_key", &self.inner.master_key)
            .finish_non_exhaustive()
    }
}

impl Identity {
    pub fn new(pool: PgPool, master_key: MasterKey, config: IdentityConfig) -> Identity {
        Identity {
            inner: Arc::new(Inner {
                db: pool,
                master_key,
                issuer_base: config.issuer_base.trim_end_matches('/').to_owned(),
                account_id: config.account_id,
                region: DEFAULT_REGION.to_owned(),
                keys: KeyCache::default(),
                hashing: Arc::new(HashingSlots::new(
                    PUBLIC_HASHING_SLOTS,
                    PUBLIC_HASHING_QUEUE,
                )),
            }),
        }
    }

    /// The same service creating new pools in `region` (default [`DEFAULT_REGION`]). Existing
    /// pools keep the region in their id.
    pub fn with_region(self, region: impl Into<String>) -> Identity {
        let inner = &self.inner;
        Identity {
            inner: Arc::new(Inner {
                db: inner.db.clone(),
                master_key: inner.master_key.clone(),
                issuer_base: inner.issuer_base.clone(),
                account_id: inner.account_id.clone(),
                region: region.into(),
                keys: KeyCache::default(),
                hashing: Arc::clone(&inner.hashing),
            }),
        }
    }

    /// `{issuer_base}/cognito-idp/{pool_id}`: the `iss` of the pool's tokens. The JWKS and the
    /// discovery document are served at `{issuer}/.well-known/jwks.json` and
    /// `{issuer}/.well-known/openid-configuration`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/cognito-idp/{pool_id}", self.inner.issuer_base)
    }

    /// The region of new pools.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The account id used in ARNs.
    pub fn account_id(&self) -> &str {
        &self.inner.account_id
    }

    /// `arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}`.
    pub fn pool_arn(&self, pool_id: &str) -> String {
        let region = pool_id.split('_').next().unwrap_or(DEFAULT_REGION);
        format!(
            "arn:aws:cognito-idp:{region}:{}:userpool/{pool_id}",
            self.inner.account_id
        )
    }

    pub(crate) fn db(&self) -> &PgPool {
        &self.inner.db
    }

    pub(crate) fn master_key(&self) -> &MasterKey {
        &self.inner.master_key
    }

    pub(crate) fn hashing(&self) -> &HashingSlots {
        &self.inner.hashing
    }

    pub(crate) fn key_cache(&self) -> &KeyCache {
        &self.inner.keys
    }
}
