//! A user of a pool.

use std::collections::BTreeMap;

use time::OffsetDateTime;
use uuid::Uuid;

use super::{PoolId, UserStatus};

/// A user as stored. `Debug` leaves the password hash out.
#[derive(Clone)]
pub(crate) struct User {
    pub sub: Uuid,
    pub pool_id: PoolId,
    pub username: String,
    /// Lookup form of the username (lower-cased unless the pool is case sensitive).
    pub username_key: String,
    /// Lower-cased email while it is a sign-in name.
    pub email_key: Option<String>,
    pub status: UserStatus,
    pub enabled: bool,
    /// Name → value, without `sub`.
    pub attributes: BTreeMap<String, String>,
    /// Argon2id PHC string.
    pub password_hash: Option<String>,
    /// The SRP verifier of the same password, sealed (context `srp-verifier:{sub}`).
    pub srp_verifier_sealed: Option<Vec<u8>>,
    /// The authenticator (TOTP) and MFA preference.
    pub mfa: UserMfa,
    /// Set while the password is a temporary one (FORCE_CHANGE_PASSWORD).
    pub password_expires_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("sub", &self.sub)
            .field("pool_id", &self.pool_id)
            .field("username", &self.username)
            .field("status", &self.status)
            .field("enabled", &self.enabled)
            .field("attributes", &self.attributes)
            .field("password_hash", &"<redacted>")
            .field("srp_verifier_sealed", &"<redacted>")
            .field("mfa_enabled", &self.mfa.enabled)
            .field("password_expires_at", &self.password_expires_at)
            .finish_non_exhaustive()
    }
}

/// What is stored for a password: its argon2id hash and its sealed SRP verifier.
pub(crate) struct PasswordRecord {
    pub phc: String,
    pub srp_verifier_sealed: Vec<u8>,
}

/// A user's authenticator app (software token MFA). Secrets are sealed (context `totp:{sub}`).
#[derive(Clone, Default)]
pub(crate) struct UserMfa {
    /// The verified secret.
    pub secret_sealed: Option<Vec<u8>>,
    /// A secret handed out by AssociateSoftwareToken, until VerifySoftwareToken.
    pub pending_sealed: Option<Vec<u8>>,
    /// SOFTWARE_TOKEN_MFA is on for this user (asked at every sign-in while the pool has MFA).
    pub enabled: bool,
    pub preferred: bool,
    /// The last time step a code was accepted for: each code signs in once.
    pub last_step: Option<i64>,
}

impl UserMfa {
    /// Whether sign-ins must pass the SOFTWARE_TOKEN_MFA challenge (when the pool has MFA).
    pub(crate) fn uses_totp(&self) -> bool {
        self.enabled && self.secret_sealed.is_some()
    }
}
