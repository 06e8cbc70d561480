//! The process's one [`KeySource`]: pools of the embedded identity provider through
//! [`EmbeddedPools`], others fetched by the [`KeyResolver`] (the JWKS cache), and both held in
//! memory per provider list, so an authorizer-cache miss costs a signature check, not database
//! round trips. Built once at start and shared by the gateway, the console and the management
//! API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::authorizer::{KeySource, PoolKeys};
use crate::keys::{EmbeddedPools, KeyResolver, ResolvedKeys, token_kid};
use crate::model::Authorizer;

/// Held keys are resolved again after this long (a deleted pool stops working by then)...
pub const KEYS_HELD_FOR: Duration = Duration::from_secs(10);
/// ...or, for a token whose kid they lack (a rotation), once they are this old: at most ten
/// lookups a second per provider list, whatever kids a caller invents.
pub const UNKNOWN_KID_RECHECK: Duration = Duration::from_millis(100);
/// Provider lists held before the table is cleared.
pub const HELD_MAX: usize = 1_000;

/// Authorizers' keys; see the module documentation.
#[derive(Debug)]
pub struct AuthorizerKeys {
    embedded: EmbeddedPools,
    resolver: KeyResolver,
    held: Mutex<HashMap<Vec<String>, HeldKeys>>,
}

/// Resolved keys of one provider list, and when they were resolved.
#[derive(Debug)]
struct HeldKeys {
    at: Instant,
    pools: Arc<[PoolKeys]>,
}

impl AuthorizerKeys {
    /// `embedded_issuer_base` is the embedded identity provider's public base URL (its issuers
    /// are `{base}/cognito-idp/{poolId}`).
    pub fn new(embedded_issuer_base: &str, embedded: EmbeddedPools) -> AuthorizerKeys {
        AuthorizerKeys::with_resolver(KeyResolver::new(embedded_issuer_base), embedded)
    }

    /// Over a resolver set up by the caller (other refetch intervals, in tests).
    pub fn with_resolver(resolver: KeyResolver, embedded: EmbeddedPools) -> AuthorizerKeys {
        AuthorizerKeys {
            embedded,
            resolver,
            held: Mutex::default(),
        }
    }

    pub fn embedded_issuer_base(&self) -> &str {
        self.resolver.embedded_issuer_base()
    }

    /// Resolves `provider_arns` now, past the held keys (the JWKS cache still applies), saying
    /// where each provider's keys came from and what went wrong: the authorizer test tools show
    /// this.
    pub async fn resolve(
        &self,
        provider_arns: &[String],
        wanted_kid: Option<&str>,
    ) -> ResolvedKeys {
        self.resolver
            .resolve(&self.embedded, provider_arns, wanted_kid)
            .await
    }

    fn held(&self, providers: &[String], kid: Option<&str>) -> Option<Arc<[PoolKeys]>> {
        let held = self.held.lock().ok()?;
        let entry = held.get(providers)?;
        let age = entry.at.elapsed();
        let knows_kid = kid.is_none_or(|kid| {
            entry
                .pools
                .iter()
                .any(|p| p.keys.iter().any(|k| k.kid == kid))
        });
        (age < KEYS_HELD_FOR && (knows_kid || age < UNKNOWN_KID_RECHECK))
            .then(|| Arc::clone(&entry.pools))
    }

    fn hold(&self, providers: &[String], pools: &Arc<[PoolKeys]>) {
        if let Ok(mut held) = self.held.lock() {
            if held.len() >= HELD_MAX {
                held.clear();
            }
            held.insert(
                providers.to_vec(),
                HeldKeys {
                    at: Instant::now(),
                    pools: Arc::clone(pools),
                },
            );
        }
    }
}

impl KeySource for AuthorizerKeys {
    async fn pools_for(&self, authorizer: &Authorizer, token: &str) -> Arc<[PoolKeys]> {
        // The kid lets the resolver refetch a JWKS that has rotated since it was cached.
        let kid = token_kid(token);
        if let Some(pools) = self.held(&authorizer.provider_arns, kid.as_deref()) {
            return pools;
        }
        let resolved = self
            .resolve(&authorizer.provider_arns, kid.as_deref())
            .await;
        for warning in &resolved.warnings {
            tracing::warn!(authorizer.id = %authorizer.id, "{warning}");
        }
        let pools: Arc<[_]> = resolved.pools.into();
        self.hold(&authorizer.provider_arns, &pools);
        pools
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;
    use crate::authorizer::PublicKey;
    use crate::keys::EmbeddedPool;
    use crate::model::{AuthorizerType, DEFAULT_IDENTITY_SOURCE};

    const POOL: &str = "us-east-1_Local1";

    /// One embedded pool whose keys are `kids` (changeable), counting lookups.
    fn embedded(kids: Arc<Mutex<Vec<&'static str>>>, lookups: Arc<AtomicUsize>) -> EmbeddedPools {
        EmbeddedPools::new(move |pool_id| {
            lookups.fetch_add(1, Ordering::SeqCst);
            let keys = kids
                .lock()
                .unwrap()
                .iter()
                .map(|kid| PublicKey {
                    kid: (*kid).to_owned(),
                    n: "sXch".into(),
                    e: "AQAB".into(),
                })
                .collect();
            let issuer = format!("http://127.0.0.1:3000/cognito-idp/{pool_id}");
            Box::pin(async move { Ok(Some(EmbeddedPool { issuer, keys })) })
        })
    }

    fn authorizer() -> Authorizer {
        Authorizer {
            id: crate::ids::AuthorizerId::new("abc123"),
            name: "cognito".to_owned(),
            kind: AuthorizerType::CognitoUserPools,
            provider_arns: vec![format!(
                "arn:aws:cognito-idp:us-east-1:000000000000:userpool/{POOL}"
            )],
            identity_source: DEFAULT_IDENTITY_SOURCE.to_owned(),
            identity_validation_expression: None,
            authorizer_result_ttl_in_seconds: 300,
            version: 1,
        }
    }

    /// A token-shaped value naming `kid` (only its header is read here).
    fn token(kid: &str) -> String {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RS256","kid":"{kid}"}}"#));
        format!("Bearer {header}.e30.c2ln")
    }

    fn kids(pools: &[PoolKeys]) -> Vec<String> {
        pools
            .iter()
            .flat_map(|p| p.keys.iter().map(|k| k.kid.clone()))
            .collect()
    }

    #[tokio::test]
    async fn keys_are_held_and_a_token_with_a_new_kid_looks_them_up_again() {
        let kids_now = Arc::new(Mutex::new(vec!["k1"]));
        let lookups = Arc::new(AtomicUsize::new(0));
        let keys = AuthorizerKeys::new(
            "http://127.0.0.1:3000",
            embedded(kids_now.clone(), lookups.clone()),
        );
        let authorizer = authorizer();

        assert_eq!(
            kids(&keys.pools_for(&authorizer, &token("k1")).await),
            ["k1"]
        );
        assert_eq!(
            kids(&keys.pools_for(&authorizer, &token("k1")).await),
            ["k1"]
        );
        assert_eq!(lookups.load(Ordering::SeqCst), 1, "the second call is held");

        // A rotation: the held keys lack k2, so once they are old enough they are looked up
        // again.
        *kids_now.lock().unwrap() = vec!["k1", "k2"];
        tokio::time::sleep(UNKNOWN_KID_RECHECK).await;
        assert_eq!(
            kids(&keys.pools_for(&authorizer, &token("k2")).await),
            ["k1", "k2"]
        );
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_test_tools_resolve_past_the_held_keys() {
        let kids_now = Arc::new(Mutex::new(vec!["k1"]));
        let lookups = Arc::new(AtomicUsize::new(0));
        let keys = AuthorizerKeys::new(
            "http://127.0.0.1:3000",
            embedded(kids_now.clone(), lookups.clone()),
        );
        let authorizer = authorizer();
        keys.pools_for(&authorizer, &token("k1")).await;
        *kids_now.lock().unwrap() = vec!["k2"];
        let resolved = keys.resolve(&authorizer.provider_arns, Some("k2")).await;
        assert_eq!(kids(&resolved.pools), ["k2"]);
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }
}
