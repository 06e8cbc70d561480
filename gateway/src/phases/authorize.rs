//! Authorize: runs the method's authorizer by its authorization type. Each enforceable type
//! is a submodule (a function authorizer would be one more, and one more arm below); AWS_IAM
//! and CUSTOM are stored (imported) but cannot be enforced here, so they fail closed.

mod cognito;

use apis::model::AuthorizationType;

use crate::authorizer_cache::AuthorizerCache;
use crate::context::RequestCtx;
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::keys::KeySource;
use crate::trace::{AuthOutcome, Recorder};

/// Verified claims, stringified, as `$context.authorizer.claims` shows them.
pub(crate) type Claims = std::sync::Arc<[(String, String)]>;

/// Runs the method's authorizer; on success the verified claims are in `ctx.claims`.
pub(crate) async fn authorize<K: KeySource>(
    ctx: &mut RequestCtx,
    cache: &AuthorizerCache,
    keys: &K,
    rec: &mut Recorder<'_>,
) -> PhaseResult<()> {
    let Some(method) = ctx.method() else {
        return Err(GatewayError::missing_authentication_token(Phase::Authorize));
    };
    // An authorizer reads the request and returns the claims it verified.
    let claims = match method.method.authorization_type {
        AuthorizationType::CognitoUserPools => {
            cognito::authorize(ctx, method, cache, keys, rec).await?
        }
        kind if !kind.is_enforceable() => return Err(unsupported(ctx, kind, rec)),
        kind => {
            rec.line(|| format!("Authorization: {kind} (no authorizer runs)"));
            return Ok(());
        }
    };
    ctx.claims = claims;
    Ok(())
}

/// The refusal of a type Gatehouse cannot enforce, answered as AWS does to a request without
/// a signature (AWS_IAM) or that its authorizer refuses (CUSTOM).
fn unsupported(ctx: &RequestCtx, kind: AuthorizationType, rec: &mut Recorder<'_>) -> GatewayError {
    tracing::warn!(
        "{}: refused: the method's authorization type {kind} is not supported by \
         Gatehouse (change it to NONE or COGNITO_USER_POOLS)",
        ctx.describe()
    );
    rec.line(|| format!("Authorization: {kind} is not supported by Gatehouse: refused"));
    rec.summary.auth = AuthOutcome::Denied {
        reason: format!("authorization type {kind} is not supported by Gatehouse"),
    };
    if kind == AuthorizationType::AwsIam {
        GatewayError::missing_authentication_token(Phase::Authorize)
    } else {
        GatewayError::new(
            Phase::Authorize,
            ResponseType::Unauthorized,
            401,
            "Unauthorized",
        )
    }
}
