//! User pools for Gatehouse: an embedded identity provider that speaks Amazon Cognito's JSON
//! wire protocol (`AWSCognitoIdentityProviderService.*`).
//!
//! [`Identity`] is the whole service. The HTTP layer calls [`Identity::dispatch`] with the
//! action name (from `X-Amz-Target`), the raw JSON body and whether the request carried a valid
//! SigV4 signature; the console calls the typed methods (`create_user_pool`, `sign_up`, ...)
//! with the request structs of [`wire`]. Tokens are RS256 JWTs whose issuer is
//! [`Identity::issuer`]; the public keys are served by [`Identity::jwks`].
//!
//! Storage is PostgreSQL (migration `20261126000002_user_pools.sql`). Passwords are argon2id
//! (through the `passwords` crate), on hashing slots of the service's own
//! ([`PUBLIC_HASHING_SLOTS`], at most [`PUBLIC_HASHING_QUEUE`] callers waiting; more are
//! answered `TooManyRequestsException` at once), never the console administrators'; RSA
//! private keys and client secrets are sealed with the master key; refresh tokens, sessions
//! and codes are stored only as SHA-256 hashes.
//!
//! Where Gatehouse knowingly differs from Cognito:
//! - App clients default to `PreventUserExistenceErrors = ENABLED` (see `clients`).
//! - Messages are not emailed or texted: they go to a per-pool outbox
//!   ([`Identity::list_outbox`]), kept for 24 hours; codes never go to the log. A sign-up code
//!   is generated even when the pool has no auto-verified attribute (the outbox entry then has
//!   no destination).
//! - `USER_SRP_AUTH`, `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH`/`ADMIN_NO_SRP_AUTH`
//!   and refresh are implemented, with software token (TOTP) MFA (no custom auth, no SMS or
//!   email MFA); only `email` can be a username attribute or sign-in alias.
//! - ID/access token lifetimes may go down to 1 second (AWS: 5 minutes), for testing.
//! - Signing keys are generated on first use (token issue, JWKS, key listing), not at pool
//!   creation.
//! - GetSigningCertificate certifies the pool's ID-token signing key (self-signed X.509, `CN` =
//!   the pool id); AWS's certificate is a separate SAML signing key renewed yearly.
//! - AddCustomAttributes, like CreateUserPool, takes names with or without the `custom:`
//!   prefix (AWS would make `custom:custom:x` of `custom:x`).
//!
//! # Layout
//!
//! Each module uses only the ones listed before it (no import cycle):
//!
//! - `error`, `util`, `wire` (the JSON bodies), `secret_hash`, `filter`, `srp` (SRP-6a
//!   arithmetic), `totp` (RFC 6238 codes), `x509` (a self-signed certificate in DER): leaves.
//! - `model`: the data (pool, app client, user, attribute schema, signing key and outbox views)
//!   and the closed sets as enums (`UserStatus`, `AuthFlow`, `ExplicitAuthFlow`,
//!   `ChallengeName`, `DeliveryMedium`, ...), each keeping its exact wire string.
//! - `store`: PostgreSQL, in and out as `model` types; uses nothing else of the crate.
//! - `config`, `signers` (the cache of opened signing keys), `service` ([`Identity`] and the
//!   accessors every operation uses), `credentials` (a password's hash and SRP verifier).
//! - `lookup` (find the pool, client or user an operation acts on), `attributes` and
//!   `password_policy` (checks with AWS's messages), `throttle` (password guesses), `codes`,
//!   `outbox`, `keys`, `tokens` (minting, verifying, starting a token family), `challenges`
//!   (the sessions a challenge hands out and takes back).
//! - The operations, one module per area: `pools`, `clients`, `mfa`, `users`,
//!   `attribute_updates`, `attribute_verification`, `groups`, `sign_out`,
//!   and `flows` (sign-in), then `dispatch` (wire action → operation).
//!
//! # Adding a sign-in flow
//!
//! Flows live in `flows/`, one module each (`user_password`, `admin`, `refresh`,
//! `new_password`). To add one (SRP, custom auth, an OAuth grant):
//!
//! 1. Write `flows/<name>.rs` with an `impl Identity` method taking the pool, the client and
//!    the `AuthParameters` (read them with `flows::params`). Check that the client allows the
//!    flow (`AppClient::allows_*`, from its `ExplicitAuthFlow`s), find the user with
//!    `Identity::public_user`, count password-like guesses with `throttle`, and end with
//!    `Identity::issue_tokens` or with a challenge: a session stored with
//!    `store::tokens::insert_session` under its `ChallengeName`.
//! 2. Route the `AuthFlow` value to it in `flows/mod.rs` (`initiate_auth` and/or
//!    `admin_initiate_auth`); a challenge's answer is routed in `respond_to_auth_challenge`.
//!    The enums already hold every value AWS defines, so a new flow adds no strings.
//! 3. Update "Where Gatehouse knowingly differs" above and the tests in `tests/cognito/auth.rs`.

mod attribute_updates;
mod attribute_verification;
mod attributes;
mod challenges;
mod clients;
mod codes;
mod config;
mod credentials;
mod dispatch;
mod error;
mod filter;
mod flows;
mod groups;
mod keys;
mod lookup;
mod mfa;
mod model;
mod outbox;
mod password_policy;
mod pools;
mod secret_hash;
mod service;
mod sign_out;
mod signers;
mod srp;
mod store;
mod throttle;
mod tokens;
mod totp;
mod users;
mod util;
pub mod wire;
mod x509;

pub use config::{DEFAULT_REGION, IdentityConfig, PUBLIC_HASHING_QUEUE, PUBLIC_HASHING_SLOTS};
pub use error::{CognitoError, ErrorKind};
pub use model::{Jwk, KeyStatus, KeyUse, OutboxMessage, OutboxPurpose, SigningKeyInfo};
pub use outbox::OUTBOX_RETENTION;
pub use secret_hash::compute_secret_hash;
pub use service::Identity;
