//! A user pool and its password policy.

use serde_json::Value;
use time::OffsetDateTime;

use super::{
    AliasAttribute, CustomAttribute, DeletionProtection, MfaConfiguration, PoolId,
    VerifiableAttribute,
};

/// Default ID/access token lifetime.
pub(crate) const DEFAULT_TOKEN_VALIDITY_SECS: i32 = 3600;
/// Default refresh token lifetime (30 days).
pub(crate) const DEFAULT_REFRESH_VALIDITY_SECS: i32 = 30 * 24 * 3600;

/// The pool's password policy (checked by `password_policy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PasswordPolicy {
    pub min_length: i32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: i32,
}

impl Default for PasswordPolicy {
    fn default() -> PasswordPolicy {
        PasswordPolicy {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// A user pool as stored.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    pub id: PoolId,
    pub name: String,
    pub region: String,
    pub username_attributes: Vec<VerifiableAttribute>,
    pub alias_attributes: Vec<AliasAttribute>,
    pub auto_verified_attributes: Vec<VerifiableAttribute>,
    pub required_attributes: Vec<String>,
    pub password: PasswordPolicy,
    pub allow_admin_create_user_only: bool,
    pub case_sensitive: bool,
    pub mfa_configuration: MfaConfiguration,
    /// SoftwareTokenMfaConfiguration.Enabled: authenticator apps can be a second factor.
    pub software_token_mfa: bool,
    pub deletion_protection: DeletionProtection,
    pub id_token_validity_secs: i32,
    pub access_token_validity_secs: i32,
    pub refresh_token_validity_secs: i32,
    /// Settings kept as given and echoed back (tags, templates, recovery, Lambda config...).
    pub settings: Value,
    pub custom: Vec<CustomAttribute>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Pool {
    /// The email is the sign-in name (`UsernameAttributes: ["email"]`); the stored username is
    /// the sub.
    pub(crate) fn email_is_username(&self) -> bool {
        self.username_attributes
            .contains(&VerifiableAttribute::Email)
    }

    /// A verified email can be used instead of the username (`AliasAttributes: ["email"]`).
    pub(crate) fn email_is_alias(&self) -> bool {
        self.alias_attributes.contains(&AliasAttribute::Email)
    }

    /// The lookup form of a username.
    pub(crate) fn username_key(&self, name: &str) -> String {
        if self.case_sensitive {
            name.to_owned()
        } else {
            name.to_lowercase()
        }
    }

    /// A setting from [`Pool::settings`], unless absent or null.
    pub(crate) fn setting(&self, key: &str) -> Option<&Value> {
        self.settings.get(key).filter(|v| !v.is_null())
    }

    /// The longest ID/access token lifetime any client of the pool may issue (seconds): how
    /// long a rotated signing key must stay in the JWKS.
    pub(crate) fn max_token_validity_secs(&self) -> i64 {
        i64::from(
            self.id_token_validity_secs
                .max(self.access_token_validity_secs),
        )
    }
}
