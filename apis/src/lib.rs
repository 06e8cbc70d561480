//! REST APIs: the model, persistence and authorizer logic of an Amazon API Gateway (REST, v1)
//! clone.
//!
//! * [`model`]: RestApi → Resources (a tree of path parts) → Methods → Integration /
//!   IntegrationResponses / MethodResponses; COGNITO_USER_POOLS Authorizers; Deployments
//!   (immutable [`DeploymentSnapshot`]s) and Stages. Serde uses AWS's field names.
//! * [`validate`]: pure checks of every input, each error naming its field.
//! * [`store`]: PostgreSQL persistence (`migrations/20261126000004_rest_apis.sql`); each
//!   multi-row change runs in one transaction; methods, integrations and authorizers use
//!   optimistic concurrency (`version`).
//! * [`authorizer`]: the pure COGNITO_USER_POOLS check ([`authorize`]) with a step-by-step
//!   trace, and where its keys come from ([`KeySource`]); [`provider`]: what a `providerARNs`
//!   entry names ([`provider_to_pool`]).
//! * [`AuthorizerKeys`]: the one [`KeySource`] a process builds at start: embedded pools
//!   through [`keys::EmbeddedPools`], others fetched by [`keys::KeyResolver`], held in memory.
//!
//! The crate knows nothing of HTTP servers, the console or the embedded identity provider:
//! callers hand it database pools and public keys.

pub mod authorizer;
pub mod authorizer_keys;
pub mod error;
pub mod ids;
pub mod keys;
pub mod model;
pub mod provider;
pub mod rs256;
pub mod store;
pub mod validate;

pub use authorizer::{
    AuthorizerInput, AuthorizerOutcome, Check, Decision, KeySource, PoolKeys, PublicKey, TraceStep,
    authorize, identity_headers,
};
pub use authorizer_keys::AuthorizerKeys;
pub use error::{ApisError, Entity, ErrorKind};
pub use ids::{AuthorizerId, DeploymentId, ResourceId, RestApiId, StageName};
pub use model::*;
pub use provider::{ProviderKind, ProviderRef, provider_to_pool};
