//! The API Gateway runtime: serves invoke requests against deployed stages.
//!
//! * [`snapshot`]: [`Gateway::compile`] turns `(api, stage, variables, DeploymentSnapshot)`
//!   inputs into one immutable table (route tree per stage, templates pre-parsed); data only.
//! * [`runtime`]: [`Runtime`] holds the table in force ([`Runtime::swap`] on redeploy) and the
//!   shared services; [`Runtime::handle`] runs the pipeline over plain
//!   `http::Request<Bytes>` / `http::Response<Bytes>`.
//! * [`pipeline`]: the phase order, and how to add a phase; [`phases`]: one module per phase
//!   (route → API key → authorize → integration request → integrate → integration response).
//! * [`context`]: [`RequestCtx`], what the phases share about one request, and rendering
//!   templates against it; [`routes`]: the router (reference §1.10).
//! * [`error`]: [`GatewayError`], why the gateway answered itself; [`gateway_response`]: the
//!   one place it becomes a response (reference §1.12); [`response`]: header helpers.
//! * [`authorizer_cache`]: allowed authorizer results; [`upstream`]: the backend client.
//! * [`trace`]: what a request did ([`RequestSummary`] always, [`ExecutionLog`] when traced);
//!   [`recent`]: the last requests per stage; [`test_invoke`](mod@test_invoke): the console's Method Test;
//!   [`reload`]: read-your-writes for deploys (a writer waits for this node's reload).
//!
//! The crate knows no HTTP server: the server mounts [`Runtime::handle`] and supplies the
//! authorizers' public keys through [`KeySource`] ([`keys`]).
//!
//! Modules depend downward only: runtime → pipeline → phases → context → snapshot → routes.

pub mod authorizer_cache;
pub mod context;
pub mod error;
pub mod gateway_response;
pub mod keys;
pub mod phases;
pub mod pipeline;
pub mod recent;
pub mod reload;
pub mod response;
pub mod routes;
pub mod runtime;
pub mod snapshot;
pub mod test_invoke;
pub mod trace;
pub mod upstream;

pub use authorizer_cache::{AuthorizerCache, CacheBounds};
pub use context::render::{INLINE_RENDER_STEPS, render_full};
pub use context::{ClientAddr, RequestCtx};
pub use error::{GatewayError, Phase, ResponseType};
pub use keys::KeySource;
pub use phases::integrate::IntegrationResult;
pub use phases::integration_request::IntegrationRequest;
pub use phases::route::CONSOLE_SESSION_COOKIE;
pub use recent::{RecentRequest, RecentRequests};
pub use reload::{ReloadHandle, ReloadRequests, Reloaded};
pub use routes::{RouteMatch, RouteNode};
pub use runtime::Runtime;
pub use snapshot::{CompiledStage, Gateway, StageInput};
pub use test_invoke::{InvalidTestRequest, TEST_STAGE, TestInvocation, TestRequest, test_invoke};
pub use trace::{
    AuthOutcome, ExecutionLog, LogLine, RequestId, RequestSummary, TracedAuthorizer, TracedRequest,
    TracedResponse,
};
