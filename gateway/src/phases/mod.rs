//! The phases of a request, one module each, in the order [`crate::pipeline`] runs them:
//!
//! 1. [`route`]: stage, resource and method; builds the [`crate::RequestCtx`].
//! 2. [`api_key`]: methods that require an API key.
//! 3. [`authorize`]: the method's authorizer (one submodule per authorization type).
//! 4. [`integration_request`]: request template or passthrough.
//! 5. [`integrate`]: MOCK, or the HTTP / HTTP_PROXY backend call ([`integrate::backend`]).
//! 6. [`integration_response`]: response selection, template, parameters, overrides.
//!
//! A phase that refuses the request returns a [`crate::GatewayError`];
//! [`crate::gateway_response`] answers it.

pub mod api_key;
pub mod authorize;
pub mod integrate;
pub mod integration_request;
pub mod integration_response;
pub mod route;
