//! The crate's data, at the bottom of it: what a pool, an app client and a user are, the
//! attribute schema, and the closed sets of values (user statuses, auth flows, delivery media,
//! ...) as enums that keep their exact wire and database strings.
//!
//! Nothing here reads the database, speaks the wire protocol or uses another module of the
//! crate; the store loads and saves these types, and the operations work on them. Checks that
//! answer with a Cognito error (password policy, schema validation) live with the operations.

mod attributes;
mod client;
mod ids;
mod keys;
mod outbox;
mod pool;
mod user;
mod values;

pub(crate) use attributes::{
    CUSTOM_PREFIX, CustomAttribute, DEFAULT_MAX_LENGTH, STANDARD_ATTRIBUTES, is_standard,
    is_verification_flag,
};
pub(crate) use client::{AppClient, Client, ClientSecret};
pub(crate) use ids::{ClientId, PoolId};
pub use keys::{Jwk, KeyStatus, KeyUse, SigningKeyInfo};
pub use outbox::{OutboxMessage, OutboxPurpose};
pub(crate) use pool::{
    DEFAULT_REFRESH_VALIDITY_SECS, DEFAULT_TOKEN_VALIDITY_SECS, PasswordPolicy, Pool,
};
pub(crate) use user::{PasswordRecord, User, UserMfa};
pub(crate) use values::{
    AliasAttribute, AttributeDataType, AuthFlow, ChallengeName, CodePurpose, DeletionProtection,
    DeliveryMedium, ExplicitAuthFlow, MessageAction, MfaConfiguration, PreventUserExistenceErrors,
    TokenValidityUnit, UserStatus, VerifiableAttribute,
};
