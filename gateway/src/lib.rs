//! The API Gateway runtime: serves invoke requests against deployed stages.
//!
//! * [`snapshot`]: [`Gateway::compile`] turns `(api, stage, variables, DeploymentSnapshot)`
//!   inputs into one immutable table (route tree per stage, templates pre-parsed);
//!   [`Runtime`] holds it and [`Runtime::swap`]s it atomically on redeploy.
//! * [`routes`]: the router (reference §1.10).
//! * [`pipeline`]: [`Runtime::handle`] runs route → authorizer → integration request →
//!   integration (MOCK, HTTP, HTTP_PROXY) → integration response → method response, over plain
//!   `http::Request<Bytes>` / `http::Response<Bytes>`.
//! * [`response`]: gateway error responses (reference §1.12).
//! * [`trace`]: what a request did ([`RequestSummary`] always, [`ExecutionLog`] when traced);
//!   [`recent`]: the last requests per stage; [`test_invoke`]: the console's Method Test;
//!   [`reload`]: read-your-writes for deploys (a writer waits for this node's reload).
//!
//! The crate knows no HTTP server: the server mounts [`Runtime::handle`] and supplies the
//! authorizers' public keys through [`KeySource`].

pub mod integration;
pub mod pipeline;
pub mod recent;
pub mod reload;
pub mod response;
pub mod routes;
pub mod snapshot;
pub mod test_invoke;
pub mod trace;
pub mod upstream;

pub use pipeline::{
    AuthorizerCache, CONSOLE_SESSION_COOKIE, CacheBounds, ClientAddr, INLINE_RENDER_STEPS,
    IntegrationRequest, IntegrationResult, KeySource, RequestCtx, render_full,
};
pub use recent::{RecentRequest, RecentRequests};
pub use reload::{ReloadHandle, ReloadRequests, Reloaded};
pub use routes::{RouteMatch, RouteNode};
pub use snapshot::{CompiledStage, Gateway, Runtime, StageInput};
pub use test_invoke::{InvalidTestRequest, TEST_STAGE, TestInvocation, TestRequest, test_invoke};
pub use trace::{
    AuthOutcome, ExecutionLog, LogLine, RequestId, RequestSummary, TracedAuthorizer, TracedRequest,
    TracedResponse,
};
