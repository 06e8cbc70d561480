//! User pools: creation, settings (sign-in attribute, schema, password policy, token
//! lifetimes), the password policy check, and the pool operations.

use std::collections::BTreeMap;

use rand::Rng;
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::attributes::{self, CustomAttribute};
use crate::error::{CognitoError, ErrorKind};
use crate::wire::{
    AdminCreateUserConfigType, CreateUserPoolRequest, CreateUserPoolResponse,
    DeleteUserPoolRequest, DescribeUserPoolRequest, DescribeUserPoolResponse, ListUserPoolsRequest,
    ListUserPoolsResponse, PasswordPolicyType, UpdateUserPoolRequest, UserPoolDescriptionType,
    UserPoolPolicyType, UserPoolType, UsernameConfigurationType,
};
use crate::{Identity, store, util};

/// Symbols a password may use to satisfy `RequireSymbols` (AWS's list, plus space).
pub(crate) const PASSWORD_SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
/// Longest password accepted.
pub(crate) const MAX_PASSWORD_CHARS: usize = 256;
/// Default ID/access token lifetime.
pub(crate) const DEFAULT_TOKEN_VALIDITY_SECS: i32 = 3600;
/// Default refresh token lifetime (30 days).
pub(crate) const DEFAULT_REFRESH_VALIDITY_SECS: i32 = 30 * 24 * 3600;

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

impl PasswordPolicy {
    fn from_wire(p: Option<&PasswordPolicyType>) -> Result<PasswordPolicy, CognitoError> {
        let d = PasswordPolicy::default();
        let Some(p) = p else { return Ok(d) };
        let policy = PasswordPolicy {
            min_length: p.minimum_length.unwrap_or(d.min_length),
            require_uppercase: p.require_uppercase.unwrap_or(d.require_uppercase),
            require_lowercase: p.require_lowercase.unwrap_or(d.require_lowercase),
            require_numbers: p.require_numbers.unwrap_or(d.require_numbers),
            require_symbols: p.require_symbols.unwrap_or(d.require_symbols),
            temporary_password_validity_days: p
                .temporary_password_validity_days
                .unwrap_or(d.temporary_password_validity_days),
        };
        if !(6..=99).contains(&policy.min_length) {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{}' at 'policies.passwordPolicy.minimumLength' \
                 failed to satisfy constraint: Member must have value between 6 and 99",
                policy.min_length
            )));
        }
        if !(0..=365).contains(&policy.temporary_password_validity_days) {
            return Err(CognitoError::invalid_parameter(format!(
                "1 validation error detected: Value '{}' at \
                 'policies.passwordPolicy.temporaryPasswordValidityDays' failed to satisfy \
                 constraint: Member must have value between 0 and 365",
                policy.temporary_password_validity_days
            )));
        }
        Ok(policy)
    }

    fn to_wire(&self) -> PasswordPolicyType {
        PasswordPolicyType {
            minimum_length: Some(self.min_length),
            require_uppercase: Some(self.require_uppercase),
            require_lowercase: Some(self.require_lowercase),
            require_numbers: Some(self.require_numbers),
            require_symbols: Some(self.require_symbols),
            temporary_password_validity_days: Some(self.temporary_password_validity_days),
        }
    }

    /// `InvalidPasswordException` with AWS's message for the first rule `password` breaks.
    pub(crate) fn check(&self, password: &str) -> Result<(), CognitoError> {
        let fail = |why: &str| {
            Err(CognitoError::new(
                ErrorKind::InvalidPassword,
                format!("Password did not conform with policy: {why}"),
            ))
        };
        let chars = password.chars().count();
        if chars > MAX_PASSWORD_CHARS {
            return fail("Password must have less than 256 characters");
        }
        if chars < usize::try_from(self.min_length).unwrap_or(0) {
            return fail("Password not long enough");
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
            return fail("Password must have uppercase characters");
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
            return fail("Password must have lowercase characters");
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return fail("Password must have numeric characters");
        }
        if self.require_symbols && !password.chars().any(|c| PASSWORD_SYMBOLS.contains(c)) {
            return fail("Password must have symbol characters");
        }
        Ok(())
    }

    /// A random password that satisfies the policy (for AdminCreateUser without one).
    pub(crate) fn generate(&self) -> String {
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const DIGITS: &[u8] = b"23456789";
        const SYMBOLS: &[u8] = b"!@#%&*+-=?";
        let mut rng = OsRng;
        let mut pick = |set: &[u8]| char::from(set[rng.gen_range(0..set.len())]);
        let mut chars = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
        let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
        let len = usize::try_from(self.min_length).unwrap_or(8).max(12);
        while chars.len() < len {
            chars.push(pick(&all));
        }
        chars.shuffle(&mut OsRng);
        chars.into_iter().collect()
    }
}

/// A user pool as stored.
#[derive(Debug, Clone)]
pub(crate) struct Pool {
    pub id: String,
    pub name: String,
    pub region: String,
    pub username_attributes: Vec<String>,
    pub alias_attributes: Vec<String>,
    pub auto_verified_attributes: Vec<String>,
    pub required_attributes: Vec<String>,
    pub password: PasswordPolicy,
    pub allow_admin_create_user_only: bool,
    pub case_sensitive: bool,
    pub mfa_configuration: String,
    pub deletion_protection: String,
    pub id_token_validity_secs: i32,
    pub access_token_validity_secs: i32,
    pub refresh_token_validity_secs: i32,
    pub settings: Value,
    pub custom: Vec<CustomAttribute>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Pool {
    /// The email is the sign-in name (`UsernameAttributes: ["email"]`); the stored username is
    /// the sub.
    pub(crate) fn email_is_username(&self) -> bool {
        self.username_attributes.iter().any(|a| a == "email")
    }

    /// A verified email can be used instead of the username (`AliasAttributes: ["email"]`).
    pub(crate) fn email_is_alias(&self) -> bool {
        self.alias_attributes.iter().any(|a| a == "email")
    }

    /// The lookup form of a username.
    pub(crate) fn username_key(&self, name: &str) -> String {
        if self.case_sensitive {
            name.to_owned()
        } else {
            name.to_lowercase()
        }
    }

    fn setting(&self, key: &str) -> Option<&Value> {
        self.settings.get(key).filter(|v| !v.is_null())
    }

    fn to_wire(&self, identity: &Identity, estimated_users: i64) -> UserPoolType {
        let mut schema = attributes::standard_schema(&self.required_attributes);
        schema.extend(self.custom.iter().map(CustomAttribute::to_schema));
        let tags = self
            .setting("UserPoolTags")
            .and_then(|v| serde_json::from_value::<BTreeMap<String, String>>(v.clone()).ok())
            .unwrap_or_default();
        let admin_extra = self.setting("AdminCreateUserConfig");
        UserPoolType {
            id: self.id.clone(),
            name: self.name.clone(),
            arn: identity.pool_arn(&self.id),
            policies: UserPoolPolicyType {
                password_policy: Some(self.password.to_wire()),
            },
            schema_attributes: schema,
            auto_verified_attributes: self.auto_verified_attributes.clone(),
            username_attributes: (!self.username_attributes.is_empty())
                .then(|| self.username_attributes.clone()),
            alias_attributes: (!self.alias_attributes.is_empty())
                .then(|| self.alias_attributes.clone()),
            mfa_configuration: self.mfa_configuration.clone(),
            estimated_number_of_users: estimated_users,
            deletion_protection: self.deletion_protection.clone(),
            admin_create_user_config: AdminCreateUserConfigType {
                allow_admin_create_user_only: Some(self.allow_admin_create_user_only),
                unused_account_validity_days: Some(self.password.temporary_password_validity_days),
                invite_message_template: admin_extra
                    .and_then(|v| v.get("InviteMessageTemplate"))
                    .cloned(),
            },
            username_configuration: UsernameConfigurationType {
                case_sensitive: Some(self.case_sensitive),
            },
            user_pool_tags: tags,
            verification_message_template: self
                .setting("VerificationMessageTemplate")
                .cloned()
                .unwrap_or_else(|| json!({"DefaultEmailOption": "CONFIRM_WITH_CODE"})),
            email_configuration: self
                .setting("EmailConfiguration")
                .cloned()
                .unwrap_or_else(|| json!({"EmailSendingAccount": "COGNITO_DEFAULT"})),
            account_recovery_setting: self.setting("AccountRecoverySetting").cloned(),
            lambda_config: self
                .setting("LambdaConfig")
                .cloned()
                .unwrap_or_else(|| json!({})),
            user_pool_tier: self
                .setting("UserPoolTier")
                .and_then(Value::as_str)
                .unwrap_or("ESSENTIALS")
                .to_owned(),
            creation_date: self.created_at,
            last_modified_date: self.updated_at,
        }
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

fn check_enum(member: &str, value: &str, allowed: &[&str]) -> Result<(), CognitoError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy \
             constraint: Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        )))
    }
}

fn check_list(member: &str, values: &[String], allowed: &[&str]) -> Result<(), CognitoError> {
    values
        .iter()
        .try_for_each(|v| check_enum(member, v, allowed))
}

fn check_mfa(mfa: &str) -> Result<(), CognitoError> {
    check_enum("mfaConfiguration", mfa, &["OFF", "ON", "OPTIONAL"])?;
    if mfa != "OFF" {
        return Err(CognitoError::invalid_parameter(
            "Gatehouse does not support MFA; MfaConfiguration must be OFF.",
        ));
    }
    Ok(())
}

fn put(settings: &mut serde_json::Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        settings.insert(key.to_owned(), v);
    }
}

impl Identity {
    /// Loads a pool, validating the id first (`InvalidParameterException` /
    /// `ResourceNotFoundException`).
    pub(crate) async fn load_pool(&self, pool_id: &str) -> Result<Pool, CognitoError> {
        util::validate_pool_id(pool_id)?;
        store::pools::find_pool(self.db(), pool_id)
            .await?
            .ok_or_else(|| CognitoError::pool_not_found(pool_id))
    }

    /// CreateUserPool. Signing keys are generated lazily, on first use.
    pub async fn create_user_pool(
        &self,
        req: CreateUserPoolRequest,
    ) -> Result<CreateUserPoolResponse, CognitoError> {
        let name = req.pool_name.trim();
        util::require_non_empty("PoolName", name)?;
        if name.chars().count() > 128
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c))
        {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'poolName' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
            ));
        }
        let username_attributes = req.username_attributes.clone().unwrap_or_default();
        let alias_attributes = req.alias_attributes.clone().unwrap_or_default();
        check_list(
            "usernameAttributes",
            &username_attributes,
            &["phone_number", "email"],
        )?;
        if username_attributes.iter().any(|a| a == "phone_number") {
            return Err(CognitoError::invalid_parameter(
                "Gatehouse supports only email as a username attribute.",
            ));
        }
        check_list(
            "aliasAttributes",
            &alias_attributes,
            &["phone_number", "email", "preferred_username"],
        )?;
        if !username_attributes.is_empty() && !alias_attributes.is_empty() {
            return Err(CognitoError::invalid_parameter(
                "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
            ));
        }
        let auto_verified = req.auto_verified_attributes.clone().unwrap_or_default();
        check_list(
            "autoVerifiedAttributes",
            &auto_verified,
            &["phone_number", "email"],
        )?;
        let password = PasswordPolicy::from_wire(
            req.policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )?;
        let mfa = req
            .mfa_configuration
            .clone()
            .unwrap_or_else(|| "OFF".into());
        check_mfa(&mfa)?;
        let deletion_protection = req
            .deletion_protection
            .clone()
            .unwrap_or_else(|| "INACTIVE".into());
        check_enum(
            "deletionProtection",
            &deletion_protection,
            &["ACTIVE", "INACTIVE"],
        )?;

        let mut custom: Vec<CustomAttribute> = Vec::new();
        let mut required = Vec::new();
        for entry in req.schema.iter().flatten() {
            let entry_name = entry.name.as_deref().unwrap_or_default();
            if attributes::is_standard(entry_name) {
                if entry.required == Some(true) && !required.iter().any(|r| r == entry_name) {
                    required.push(entry_name.to_owned());
                }
                continue;
            }
            let def = CustomAttribute::from_schema(entry)?;
            if custom.iter().any(|c| c.name == def.name) {
                return Err(CognitoError::invalid_parameter(format!(
                    "Existing attribute already has name {}.",
                    def.name
                )));
            }
            custom.push(def);
        }
        if custom.len() > 50 {
            return Err(CognitoError::invalid_parameter(
                "A user pool can have at most 50 custom attributes.",
            ));
        }

        let mut settings = serde_json::Map::new();
        put(
            &mut settings,
            "UserPoolTags",
            req.user_pool_tags.map(|t| json!(t)),
        );
        put(
            &mut settings,
            "VerificationMessageTemplate",
            req.verification_message_template,
        );
        put(&mut settings, "EmailConfiguration", req.email_configuration);
        put(
            &mut settings,
            "AccountRecoverySetting",
            req.account_recovery_setting,
        );
        put(&mut settings, "LambdaConfig", req.lambda_config);
        put(
            &mut settings,
            "UserPoolTier",
            req.user_pool_tier.map(Value::String),
        );
        put(
            &mut settings,
            "AdminCreateUserConfig",
            req.admin_create_user_config
                .as_ref()
                .and_then(|c| c.invite_message_template.clone())
                .map(|t| json!({"InviteMessageTemplate": t})),
        );

        let now = util::now();
        let pool = Pool {
            id: util::new_pool_id(self.region()),
            name: name.to_owned(),
            region: self.region().to_owned(),
            username_attributes,
            alias_attributes,
            auto_verified_attributes: auto_verified,
            required_attributes: required,
            password,
            allow_admin_create_user_only: req
                .admin_create_user_config
                .as_ref()
                .and_then(|c| c.allow_admin_create_user_only)
                .unwrap_or(false),
            case_sensitive: req
                .username_configuration
                .as_ref()
                .and_then(|c| c.case_sensitive)
                .unwrap_or(false),
            mfa_configuration: mfa,
            deletion_protection,
            id_token_validity_secs: DEFAULT_TOKEN_VALIDITY_SECS,
            access_token_validity_secs: DEFAULT_TOKEN_VALIDITY_SECS,
            refresh_token_validity_secs: DEFAULT_REFRESH_VALIDITY_SECS,
            settings: Value::Object(settings),
            custom,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db().begin().await?;
        store::pools::insert_pool(&mut tx, &pool).await?;
        tx.commit().await?;
        tracing::info!(pool.id = %pool.id, pool.name = %pool.name, "user pool created");
        Ok(CreateUserPoolResponse {
            user_pool: pool.to_wire(self, 0),
        })
    }

    /// DescribeUserPool.
    pub async fn describe_user_pool(
        &self,
        req: DescribeUserPoolRequest,
    ) -> Result<DescribeUserPoolResponse, CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        let users = store::pools::count_users(self.db(), &pool.id).await?;
        Ok(DescribeUserPoolResponse {
            user_pool: pool.to_wire(self, users),
        })
    }

    /// ListUserPools (ordered by id).
    pub async fn list_user_pools(
        &self,
        req: ListUserPoolsRequest,
    ) -> Result<ListUserPoolsResponse, CognitoError> {
        let limit = util::page_limit(Some(req.max_results), "MaxResults")?;
        let after = req
            .next_token
            .as_deref()
            .map(|t| util::decode_page_token(t, "NextToken"))
            .transpose()?;
        let mut rows = store::pools::list_pools(self.db(), after.as_deref(), limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(60));
        let next_token = if more {
            rows.last().map(|r| util::encode_page_token(&r.0))
        } else {
            None
        };
        Ok(ListUserPoolsResponse {
            user_pools: rows
                .into_iter()
                .map(
                    |(id, name, settings, created, updated)| UserPoolDescriptionType {
                        id,
                        name,
                        lambda_config: settings
                            .get("LambdaConfig")
                            .cloned()
                            .unwrap_or_else(|| json!({})),
                        creation_date: created,
                        last_modified_date: updated,
                    },
                )
                .collect(),
            next_token,
        })
    }

    /// UpdateUserPool. As in AWS, updatable settings left out of the request return to their
    /// defaults (tags excepted). Name, schema and sign-in attributes are fixed at creation.
    pub async fn update_user_pool(&self, req: UpdateUserPoolRequest) -> Result<(), CognitoError> {
        let mut pool = self.load_pool(&req.user_pool_id).await?;
        let auto_verified = req.auto_verified_attributes.clone().unwrap_or_default();
        check_list(
            "autoVerifiedAttributes",
            &auto_verified,
            &["phone_number", "email"],
        )?;
        let password = PasswordPolicy::from_wire(
            req.policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )?;
        let mfa = req
            .mfa_configuration
            .clone()
            .unwrap_or_else(|| "OFF".into());
        check_mfa(&mfa)?;
        let deletion_protection = req
            .deletion_protection
            .clone()
            .unwrap_or_else(|| "INACTIVE".into());
        check_enum(
            "deletionProtection",
            &deletion_protection,
            &["ACTIVE", "INACTIVE"],
        )?;
        let mut settings = serde_json::Map::new();
        put(
            &mut settings,
            "UserPoolTags",
            req.user_pool_tags
                .map(|t| json!(t))
                .or_else(|| pool.setting("UserPoolTags").cloned()),
        );
        put(
            &mut settings,
            "VerificationMessageTemplate",
            req.verification_message_template,
        );
        put(&mut settings, "EmailConfiguration", req.email_configuration);
        put(
            &mut settings,
            "AccountRecoverySetting",
            req.account_recovery_setting,
        );
        put(&mut settings, "LambdaConfig", req.lambda_config);
        put(
            &mut settings,
            "UserPoolTier",
            req.user_pool_tier
                .map(Value::String)
                .or_else(|| pool.setting("UserPoolTier").cloned()),
        );
        put(
            &mut settings,
            "AdminCreateUserConfig",
            req.admin_create_user_config
                .as_ref()
                .and_then(|c| c.invite_message_template.clone())
                .map(|t| json!({"InviteMessageTemplate": t})),
        );
        pool.auto_verified_attributes = auto_verified;
        pool.password = password;
        pool.mfa_configuration = mfa;
        pool.deletion_protection = deletion_protection;
        pool.allow_admin_create_user_only = req
            .admin_create_user_config
            .as_ref()
            .and_then(|c| c.allow_admin_create_user_only)
            .unwrap_or(false);
        pool.settings = Value::Object(settings);
        pool.updated_at = util::now();
        if !store::pools::update_pool(self.db(), &pool).await? {
            return Err(CognitoError::pool_not_found(&pool.id));
        }
        tracing::info!(pool.id = %pool.id, "user pool updated");
        Ok(())
    }

    /// DeleteUserPool: removes the pool and everything in it (clients, users, groups, keys,
    /// tokens, outbox).
    pub async fn delete_user_pool(&self, req: DeleteUserPoolRequest) -> Result<(), CognitoError> {
        let pool = self.load_pool(&req.user_pool_id).await?;
        if pool.deletion_protection == "ACTIVE" {
            return Err(CognitoError::invalid_parameter(
                "The user pool cannot be deleted because deletion protection is activated.",
            ));
        }
        if !store::pools::delete_pool(self.db(), &pool.id).await? {
            return Err(CognitoError::pool_not_found(&pool.id));
        }
        self.forget_pool_keys(&pool.id);
        tracing::info!(pool.id = %pool.id, "user pool deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_messages() {
        let p = PasswordPolicy::default();
        let msg = |pw: &str| p.check(pw).err().map(|e| e.message);
        assert_eq!(
            msg("Aa1!"),
            Some("Password did not conform with policy: Password not long enough".into())
        );
        assert_eq!(
            msg("abcdefg1!"),
            Some(
                "Password did not conform with policy: Password must have uppercase characters"
                    .into()
            )
        );
        assert_eq!(
            msg("ABCDEFG1!"),
            Some(
                "Password did not conform with policy: Password must have lowercase characters"
                    .into()
            )
        );
        assert_eq!(
            msg("Abcdefgh!"),
            Some(
                "Password did not conform with policy: Password must have numeric characters"
                    .into()
            )
        );
        assert_eq!(
            msg("Abcdefgh1"),
            Some(
                "Password did not conform with policy: Password must have symbol characters".into()
            )
        );
        assert_eq!(msg("Abcdefg1!"), None);
        for _ in 0..20 {
            assert!(p.check(&p.generate()).is_ok());
        }
    }
}
