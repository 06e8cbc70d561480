//! The identity crate's Cognito suite (`identity/tests/cognito/`), run unchanged over real HTTP.
//!
//! The test modules below are the very files the identity crate runs in-process; here their
//! `crate::common` is `cognito_http/common.rs`, whose `Api` spawns the server on the test's
//! fresh PostgreSQL database (port 0) and speaks the wire protocol to it: `POST /cognito-idp/`
//! with `X-Amz-Target`, admin actions SigV4-signed with a real access key, errors read back
//! from the `{"__type", "message"}` body, the JWKS and discovery documents fetched from
//! `{issuer}/.well-known/...`, and the issuer being the spawned server's own URL.

#[path = "cognito_http/common.rs"]
mod common;

#[path = "../../identity/tests/cognito/abuse.rs"]
mod abuse;
#[path = "../../identity/tests/cognito/admin.rs"]
mod admin;
#[path = "../../identity/tests/cognito/auth.rs"]
mod auth;
#[path = "../../identity/tests/cognito/groups_tags.rs"]
mod groups_tags;
#[path = "../../identity/tests/cognito/mfa.rs"]
mod mfa;
#[path = "../../identity/tests/cognito/pools_clients.rs"]
mod pools_clients;
#[path = "../../identity/tests/cognito/signup.rs"]
mod signup;
#[path = "../../identity/tests/cognito/srp.rs"]
mod srp;
#[path = "../../identity/tests/cognito/tokens.rs"]
mod tokens;
#[path = "../../identity/tests/cognito/user_ops.rs"]
mod user_ops;
