//! User pools for Gatehouse: an embedded identity provider that speaks Amazon Cognito's JSON
//! wire protocol (`AWSCognitoIdentityProviderService.*`).
//!
//! [`Identity`] is the whole service. The HTTP layer calls [`Identity::dispatch`] with the
//! action name (from `X-Amz-Target`), the raw JSON body and whether the request carried a valid
//! SigV4 signature; the console calls the typed methods (`create_user_pool`, `sign_up`, ...)
//! with the request structs of [`wire`]. Tokens are RS256 JWTs whose issuer is
//! [`Identity::issuer`]; the public keys are served by [`Identity::jwks`].
//!
//! Storage is PostgreSQL (migration `20261126000002_user_pools.sql`). Passwords are argon2id
//! (through the `passwords` crate), on hashing slots of the service's own
//! ([`PUBLIC_HASHING_SLOTS`], at most [`PUBLIC_HASHING_QUEUE`] callers waiting; more are
//! answered `TooManyRequestsException` at once), never the console administrators'; RSA private keys and client secrets are sealed with the
//! master key; refresh tokens, sessions and codes are stored only as SHA-256 hashes.
//!
//! Where Gatehouse knowingly differs from Cognito:
//! - App clients default to `PreventUserExistenceErrors = ENABLED` (see `clients`).
//! - Messages are not emailed or texted: they go to a per-pool outbox
//!   ([`Identity::list_outbox`]), kept for 24 hours; codes never go to the log. A sign-up code is generated even when
//!   the pool has no auto-verified attribute (the outbox entry then has no destination).
//! - Only `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH`/`ADMIN_NO_SRP_AUTH` and refresh
//!   are implemented (no SRP, custom auth or MFA; `MfaConfiguration` must be `OFF`); only
//!   `email` can be a username attribute or sign-in alias.
//! - ID/access token lifetimes may go down to 1 second (AWS: 5 minutes), for testing.
//! - Signing keys are generated on first use (token issue, JWKS, key listing), not at pool
//!   creation.

mod attributes;
mod auth;
mod clients;
mod codes;
mod dispatch;
mod error;
mod filter;
mod groups;
mod keys;
mod outbox;
mod pools;
mod secret_hash;
mod store;
mod tokens;
mod users;
mod util;
pub mod wire;

use std::sync::Arc;

use master_key::MasterKey;
use sqlx::PgPool;

pub use error::{CognitoError, ErrorKind};
pub use keys::{Jwk, KeyStatus, KeyUse, SigningKeyInfo};
pub use outbox::{OUTBOX_RETENTION, OutboxMessage, OutboxPurpose};
pub use secret_hash::compute_secret_hash;

/// Password hashes computed at the same time for user pools (sign-in, sign-up, resets).
pub const PUBLIC_HASHING_SLOTS: usize = 4;
/// Callers that may wait for a [`PUBLIC_HASHING_SLOTS`] slot; further ones are refused at once.
pub const PUBLIC_HASHING_QUEUE: usize = 32;

/// The region used for new pools unless [`Identity::with_region`] says otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Settings the server passes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityConfig {
    /// Public base URL of the server, e.g. `http://127.0.0.1:3000` (a trailing slash is
    /// ignored). Issuers are `{issuer_base}/cognito-idp/{poolId}`.
    pub issuer_base: String,
    /// The 12-digit account id used in ARNs.
    pub account_id: String,
}

impl Default for IdentityConfig {
    fn default() -> IdentityConfig {
        IdentityConfig {
            issuer_base: "http://127.0.0.1:3000".to_owned(),
            account_id: "000000000000".to_owned(),
        }
    }
}

impl IdentityConfig {
    /// Checks the account id (12 digits) and the issuer base (an http(s) URL). For startup.
    pub fn validate(&self) -> Result<(), String> {
        if self.account_id.len() != 12 || !self.account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the account id must be 12 digits, not {:?}",
                self.account_id
            ));
        }
        if !(self.issuer_base.starts_with("http://") || self.issuer_base.starts_with("https://")) {
            return Err(format!(
                "the issuer base must be an http(s) URL, not {:?}",
                self.issuer_base
            ));
        }
        Ok(())
    }
}

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
    keys: keys::KeyCache,
    /// Shared by the clones and regions of one service; not with the console's sign-in.
    hashing: Arc<passwords::HashingSlots>,
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
                keys: keys::KeyCache::default(),
                hashing: Arc::new(passwords::HashingSlots::new(
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
                keys: keys::KeyCache::default(),
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

    pub(crate) fn hashing(&self) -> &passwords::HashingSlots {
        &self.inner.hashing
    }
}
