//! The COGNITO_USER_POOLS authorizer: the token in the identity source, verified by
//! `apis::authorizer::authorize` against the pools' keys, through the authorizer cache.

use std::sync::Arc;

use apis::authorizer::{AuthorizerInput, Decision, authorize as verify};
use serde_json::{Map, Value};

use super::Claims;
use crate::authorizer_cache::{AllowedClaims, AuthorizerCache, CacheKeyRef};
use crate::context::RequestCtx;
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::keys::KeySource;
use crate::snapshot::CompiledMethod;
use crate::trace::{AuthOutcome, Recorder, TracedAuthorizer};

/// Verifies the request's token (or finds it allowed in the cache); returns the verified
/// claims (`$context.authorizer.claims`).
pub(super) async fn authorize<K: KeySource>(
    ctx: &RequestCtx,
    method: &CompiledMethod,
    cache: &AuthorizerCache,
    keys: &K,
    rec: &mut Recorder<'_>,
) -> PhaseResult<Claims> {
    let stage = &ctx.stage;
    let scopes = &method.method.authorization_scopes;
    let authorizer = method
        .method
        .authorizer_id
        .as_ref()
        .and_then(|id| stage.snapshot.authorizer(id));
    let Some(authorizer) = authorizer else {
        tracing::error!(
            "{}: method uses COGNITO_USER_POOLS but its authorizer is not in the deployment",
            ctx.describe()
        );
        rec.line(|| {
            "Execution failed: the method's authorizer is not in the deployment".to_owned()
        });
        return Err(GatewayError::internal(
            Phase::Authorize,
            ResponseType::AuthorizerConfigurationError,
        ));
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
    let allowed = match key.and_then(|k| cache.get(k, ctx.now)) {
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
                // Boxed: a key source may fetch a JWKS (a large future) and runs only when the
                // authorizer cache misses.
                Some(token) => Box::pin(keys.pools_for(authorizer, token)).await,
                None => Arc::default(),
            };
            let outcome = verify(&AuthorizerInput {
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
                        cache.put(key, ctx.now + seconds, Arc::clone(&allowed), ctx.now);
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
                    return Err(GatewayError::new(
                        Phase::Authorize,
                        ResponseType::Unauthorized,
                        status,
                        message,
                    ));
                }
            }
        }
    };
    if rec.tracing() {
        let claims = allowed.claims.to_vec();
        rec.log(|l| {
            if let Some(a) = l.authorizer.as_mut() {
                a.claims = claims;
            }
        });
    }
    Ok(Arc::clone(&allowed.claims))
}

/// Claims as `$context.authorizer.claims` shows them: strings as they are, anything else as
/// JSON.
fn stringified(claims: Map<String, Value>) -> Claims {
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

/// The `sub` claim: the principal of the access log and the Logs page, only ever taken from
/// claims the authorizer verified.
fn claims_sub(claims: &Map<String, Value>) -> Option<Arc<str>> {
    claims.get("sub").and_then(Value::as_str).map(Arc::from)
}
