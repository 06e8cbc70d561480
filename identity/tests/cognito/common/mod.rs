//! The in-process transport: `Api` calls `Identity::dispatch` directly. Its twin over real HTTP
//! is `server/tests/cognito_http/common.rs`, which must offer the same `Api` methods; the
//! helpers in `helpers.rs` are shared by both.
#![allow(dead_code)]

mod helpers;

pub use helpers::*;

use identity::{Identity, IdentityConfig, Jwk, OutboxMessage, SigningKeyInfo};
use master_key::MasterKey;
use serde_json::Value;
use sqlx::PgPool;

/// Where tokens issued in-process say they come from (nothing listens there).
const ISSUER_BASE: &str = "http://127.0.0.1:3999";

/// The service under test, reached in-process.
pub struct Api {
    id: Identity,
}

/// The handle every test starts from: an `Identity` on the test's fresh database.
pub async fn api(db: PgPool) -> Api {
    Api {
        id: Identity::new(
            db,
            MasterKey::from_bytes([7; 32]),
            IdentityConfig {
                issuer_base: format!("{ISSUER_BASE}/"),
                account_id: ACCOUNT_ID.to_owned(),
            },
        ),
    }
}

impl Api {
    /// The base of every pool's issuer (`{base}/cognito-idp/{pool_id}`), without a trailing `/`.
    pub fn issuer_base(&self) -> String {
        ISSUER_BASE.to_owned()
    }

    /// The `iss` of the pool's tokens, as the service computes it.
    pub fn issuer(&self, pool_id: &str) -> String {
        self.id.issuer(pool_id)
    }

    /// One wire call: `body` verbatim, `signed` as if a SigV4 signature had been verified.
    pub async fn dispatch(
        &self,
        action: &str,
        body: &[u8],
        signed: bool,
    ) -> Result<Value, ApiError> {
        self.id
            .dispatch(action, body, signed)
            .await
            .map_err(ApiError::from)
    }

    /// The document served at `{issuer}/.well-known/jwks.json`.
    pub async fn jwks(&self, pool_id: &str) -> Result<Value, ApiError> {
        self.id.jwks(pool_id).await.map_err(ApiError::from)
    }

    /// The document served at `{issuer}/.well-known/openid-configuration`.
    pub async fn openid_configuration(&self, pool_id: &str) -> Result<Value, ApiError> {
        self.id
            .openid_configuration(pool_id)
            .await
            .map_err(ApiError::from)
    }

    /// The keys of the pool's JWKS, typed.
    pub async fn public_jwks(&self, pool_id: &str) -> Result<Vec<Jwk>, ApiError> {
        self.id.public_jwks(pool_id).await.map_err(ApiError::from)
    }

    /// Console only (no wire action): messages the pool would have sent.
    pub async fn list_outbox(
        &self,
        pool_id: &str,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, ApiError> {
        self.id
            .list_outbox(pool_id, limit)
            .await
            .map_err(ApiError::from)
    }

    /// Console only (no wire action): the pool's signing keys with their status.
    pub async fn list_signing_keys(&self, pool_id: &str) -> Result<Vec<SigningKeyInfo>, ApiError> {
        self.id
            .list_signing_keys(pool_id)
            .await
            .map_err(ApiError::from)
    }

    /// Console only (no wire action): rotates the pool's signing keys.
    pub async fn rotate_signing_keys(&self, pool_id: &str) -> Result<(), ApiError> {
        self.id
            .rotate_signing_keys(pool_id)
            .await
            .map_err(ApiError::from)
    }
}
