//! The request pipeline (reference §1.11): explicit phases over a [`RequestCtx`], each in its
//! own module under [`crate::phases`]:
//!
//! route → API key → authorize → integration request → integrate → integration response,
//! then `x-amzn-RequestId` on whatever answers.
//!
//! A phase returns [`PhaseResult`]: its output for the next phase, or a [`GatewayError`]
//! (the phase, API Gateway's response type, status and message) that ends the request.
//! [`gateway_response`] turns that error into the response, in one place. A phase logs its
//! own refusal (`tracing`, and the execution log through the `Recorder`).
//!
//! # Adding a phase
//!
//! 1. One new file `phases/<name>.rs` with
//!    `pub(crate) async fn <name>(ctx: &RequestCtx, …, rec: &mut Recorder<'_>) -> PhaseResult<T>`
//!    (`&mut RequestCtx` when it adds to the context, as authorize adds the claims).
//! 2. `pub mod <name>;` in `phases/mod.rs`, a [`Phase`] variant, and one call in `run` at its
//!    place in the order; a [`crate::ResponseType`] variant (and its `x-amzn-ErrorType` in
//!    [`gateway_response`]) if it refuses in a way no existing type covers.
//! 3. A service it needs (a key store, a function invoker) goes in `Services`.
//!
//! Request validation goes between authorize and integration request. A new authorization
//! type (a function authorizer) is a submodule of [`crate::phases::authorize`] and one arm
//! of its match instead.
//!
//! [`Phase`]: crate::error::Phase
//! [`GatewayError`]: crate::error::GatewayError

use std::sync::Arc;

use bytes::Bytes;
use http::header::HeaderName;
use http::{Request, Response};

use crate::authorizer_cache::AuthorizerCache;
use crate::context::RequestCtx;
use crate::error::PhaseResult;
use crate::gateway_response::gateway_response;
use crate::keys::KeySource;
use crate::phases::api_key::api_key;
use crate::phases::authorize::authorize;
use crate::phases::integrate::{Integrated, integrate};
use crate::phases::integration_request::integration_request;
use crate::phases::integration_response::integration_response;
use crate::phases::route::route;
use crate::snapshot::Gateway;
use crate::trace::{
    ExecutionLog, Recorder, RequestId, RequestSummary, TracedResponse, header_pairs,
};
use crate::upstream::Upstream;

/// `x-amzn-RequestId`, on every response.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

/// What the phases use besides the request and the table: the runtime's shared services.
pub(crate) struct Services<'a, K> {
    pub cache: &'a AuthorizerCache,
    /// Shared connection pool of the HTTP and HTTP_PROXY integrations.
    pub client: &'a Upstream,
    pub keys: &'a K,
}

/// Serves one request against `gateway` at `now` (epoch seconds), filling `log` when given.
/// `gateway` is held until the request ends (a redeploy swaps the runtime's table, not this
/// one).
pub(crate) async fn serve<K: KeySource>(
    gateway: Arc<Gateway>,
    services: Services<'_, K>,
    req: Request<Bytes>,
    now: i64,
    log: Option<&mut ExecutionLog>,
) -> (Response<Bytes>, RequestSummary) {
    let request_id = RequestId::random();
    let mut rec = Recorder::new(log);
    rec.line(|| format!("Starting execution for request: {request_id}"));
    let mut resp = match run(&gateway, &services, req, now, request_id, &mut rec).await {
        Ok(r) => r,
        Err(e) => gateway_response(&e),
    };
    if let Ok(value) = http::HeaderValue::from_str(request_id.as_str()) {
        resp.headers_mut().insert(REQUEST_ID, value);
    }
    if rec.tracing() {
        let traced = TracedResponse {
            status: resp.status().as_u16(),
            headers: header_pairs(resp.headers()),
            body: String::from_utf8_lossy(resp.body()).into_owned(),
        };
        rec.line(|| format!("Method completed with status: {}", traced.status));
        rec.log(|l| l.response = Some(traced));
    }
    rec.finish();
    rec.summary.request_id = request_id;
    (resp, rec.summary)
}

/// The phases, in order.
async fn run<K: KeySource>(
    gateway: &Gateway,
    services: &Services<'_, K>,
    req: Request<Bytes>,
    now: i64,
    request_id: RequestId,
    rec: &mut Recorder<'_>,
) -> PhaseResult<Response<Bytes>> {
    let mut ctx: RequestCtx = route(gateway, req, now, request_id, rec)?;
    api_key(&ctx, rec)?;
    authorize(&mut ctx, services.cache, services.keys, rec).await?;
    let ireq = integration_request(&ctx, rec).await?;
    match integrate(&ctx, &ireq, services.client, rec).await? {
        Integrated::Mapped(result) => integration_response(&ctx, &ireq, result, rec).await,
        Integrated::Proxied(resp) => Ok(resp),
    }
}
