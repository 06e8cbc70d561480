//! What the user-pool pages share: the pool as its page shows it, token-lifetime labels, and
//! (on the server) the identity service and the mapping of its errors onto form fields.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A custom attribute of a pool (name without the `custom:` prefix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomAttributeInfo {
    pub name: String,
    pub data_type: String,
    pub mutable: bool,
}

/// A pool as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolDetails {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub issuer: String,
    pub jwks_url: String,
    pub region: String,
    pub created: String,
    pub last_modified: String,
    /// The email address is the sign-in name (UsernameAttributes = [email]).
    pub email_is_username: bool,
    pub auto_verified: Vec<String>,
    pub custom_attributes: Vec<CustomAttributeInfo>,
    pub password_min_length: i32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_days: i32,
    /// Token lifetimes new app clients get from this console when none are given.
    pub id_token_minutes: i64,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub estimated_users: i64,
    pub deletion_protection: bool,
    /// `MfaConfiguration`: OFF, OPTIONAL or ON.
    pub mfa_configuration: String,
    /// Authenticator apps (software token MFA) are enabled.
    pub software_token_mfa: bool,
}

impl PoolDetails {
    /// "8+ characters, upper and lower case, numbers, symbols".
    pub fn password_policy_summary(&self) -> String {
        let mut needs = Vec::new();
        if self.require_uppercase && self.require_lowercase {
            needs.push("upper and lower case");
        } else if self.require_uppercase {
            needs.push("upper case");
        } else if self.require_lowercase {
            needs.push("lower case");
        }
        if self.require_numbers {
            needs.push("numbers");
        }
        if self.require_symbols {
            needs.push("symbols");
        }
        let mut out = format!("At least {} characters", self.password_min_length);
        if !needs.is_empty() {
            out.push_str(", with ");
            out.push_str(&needs.join(", "));
        }
        out
    }
}

/// Default token lifetimes (minutes, minutes, days), as AWS.
pub const DEFAULT_ID_TOKEN_MINUTES: i64 = 60;
pub const DEFAULT_ACCESS_TOKEN_MINUTES: i64 = 60;
pub const DEFAULT_REFRESH_TOKEN_DAYS: i64 = 30;

/// "60 minutes", "1 day", "30 days".
pub fn minutes_label(minutes: i64) -> String {
    if minutes % 1440 == 0 {
        plural(minutes / 1440, "day")
    } else if minutes % 60 == 0 {
        plural(minutes / 60, "hour")
    } else {
        plural(minutes, "minute")
    }
}

pub fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// The pool as its page and its Overview tab show it.
#[server(endpoint = "describe_user_pool")]
pub async fn describe_user_pool(pool_id: String) -> Result<PoolDetails, AppError> {
    use crate::auth::ssr::require_admin;
    require_admin().await?;
    ssr::describe(&pool_id).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use identity::wire::DescribeUserPoolRequest;
    use identity::{CognitoError, Identity};

    use super::{CustomAttributeInfo, PoolDetails};
    use crate::error::AppError;
    pub use crate::form_input::{check_resource_name, fmt_time, invalid, parse_number};

    /// Pool tags in which the console keeps the token lifetimes chosen at creation (the
    /// Cognito API has no pool-level token validity; app clients created here use them).
    pub const TAG_ID_MINUTES: &str = "gatehouse:id-token-validity-minutes";
    pub const TAG_ACCESS_MINUTES: &str = "gatehouse:access-token-validity-minutes";
    pub const TAG_REFRESH_DAYS: &str = "gatehouse:refresh-token-validity-days";

    pub fn identity() -> Identity {
        crate::auth::ssr::state().identity
    }

    /// A Cognito client fault about one input, shown next to `field`.
    pub fn on_field(err: CognitoError, field: &str) -> AppError {
        match err.kind {
            identity::ErrorKind::InternalError => err.into(),
            _ => AppError::invalid(field, err.message).with_status(),
        }
    }

    /// A Cognito client fault shown above the form (for actions without input fields).
    pub fn on_form(err: CognitoError) -> AppError {
        match err.kind {
            identity::ErrorKind::InternalError => err.into(),
            _ => AppError::form(err.message).with_status(),
        }
    }

    /// The pool as its page shows it (DescribeUserPool plus issuer and JWKS URL).
    pub async fn describe(pool_id: &str) -> Result<PoolDetails, AppError> {
        let identity = identity();
        let pool = identity
            .describe_user_pool(DescribeUserPoolRequest {
                user_pool_id: pool_id.to_string(),
            })
            .await?
            .user_pool;
        let policy = pool.policies.password_policy.clone().unwrap_or_default();
        let tag = |key: &str, default: i64| {
            pool.user_pool_tags
                .get(key)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(default)
        };
        let issuer = identity.issuer(&pool.id);
        Ok(PoolDetails {
            region: pool.id.split('_').next().unwrap_or_default().to_string(),
            jwks_url: format!("{issuer}/.well-known/jwks.json"),
            issuer,
            arn: pool.arn.clone(),
            created: fmt_time(pool.creation_date),
            last_modified: fmt_time(pool.last_modified_date),
            email_is_username: pool
                .username_attributes
                .as_ref()
                .is_some_and(|a| a.iter().any(|x| x == "email")),
            auto_verified: pool.auto_verified_attributes.clone(),
            custom_attributes: pool
                .schema_attributes
                .iter()
                .filter_map(|s| {
                    let name = s.name.as_deref()?.strip_prefix("custom:")?;
                    Some(CustomAttributeInfo {
                        name: name.to_string(),
                        data_type: s
                            .attribute_data_type
                            .clone()
                            .unwrap_or_else(|| "String".into()),
                        mutable: s.mutable.unwrap_or(true),
                    })
                })
                .collect(),
            password_min_length: policy.minimum_length.unwrap_or(8),
            require_uppercase: policy.require_uppercase.unwrap_or(true),
            require_lowercase: policy.require_lowercase.unwrap_or(true),
            require_numbers: policy.require_numbers.unwrap_or(true),
            require_symbols: policy.require_symbols.unwrap_or(true),
            temporary_password_days: policy.temporary_password_validity_days.unwrap_or(7),
            id_token_minutes: tag(TAG_ID_MINUTES, super::DEFAULT_ID_TOKEN_MINUTES),
            access_token_minutes: tag(TAG_ACCESS_MINUTES, super::DEFAULT_ACCESS_TOKEN_MINUTES),
            refresh_token_days: tag(TAG_REFRESH_DAYS, super::DEFAULT_REFRESH_TOKEN_DAYS),
            estimated_users: pool.estimated_number_of_users,
            deletion_protection: pool.deletion_protection == "ACTIVE",
            mfa_configuration: pool.mfa_configuration.clone(),
            software_token_mfa: identity
                .get_user_pool_mfa_config(identity::wire::GetUserPoolMfaConfigRequest {
                    user_pool_id: pool_id.to_string(),
                })
                .await?
                .software_token_mfa_configuration
                .enabled,
            id: pool.id,
            name: pool.name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_naturally() {
        assert_eq!(minutes_label(60), "1 hour");
        assert_eq!(minutes_label(90), "90 minutes");
        assert_eq!(minutes_label(1440), "1 day");
        assert_eq!(minutes_label(5), "5 minutes");
        assert_eq!(plural(30, "day"), "30 days");
    }
}
