//! Every Cognito action, error case, token claim, JWKS verification, refresh, revocation and key
//! rotation, driven through a transport-neutral handle (`common::Api`) with the JSON an SDK
//! would send.
//!
//! Here the handle calls `Identity::dispatch` in-process. `server/tests/cognito_http.rs`
//! includes these same modules with its own `common`, whose handle speaks the wire protocol to
//! a spawned server over real HTTP (SigV4-signed admin calls), so every test below runs in both
//! modes. The test modules therefore reach their helpers only through `crate::common`, and
//! anything transport-specific belongs in `Api`, not in a test body.

mod common;

mod abuse;
mod admin;
mod auth;
mod groups_tags;
mod mfa;
mod pools_clients;
mod signup;
mod srp;
mod tokens;
mod user_ops;
