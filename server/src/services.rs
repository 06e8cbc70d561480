//! What the console, the management API and the gateway share: built once by `gatehouse
//! serve` (main.rs) and handed to each, so one identity provider, one key source (with its
//! caches) and one request log serve all three.

use std::sync::Arc;

use apis::AuthorizerKeys;
use apis::keys::{EmbeddedPool, EmbeddedPools};
use identity::Identity;
use master_key::MasterKey;
use sqlx::PgPool;

use crate::config::Settings;

#[derive(Clone)]
pub struct Services {
    pub pool: PgPool,
    /// Seals secrets at rest (signing keys, access-key secrets).
    pub master_key: MasterKey,
    /// User pools (the embedded Cognito-compatible identity provider).
    pub identity: Identity,
    /// The authorizers' public keys ([`authorizer_keys`]).
    pub keys: Arc<AuthorizerKeys>,
    /// The gateway's last requests per stage (the console's Stage → Logs reads them).
    pub recent_requests: Arc<gateway::RecentRequests>,
    /// How the console and the management API ask the gateway to serve what they just deployed.
    pub gateway_reloads: gateway::ReloadHandle,
}

impl Services {
    /// `console_url` is where the console answers: the identity provider's issuers are under it.
    pub fn new(
        settings: &Settings,
        pool: PgPool,
        master_key: MasterKey,
        console_url: String,
    ) -> Services {
        let identity = Identity::new(
            pool.clone(),
            master_key.clone(),
            identity::IdentityConfig {
                issuer_base: console_url.clone(),
                account_id: settings.account_id.clone(),
            },
        )
        .with_region(settings.region.clone());
        let keys = Arc::new(authorizer_keys(identity.clone(), &console_url));
        Services {
            pool,
            master_key,
            identity,
            keys,
            recent_requests: Arc::default(),
            gateway_reloads: gateway::ReloadHandle::default(),
        }
    }
}

/// The key source over `identity`: the keys of its pools read from it (a pool it does not have
/// is taken for an AWS pool), other pools' fetched. `issuer_base` is `identity`'s.
pub fn authorizer_keys(identity: Identity, issuer_base: &str) -> AuthorizerKeys {
    AuthorizerKeys::new(
        issuer_base,
        EmbeddedPools::new(move |pool_id| {
            let identity = identity.clone();
            let pool_id = pool_id.to_owned();
            Box::pin(async move {
                match identity.public_jwks(&pool_id).await {
                    Ok(keys) => Ok(Some(EmbeddedPool {
                        issuer: identity.issuer(&pool_id),
                        keys: keys
                            .into_iter()
                            .map(|k| apis::PublicKey {
                                kid: k.kid,
                                n: k.n,
                                e: k.e,
                            })
                            .collect(),
                    })),
                    Err(e) if e.kind == identity::ErrorKind::ResourceNotFound => Ok(None),
                    Err(e) => Err(e.message),
                }
            })
        }),
    )
}
