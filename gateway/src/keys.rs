//! Where the authorizers' public keys come from: the one thing the gateway asks of its host.

use std::future::Future;
use std::sync::Arc;

use apis::authorizer::PoolKeys;
use apis::model::Authorizer;

/// Where a COGNITO_USER_POOLS authorizer's public keys come from (the caller's JWKS cache, the
/// embedded identity provider, ...). Only called on an authorizer-cache miss.
pub trait KeySource: Sync {
    /// The keys of the authorizer's pools. `token` is the identity-source value about to be
    /// checked, so a resolver can refetch a JWKS when it does not know the token's kid yet.
    fn pools_for(
        &self,
        authorizer: &Authorizer,
        token: &str,
    ) -> impl Future<Output = Arc<[PoolKeys]>> + Send;
}
