//! API key: a method that requires an API key is refused (403 Forbidden), before any
//! authorizer work. Gatehouse has no API keys or usage plans yet, so no request can carry a
//! valid key: this phase fails closed with API Gateway's answer to a missing key.

use crate::context::RequestCtx;
use crate::error::{GatewayError, Phase, PhaseResult, ResponseType};
use crate::trace::{AuthOutcome, Recorder};

/// Refuses the request when its method requires an API key.
pub(crate) fn api_key(ctx: &RequestCtx, rec: &mut Recorder<'_>) -> PhaseResult<()> {
    let Some(method) = ctx.method() else {
        return Err(GatewayError::missing_authentication_token(Phase::ApiKey));
    };
    if !method.method.api_key_required {
        return Ok(());
    }
    tracing::warn!(
        "{}: refused: the method requires an API key, which Gatehouse does not support \
         yet (turn off \"API key required\")",
        ctx.describe()
    );
    rec.line(|| "API key required: Gatehouse has no API keys yet: refused (403)".to_owned());
    rec.summary.auth = AuthOutcome::Denied {
        reason: "API key required, and Gatehouse has no API keys".to_owned(),
    };
    Err(GatewayError::new(
        Phase::ApiKey,
        ResponseType::InvalidApiKey,
        403,
        "Forbidden",
    ))
}
